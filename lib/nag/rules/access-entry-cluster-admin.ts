import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, deployedResource, HardenedEksRule, list } from './rule';
import { DECLARED_ADMIN_METADATA } from '../../private/defaults';

const CLUSTER_WIDE_ADMIN = /cluster-access-policy\/(AmazonEKSClusterAdminPolicy|AmazonEKSAdminPolicy)"?$/;

/**
 * An EKS access entry that grants cluster-wide admin without being declared an admin entry
 * (`Entry::UndeclaredClusterAdmin`), or maps its principal into `system:masters`
 * (`Entry::SystemMasters`, never acceptable).
 *
 * An entry is declared by the library's grantClusterAdmin, clusterAdmins and breakGlassAdminRole,
 * or by CloudFormation metadata `cdk-hardened-eks:declared-admin` on the entry with the reason.
 */
export const accessEntryClusterAdmin: HardenedEksRule = {
  id: 'AccessEntryClusterAdmin',
  level: NagMessageLevel.ERROR,
  info: 'An EKS access entry grants cluster-wide admin that was not declared as such, or maps into system:masters.',
  explanation: 'CIS Amazon EKS Benchmark 4.1.1 (use cluster-admin only where required) and the EKS Best Practices Guide (grant least-privileged ' +
    'access, do not use system:masters) ask that cluster-wide admin be rare and deliberate. system:masters cannot be restricted by RBAC at all.',
  check(node: CfnResource): NagRuleResult {
    if (node.cfnResourceType !== 'AWS::EKS::AccessEntry') { return NagRuleCompliance.NOT_APPLICABLE; }
    const props = deployedProperties(node);
    const findings: string[] = [];
    if (list(props.KubernetesGroups).includes('system:masters')) { findings.push('Entry::SystemMasters'); }
    const clusterAdmin = list(props.AccessPolicies).some((p: any) =>
      p?.AccessScope?.Type === 'cluster' && CLUSTER_WIDE_ADMIN.test(flatten(p.PolicyArn)));
    const declared = deployedResource(node).Metadata?.[DECLARED_ADMIN_METADATA] !== undefined;
    if (clusterAdmin && !declared) { findings.push('Entry::UndeclaredClusterAdmin'); }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};

function flatten(value: unknown): string {
  if (typeof value === 'string') { return value; }
  const join = (value as any)?.['Fn::Join'];
  if (Array.isArray(join)) { return list(join[1]).map((p) => (typeof p === 'string' ? p : '')).join(join[0]); }
  return JSON.stringify(value);
}
