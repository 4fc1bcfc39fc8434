import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { containersOf, isKubernetesManifest, workloadsOf } from './manifests';
import { HardenedEksRule, RuleOptions, UNRESOLVED } from './rule';

/** A private ECR registry host; account and region may be deploy-time values of the app's own stack. */
const ecrRegistry = (account: string, region: string) =>
  new RegExp(`^(${account})\\.dkr\\.ecr(-fips)?\\.(${region})\\.(amazonaws\\.com(\\.cn)?|${UNRESOLVED})/`);

/**
 * Images from registries the app does not allow, `:latest` or untagged. Findings:
 * `Registry::`, `Latest::`, `Untagged::` + `<Kind>/<namespace>/<name>/<container>`, and
 * `RegistryUnresolved::` when the registry is a deploy-time value that is not the stack's own ECR
 * (an ECR repository of the app is recognised).
 */
export const manifestImages: HardenedEksRule = {
  id: 'ManifestImages',
  level: NagMessageLevel.ERROR,
  info: 'A Kubernetes workload in the app uses an image from an unapproved registry, or a :latest or untagged image.',
  explanation: 'CIS Amazon EKS Benchmark 5.1.1-5.1.4 (image registries) and the EKS Best Practices Guide (image security): images ' +
    'should come from registries the organization scans and controls, pinned to a tag or digest so what runs is what was reviewed. ' +
    'By default the stack\'s own ECR registry is allowed; configure allowedImageRegistries for others.',
  check(node: CfnResource, options: RuleOptions): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    for (const { ref, spec } of workloadsOf(node)) {
      for (const c of containersOf(spec)) {
        const image = typeof c.image === 'string' ? c.image : '';
        const where = `${ref}/${c.name}`;
        if (!registryAllowed(image, options.allowedImageRegistries, Stack.of(node))) {
          findings.push(image.startsWith(UNRESOLVED) && !ecrRegistry(UNRESOLVED, UNRESOLVED).test(image)
            ? `RegistryUnresolved::${where}` : `Registry::${where}`);
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

/**
 * Without a list: the stack's own ECR registry (its account and region when they are known at
 * synth, else any), or an ECR repository of the app whose account and region are deploy-time
 * values of the stack.
 */
function registryAllowed(image: string, allowed: string[] | undefined, stack: Stack): boolean {
  if (allowed !== undefined) { return allowed.some((prefix) => image.startsWith(`${prefix.replace(/\/$/, '')}/`)); }
  const account = Token.isUnresolved(stack.account) ? '\\d{12}' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '[a-z0-9-]+' : stack.region;
  return ecrRegistry(`${account}|${UNRESOLVED}`, `${region}|${UNRESOLVED}`).test(image);
}
