import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isKubernetesManifest, readManifest } from './manifests';
import { HardenedEksRule } from './rule';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

/**
 * Namespaces created by the app without a Pod Security `enforce` level (`NoEnforce::`), or
 * enforcing `privileged` (`Privileged::`).
 */
export const manifestNamespacePodSecurity: HardenedEksRule = {
  id: 'ManifestNamespacePodSecurity',
  level: NagMessageLevel.ERROR,
  info: 'A Kubernetes namespace in the app does not enforce a Pod Security level, or enforces privileged.',
  explanation: 'CIS Amazon EKS Benchmark 4.2.x and the EKS Best Practices Guide (pod security): EKS has no cluster-wide Pod Security ' +
    'default, so a namespace without the pod-security.kubernetes.io/enforce label admits any pod. Use restricted (or baseline).',
  check(node: CfnResource): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    for (const { object, ref } of readManifest(node).objects) {
      if (object.kind !== 'Namespace') { continue; }
      const level = object.metadata?.labels?.[ENFORCE];
      if (level === undefined) { findings.push(`NoEnforce::${ref}`); } else if (level === 'privileged') { findings.push(`Privileged::${ref}`); }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
