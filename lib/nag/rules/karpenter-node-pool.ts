import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isKubernetesManifest, readManifest } from './manifests';
import { HardenedEksRule, list } from './rule';
import { DEDICATED_NODE_KEY, KARPENTER_BOUNDS } from '../../private/defaults';
import { durationSeconds } from '../../private/durations';

/** Whether an object is a Karpenter NodePool (any API version of karpenter.sh). */
export function isNodePool(object: Record<string, any>): boolean {
  return object.kind === 'NodePool' && typeof object.apiVersion === 'string' && object.apiVersion.startsWith('karpenter.sh/');
}

/**
 * Karpenter NodePools in the app's manifests (the library's and any added through the escape
 * hatch) without a cpu and memory limit (`NoLimits::`); whose nodes never expire, or only after
 * more than 90 days, or after a duration that cannot be read (`NeverExpires::`); without a
 * termination grace period of at most 7 days, without which a PodDisruptionBudget or a
 * `karpenter.sh/do-not-disrupt` pod keeps an expired node forever (`NoTerminationGracePeriod::`);
 * or that label nodes with the library's dedicated key without its NoSchedule taint, so any
 * namespace's pods land on nodes a namespace was promised alone (`DedicatedWithoutTaint::`).
 */
export const karpenterNodePool: HardenedEksRule = {
  id: 'KarpenterNodePool',
  level: NagMessageLevel.ERROR,
  info: 'A Karpenter NodePool has no cpu or memory limit, nodes that never (or only very late) expire or drain, or a dedicated label without its taint.',
  explanation: 'EKS Best Practices (Karpenter) and availability: a NodePool without limits launches instances for every pending pod until the account\'s ' +
    'quotas stop it, so one tenant\'s runaway Deployment becomes an unbounded bill and can starve every other node pool of quota. Nodes that never ' +
    'expire keep their Bottlerocket image and any state an attacker left behind, and expiry only happens when a termination grace period bounds ' +
    'the drain. Set spec.limits.cpu and spec.limits.memory, expireAfter of at most 90 days and terminationGracePeriod of at most 7 days ' +
    '(HardenedEksCluster node pools use 64 vCPUs, 256Gi, 21 days and 24 hours by default), and give the cdk-hardened-eks.io/dedicated label ' +
    'only together with its NoSchedule taint (the dedicated option does both).',
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
      const template = object.spec?.template ?? {};
      // Left out, expireAfter is Karpenter's default of 720h.
      const expireAfter = template.spec?.expireAfter;
      const expiry = expireAfter === undefined ? 720 * 3600 : durationSeconds(expireAfter);
      if (expiry === undefined || expiry > KARPENTER_BOUNDS.maxExpireAfterHours * 3600) {
        findings.push(`NeverExpires::${ref}`);
      }
      const grace = durationSeconds(template.spec?.terminationGracePeriod);
      if (grace === undefined || grace > KARPENTER_BOUNDS.maxTerminationGracePeriodHours * 3600) {
        findings.push(`NoTerminationGracePeriod::${ref}`);
      }
      const dedicated = template.metadata?.labels?.[DEDICATED_NODE_KEY];
      if (dedicated !== undefined && !list(template.spec?.taints).some((t: any) =>
        t?.key === DEDICATED_NODE_KEY && t?.value === dedicated && t?.effect === 'NoSchedule')) {
        findings.push(`DedicatedWithoutTaint::${ref}`);
      }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
