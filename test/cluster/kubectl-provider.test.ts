import { synthCluster } from '../fixtures';

/**
 * The kubectl provider (aws-eks-v2's handler and the custom-resource framework's onEvent function)
 * on the library's role, policies, log group and security group.
 */
const { template } = synthCluster({ clusterName: 'kubectl' });
const resources = template.toJSON().Resources as Record<string, any>;
const byId = (pattern: RegExp) => {
  const found = Object.entries(resources).filter(([id]) => pattern.test(id));
  if (found.length !== 1) { throw new Error(`expected one resource matching ${pattern}, found ${found.length}`); }
  return { id: found[0][0], resource: found[0][1] };
};
const handler = byId(/^ClusterKubectlProviderHandler[0-9A-F]{8}$/);
const onEvent = byId(/^ClusterKubectlProviderframeworkonEvent[0-9A-F]{8}$/);
const handlerRole = byId(/^ClusterKubectlHandlerRole[0-9A-F]{8}$/);
const onEventRole = byId(/^ClusterKubectlProviderframeworkonEventServiceRole[0-9A-F]{8}$/);
const policy = (name: string) => byId(new RegExp(`^ClusterKubectl${name}Policy[0-9A-F]{8}$`));
const rolesOf = (p: any) => p.resource.Properties.Roles.map((r: any) => r.Ref).sort();

test('the handler runs on the library\'s role, trusted by Lambda only, with no AWS managed or inline policy', () => {
  expect(handler.resource.Properties.Role).toEqual({ 'Fn::GetAtt': [handlerRole.id, 'Arn'] });
  expect(handlerRole.resource.Properties.AssumeRolePolicyDocument.Statement).toEqual([
    { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
  ]);
  for (const role of [handlerRole, onEventRole]) {
    expect(role.resource.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.resource.Properties.Policies).toBeUndefined();
  }
  const inline = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && /Kubectl/.test(id));
  expect(inline).toEqual([]);
});

test('customer managed policies name what each function uses', () => {
  const execution = policy('Execution');
  expect(rolesOf(execution)).toEqual([handlerRole.id, onEventRole.id].sort());
  expect(execution.resource.Properties.PolicyDocument.Statement.map((s: any) => s.Sid)).toEqual(['NetworkInterfacesInTheVpc', 'ItsOwnLogGroup']);
  expect(execution.resource.Properties.PolicyDocument.Statement[1].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ClusterKubectlLogGroup/), 'Arn'] });

  const handlerPolicy = policy('Handler');
  expect(rolesOf(handlerPolicy)).toEqual([handlerRole.id]);
  expect(handlerPolicy.resource.Properties.PolicyDocument.Statement[0]).toEqual({
    Sid: 'KubeconfigOfThisCluster', Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: { 'Fn::GetAtt': ['ClusterC2E21B66', 'Arn'] },
  });

  const invoke = policy('Invoke');
  expect(rolesOf(invoke)).toEqual([onEventRole.id]);
  // The handler itself, not every version of it (`Arn:*`).
  // GetFunction too: the framework polls it until the handler is Active again after a failed invoke.
  expect(invoke.resource.Properties.PolicyDocument.Statement).toEqual([
    { Effect: 'Allow', Action: ['lambda:GetFunction', 'lambda:InvokeFunction'], Resource: { 'Fn::GetAtt': [handler.id, 'Arn'] } },
  ]);
});

test('each function is created after its permissions', () => {
  expect(handler.resource.DependsOn).toEqual(expect.arrayContaining([policy('Execution').id, policy('Handler').id]));
  expect(onEvent.resource.DependsOn).toEqual(expect.arrayContaining([policy('Execution').id, policy('Invoke').id]));
});

test('both functions log into one encrypted, retained log group with the control-plane retention', () => {
  const logGroup = byId(/^ClusterKubectlLogGroup[0-9A-F]{8}$/);
  for (const fn of [handler, onEvent]) {
    expect(fn.resource.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroup.id } });
  }
  expect(logGroup.resource.Properties).toMatchObject({
    LogGroupName: '/aws/lambda/kubectl-kubectl-provider', RetentionInDays: 365,
    KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^ClusterKubectlLogKey/), 'Arn'] },
  });
  expect(logGroup.resource.DeletionPolicy).toBe('Retain');
});

