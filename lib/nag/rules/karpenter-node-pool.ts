import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isKubernetesManifest, readManifest } from './manifests';
import { HardenedEksRule } from './rule';

/** Whether an object is a Karpenter NodePool (any API version of karpenter.sh). */
export function isNodePool(object: Record<string, any>): boolean {
  return object.kind === 'NodePool' && typeof object.apiVersion === 'string' && object.apiVersion.startsWith('karpenter.sh/');
}

/**
 * Karpenter NodePools in the app's manifests (the library's and any added through the escape
 * hatch) without a cpu and memory limit (`NoLimits::`), or whose nodes never expire
 * (`NeverExpires::`: `expireAfter: Never`).
 */
export const karpenterNodePool: HardenedEksRule = {
  id: 'KarpenterNodePool',
  level: NagMessageLevel.ERROR,
  info: 'A Karpenter NodePool has no cpu or memory limit, or its nodes never expire.',
  explanation: 'EKS Best Practices (Karpenter) and availability: a NodePool without limits launches instances for every pending pod until the account\'s ' +
    'quotas stop it, so one tenant\'s runaway Deployment becomes an unbounded bill and can starve every other node pool of quota. Nodes that never ' +
    'expire keep their Bottlerocket image and any state an attacker left behind. Set spec.limits.cpu and spec.limits.memory, and an expireAfter ' +
    'duration (HardenedEksCluster node pools use 64 vCPUs, 256Gi and 21 days by default).',
  check(node: CfnResource): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const pools = readManifest(node).objects.filter(({ object }) => isNodePool(object));
    if (pools.length === 0) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    for (const { object, ref } of pools) {
      const limits = object.spec?.limits ?? {};
      if (limits.cpu === undefined || limits.cpu === null || limits.memory === undefined || limits.memory === null) {
        findings.push(`NoLimits::${ref}`);
      }
      if (object.spec?.template?.spec?.expireAfter === 'Never') {
        findings.push(`NeverExpires::${ref}`);
      }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
