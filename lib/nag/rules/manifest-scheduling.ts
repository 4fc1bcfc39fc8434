import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isKubernetesManifest, workloadsOf } from './manifests';
import { HardenedEksRule, list, UNRESOLVED } from './rule';

/**
 * Pods and pod templates in the app's manifests that choose their node or their rank themselves:
 * `NodeName` (skips the scheduler, and with it every node selector and taint), `SystemPriority`
 * (a `system-*` priority class preempts CoreDNS and the CNI), `TolerateEverything` (a toleration
 * without a key tolerates every taint, dedicated node groups' included); `Unresolved::` where one
 * is a deploy-time value. Findings: `<Check>::<Kind>/<namespace>/<name>`.
 */
export const manifestScheduling: HardenedEksRule = {
  id: 'ManifestScheduling',
  level: NagMessageLevel.ERROR,
  info: 'A Kubernetes workload in the app picks its node, takes a system priority, or tolerates every taint.',
  explanation: 'EKS Best Practices (multi-tenancy: node isolation; reliability: priority): a pod that names its node skips the scheduler and ' +
    'every nodeSelector and taint that keeps tenants apart; a system-node-critical or system-cluster-critical pod preempts CoreDNS and ' +
    'the CNI; a toleration without a key lands on any node, including dedicated ones. The library\'s admission policies refuse these in ' +
    'the namespaces it manages; this rule shows them at synth time, wherever they are. Acknowledge it for a node agent that needs it.',
  check(node: CfnResource): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    for (const { ref, spec } of workloadsOf(node)) {
      if (spec.nodeName === UNRESOLVED || spec.priorityClassName === UNRESOLVED) { findings.push(`Unresolved::${ref}`); }
      if (typeof spec.nodeName === 'string' && spec.nodeName !== '' && spec.nodeName !== UNRESOLVED) { findings.push(`NodeName::${ref}`); }
      if (typeof spec.priorityClassName === 'string' && spec.priorityClassName.startsWith('system-')) { findings.push(`SystemPriority::${ref}`); }
      const tolerations = list(spec.tolerations) as any[];
      if (tolerations.some((t) => (t?.key === undefined || t?.key === '') && t?.operator === 'Exists')) { findings.push(`TolerateEverything::${ref}`); }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
