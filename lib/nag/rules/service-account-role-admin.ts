import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule } from './rule';
import { isServiceAccountRole, list } from './service-account-roles';

/**
 * A role for Kubernetes pods that may do everything: a statement allowing `*` (or `*:*`) on `*`
 * in its inline policies or in a policy attached to it in the same stack, or the AWS managed
 * AdministratorAccess policy.
 */
export const serviceAccountRoleAdmin: HardenedEksRule = {
  id: 'ServiceAccountRoleAdmin',
  level: NagMessageLevel.ERROR,
  info: 'A role for Kubernetes pods allows every action on every resource.',
  explanation: 'The EKS Best Practices Guide (IAM: least privilege for IRSA and Pod Identity roles) asks to grant a pod role only the ' +
    'actions and resources its workload needs. A compromised pod with an administrator role owns the AWS account.',
  check(node: CfnResource): NagRuleResult {
    if (!isServiceAccountRole(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const props = deployedProperties(node);
    const managed = list(props.ManagedPolicyArns).map((arn) => JSON.stringify(arn));
    if (managed.some((arn) => arn.includes(':iam::aws:policy/AdministratorAccess'))) { return NagRuleCompliance.NON_COMPLIANT; }
    const documents = [
      ...list(props.Policies).map((p: any) => p?.PolicyDocument),
      ...attachedPolicyDocuments(node),
    ];
    const admin = documents.some((doc) => list(doc?.Statement).some((s: any) => s?.Effect === 'Allow'
      && list(s.Action).some((a) => a === '*' || a === '*:*') && list(s.Resource).some((r) => r === '*')));
    return admin ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};

/** Policy documents of AWS::IAM::Policy and AWS::IAM::ManagedPolicy resources that name the role. */
function attachedPolicyDocuments(role: CfnResource): unknown[] {
  const stack = Stack.of(role);
  const roleId = stack.resolve(role.logicalId);
  return stack.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c)
      && (c.cfnResourceType === 'AWS::IAM::Policy' || c.cfnResourceType === 'AWS::IAM::ManagedPolicy'))
    .map((policy) => deployedProperties(policy))
    .filter((props) => list(props.Roles).some((r: any) => r?.Ref === roleId))
    .map((props) => props.PolicyDocument);
}
