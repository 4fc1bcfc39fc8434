import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, list } from './rule';
import { isServiceAccountRole } from './service-account-roles';

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
    const managed = list(props.ManagedPolicyArns);
    if (managed.map((arn) => JSON.stringify(arn)).some((arn) => /:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)(?![A-Za-z-])/.test(arn))) {
      return NagRuleCompliance.NON_COMPLIANT;
    }
    const documents = [
      ...list(props.Policies).map((p: any) => p?.PolicyDocument),
      ...attachedPolicyDocuments(node, managed),
    ];
    const admin = documents.some((doc) => list(doc?.Statement).some((s: any) => s?.Effect === 'Allow'
      && (list(s.Action).some((a) => a === '*' || a === '*:*') || s.NotAction !== undefined)
      && (list(s.Resource).some((r) => r === '*') || s.NotResource !== undefined)));
    return admin ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};

/**
 * Policy documents of the stack's AWS::IAM::Policy and AWS::IAM::ManagedPolicy resources that name
 * the role in `Roles`, or that the role references in its `ManagedPolicyArns`.
 */
function attachedPolicyDocuments(role: CfnResource, managedArns: unknown[]): unknown[] {
  const stack = Stack.of(role);
  const roleId = stack.resolve(role.logicalId);
  const referenced = new Set(managedArns.map((arn: any) => arn?.Ref).filter((ref) => typeof ref === 'string'));
  return stack.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c)
      && (c.cfnResourceType === 'AWS::IAM::Policy' || c.cfnResourceType === 'AWS::IAM::ManagedPolicy'))
    .filter((policy) => referenced.has(stack.resolve(policy.logicalId))
      || list(deployedProperties(policy).Roles).some((r: any) => r?.Ref === roleId))
    .map((policy) => deployedProperties(policy).PolicyDocument);
}
