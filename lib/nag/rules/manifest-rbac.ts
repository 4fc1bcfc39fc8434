import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isKubernetesManifest, readManifest } from './manifests';
import { HardenedEksRule, list } from './rule';

const DANGEROUS_VERBS = ['escalate', 'bind', 'impersonate'];

/**
 * RBAC objects that hand out too much: bindings to cluster-admin (`ClusterAdmin::`), wildcard
 * verbs or resources (`Wildcard::`), escalate/bind/impersonate (`Escalation::`), list or watch on
 * Secrets (`SecretsList::`).
 */
export const manifestRbac: HardenedEksRule = {
  id: 'ManifestRbac',
  level: NagMessageLevel.ERROR,
  info: 'A Kubernetes RBAC object in the app grants cluster-admin, wildcards, escalation or Secret listing.',
  explanation: 'CIS Amazon EKS Benchmark 4.1.1 (cluster-admin only where required), 4.1.2 (minimize access to secrets), ' +
    '4.1.3 (minimize wildcard use), 4.1.8 (limit bind, impersonate and escalate).',
  check(node: CfnResource): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    for (const { object, ref } of readManifest(node).objects) {
      if ((object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding') && object.roleRef?.name === 'cluster-admin') {
        findings.push(`ClusterAdmin::${ref}`);
      }
      if (object.kind !== 'Role' && object.kind !== 'ClusterRole') { continue; }
      for (const rule of list(object.rules) as any[]) {
        const verbs = list(rule?.verbs);
        const resources = list(rule?.resources);
        if (verbs.includes('*') || resources.includes('*') || list(rule?.apiGroups).includes('*')) { findings.push(`Wildcard::${ref}`); }
        if (verbs.some((v) => DANGEROUS_VERBS.includes(v as string))) { findings.push(`Escalation::${ref}`); }
        const secrets = resources.includes('secrets') || resources.includes('*');
        if (secrets && (verbs.includes('list') || verbs.includes('watch') || verbs.includes('*'))) { findings.push(`SecretsList::${ref}`); }
      }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : [...new Set(findings)];
  },
};
