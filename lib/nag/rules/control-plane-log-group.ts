import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { deployedProperties, deployedResource, HardenedEksRule, isEksCluster } from './rule';

const RETAINED = new Set(['Retain', 'RetainExceptOnCreate']);

/**
 * The log group EKS writes control-plane logs to (`/aws/eks/<name>/cluster`) is not created by the
 * app before the cluster, or is created without KMS encryption, retention or a Retain policy.
 *
 * Findings are granular: `LogGroup::Missing`, `LogGroup::NotEncrypted`, `LogGroup::NoRetention`,
 * `LogGroup::NotRetained`, `LogGroup::NotCreatedFirst`.
 */
export const controlPlaneLogGroup: HardenedEksRule = {
  id: 'ControlPlaneLogGroup',
  level: NagMessageLevel.ERROR,
  info: 'The EKS control-plane log group is not created first by the app with KMS encryption, retention and a Retain policy.',
  explanation: 'CIS Amazon EKS Benchmark 2.1.2 asks that audit logs are collected and managed. Unless /aws/eks/<cluster name>/cluster ' +
    'exists before the cluster, EKS creates it itself: unencrypted, never expiring, and outside the stack. The app must create it first ' +
    '(the cluster depends on it; the cluster name must be known), encrypt it with a KMS key, set a retention and retain it on deletion.',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const clusterName = deployedProperties(node).Name;
    if (clusterName === undefined) { return ['LogGroup::Missing']; }
    const logGroup = findLogGroup(node, clusterName);
    if (!logGroup) { return ['LogGroup::Missing']; }
    const resource = deployedResource(logGroup);
    const findings: string[] = [];
    if (resource.Properties?.KmsKeyId === undefined) { findings.push('LogGroup::NotEncrypted'); }
    if (resource.Properties?.RetentionInDays === undefined) { findings.push('LogGroup::NoRetention'); }
    if (!RETAINED.has(resource.DeletionPolicy)) { findings.push('LogGroup::NotRetained'); }
    if (!createdBefore(logGroup, node)) { findings.push('LogGroup::NotCreatedFirst'); }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};

/** The app's log group named `/aws/eks/<cluster name>/cluster`, if any. */
export function findLogGroup(cluster: CfnResource, clusterName: unknown): CfnResource | undefined {
  const expected = typeof clusterName === 'string'
    ? JSON.stringify(`/aws/eks/${clusterName}/cluster`)
    : JSON.stringify({ 'Fn::Join': ['', ['/aws/eks/', clusterName, '/cluster']] });
  return cluster.node.root.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::Logs::LogGroup')
    .find((group) => JSON.stringify(deployedProperties(group).LogGroupName) === expected);
}

/**
 * Whether CloudFormation creates `logGroup` before `cluster`: a DependsOn in the template, a
 * construct dependency from the cluster (or a scope above it) on the log group (or a scope above
 * it), or a stack dependency when they live in different stacks.
 */
function createdBefore(logGroup: CfnResource, cluster: CfnResource): boolean {
  const groupStack = Stack.of(logGroup);
  const clusterStack = Stack.of(cluster);
  if (groupStack !== clusterStack) {
    return clusterStack.dependencies.includes(groupStack);
  }
  const dependsOn: unknown = deployedResource(cluster).DependsOn;
  const logicalId = clusterStack.resolve(logGroup.logicalId);
  if ((Array.isArray(dependsOn) ? dependsOn : [dependsOn]).includes(logicalId)) { return true; }
  const groupAndScopes = new Set<IConstruct>(logGroup.node.scopes);
  return cluster.node.scopes.some((scope) => scope.node.dependencies.some((dep) => groupAndScopes.has(dep)));
}