test('both functions sit in a security group of their own: HTTPS out only, and the cluster admits it on 443 only', () => {
  const group = byId(/^ClusterKubectlSecurityGroup[0-9A-F]{8}$/);
  for (const fn of [handler, onEvent]) {
    expect(fn.resource.Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [group.id, 'GroupId'] }]);
  }
  expect(group.resource.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
  expect(group.resource.Properties.SecurityGroupIngress).toBeUndefined();
  const ingress = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress'
    && JSON.stringify(r.Properties.SourceSecurityGroupId).includes(group.id));
  expect(ingress).toEqual([expect.objectContaining({ Properties: expect.objectContaining({
    GroupId: { 'Fn::GetAtt': ['ClusterC2E21B66', 'ClusterSecurityGroupId'] }, IpProtocol: 'tcp', FromPort: 443, ToPort: 443,
  }) })]);
});

test('the cluster-admin access entry belongs to the handler\'s role', () => {
  const entries = Object.values(resources).filter((r) => r.Type === 'AWS::EKS::AccessEntry');
  expect(entries.map((e) => e.Properties.PrincipalArn)).toEqual([{ 'Fn::GetAtt': [handlerRole.id, 'Arn'] }]);
});

test('a Helm chart shipped as a CDK asset is refused at synth, naming the chart and the fix (the handler could not read it)', () => {
  const { Stack } = require('aws-cdk-lib');
  const { Asset } = require('aws-cdk-lib/aws-s3-assets');
  const { HardenedEksCluster } = require('../../lib');
  const { fastApp } = require('../fixtures');
  const app = fastApp();
  const stack = new Stack(app, 'Charts');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { clusterName: 'charts' });
  cluster.cluster.addHelmChart('FromEcr', { chart: 'app', repository: 'oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/app', version: '1.0.0' });
  expect(() => app.synth()).not.toThrow();

  const app2 = fastApp();
  const stack2 = new Stack(app2, 'Charts');
  const cluster2 = new HardenedEksCluster(stack2, 'Cluster', { clusterName: 'charts' });
  cluster2.cluster.addHelmChart('FromAsset', { chartAsset: new Asset(stack2, 'Chart', { path: __dirname }) });
  expect(() => app2.synth()).toThrow(/Charts\/Cluster\/Cluster\/chart-FromAsset: chartAsset is not supported.*oci:\/\//);
});

test('aws-cdk-lib\'s default-security-group cleanup runs in the VPC, in the kubectl group, after the NAT routes', () => {
  const handlerEntry = Object.entries(resources).find(([id]) => /^CustomVpcRestrictDefaultSGCustomResourceProviderHandler[0-9A-F]{8}$/.test(id))!;
  const group = byId(/^ClusterKubectlSecurityGroup[0-9A-F]{8}$/);
  const privateSubnets = Object.keys(resources).filter((id) => /^ClusterVpcPrivateSubnet\dSubnet[0-9A-F]{8}$/.test(id)).map((id) => ({ Ref: id }));
  expect(handlerEntry[1].Properties.VpcConfig).toEqual({ SubnetIds: privateSubnets, SecurityGroupIds: [{ 'Fn::GetAtt': [group.id, 'GroupId'] }] });
  const roleId = handlerEntry[1].Properties.Role['Fn::GetAtt'][0];
  expect(resources[roleId].Properties.ManagedPolicyArns).toContainEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' });
  const cleanup = Object.values(resources).find((r) => r.Type === 'Custom::VpcRestrictDefaultSG');
  const routes = Object.keys(resources).filter((id) => /^ClusterVpcPrivateSubnet\dDefaultRoute[0-9A-F]{8}$/.test(id));
  expect(routes.length).toBeGreaterThanOrEqual(2);
  expect(cleanup.DependsOn).toEqual(expect.arrayContaining(routes));
});
