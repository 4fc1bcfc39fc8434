import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { containersOf, isKubernetesManifest, podSpecOf, readManifest, UNRESOLVED } from './manifests';
import { HardenedEksRule, RuleOptions } from './rule';

/** Any private ECR registry (any account, any region, FIPS endpoints, China partition). */
const PRIVATE_ECR = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

/**
 * Images from registries the app does not allow, `:latest` or untagged. Findings:
 * `Registry::`, `Latest::`, `Untagged::` + `<Kind>/<namespace>/<name>/<container>`. An image whose
 * registry is a deploy-time value (an ECR repository of the app) is not checked for its registry.
 */
export const manifestImages: HardenedEksRule = {
  id: 'ManifestImages',
  level: NagMessageLevel.ERROR,
  info: 'A Kubernetes workload in the app uses an image from an unapproved registry, or a :latest or untagged image.',
  explanation: 'CIS Amazon EKS Benchmark 5.1.1-5.1.4 (image registries) and the EKS Best Practices Guide (image security): images ' +
    'should come from registries the organization scans and controls, pinned to a tag or digest so what runs is what was reviewed. ' +
    'Configure HardenedEksChecks({ allowedImageRegistries }) for registries other than private ECR.',
  check(node: CfnResource, options: RuleOptions): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    for (const { object, ref } of readManifest(node).objects) {
      const spec = podSpecOf(object);
      if (!spec) { continue; }
      for (const c of containersOf(spec)) {
        const image = typeof c.image === 'string' ? c.image : '';
        const where = `${ref}/${c.name}`;
        if (!image.startsWith(UNRESOLVED) && !registryAllowed(image, options.allowedImageRegistries)) {
          findings.push(`Registry::${where}`);
        }
        const lastSegment = image.slice(image.lastIndexOf('/') + 1);
        if (/:latest(@sha256:[a-f0-9]{64})?$/.test(lastSegment)) {
          findings.push(`Latest::${where}`);
        } else if (!lastSegment.includes(':') && !lastSegment.includes('@')) {
          findings.push(`Untagged::${where}`);
        }
      }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};

function registryAllowed(image: string, allowed: string[] | undefined): boolean {
  if (allowed === undefined) { return PRIVATE_ECR.test(image); }
  return allowed.some((prefix) => image.startsWith(`${prefix.replace(/\/$/, '')}/`));
}
