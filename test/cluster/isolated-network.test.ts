import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterNetwork, HardenedEksCluster, HardenedEksClusterProps } from '../../lib';
import { ISOLATED_INTERFACE_ENDPOINTS } from '../../lib/cluster/cluster-network';
import { fastApp, synthCluster } from '../fixtures';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const { template } = synthCluster({ clusterName: 'iso', network: ClusterNetwork.isolated() }, {}, { env: ENV });
const resources = template.toJSON().Resources as Record<string, any>;
const endpoints = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::EC2::VPCEndpoint');
const serviceOf = (r: any) => {
  const name = r.Properties.ServiceName;
  return typeof name === 'string' ? name : JSON.stringify(name);
};
// aws-cdk-lib names the S3 gateway service with the stack's region token even in a stack with an env.
const endpointFor = (service: string) => endpoints.find(([, r]) => serviceOf(r) === `com.amazonaws.eu-west-1.${service}`
  || serviceOf(r) === JSON.stringify({ 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] }))?.[1];

/**
 * A minimal evaluator of an endpoint policy for a request: allowed when some Allow statement
 * matches action, resource (wildcards) and its StringEquals conditions (a missing key fails).
 */
const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '111122223333', 'AWS::URLSuffix': 'amazonaws.com' };
/** A template value as text, with pseudo parameters filled in (what CloudFormation would deploy in ENV). */
function text(value: any): string {
  if (typeof value === 'string') { return value; }
  if (value?.Ref && PSEUDO[value.Ref]) { return PSEUDO[value.Ref]; }
  if (value?.['Fn::Join']) { return value['Fn::Join'][1].map(text).join(value['Fn::Join'][0]); }
  throw new Error(`cannot read ${JSON.stringify(value)}`);
}

function endpointAllows(policy: any, request: { action: string; resource: string; context: Record<string, string> }): boolean {
  const list = (v: any) => (Array.isArray(v) ? v : [v]).map(text);
  const wild = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
  return policy.Statement.some((s: any) => s.Effect === 'Allow'
    && list(s.Action).some((a: string) => wild(a, request.action))
    && list(s.Resource).some((r: string) => wild(r, request.resource))
    && Object.entries(s.Condition ?? {}).every(([op, kv]: [string, any]) => {
      if (op !== 'StringEquals') { throw new Error(`condition ${op} not modelled`); }
      return Object.entries(kv as Record<string, any>).every(([k, v]) => list(v).includes(request.context[k]));
    }));
}

test('every endpoint the cluster needs, with private DNS, in the isolated subnets', () => {
  for (const [, service] of ISOLATED_INTERFACE_ENDPOINTS) {
    const suffix = service.shortName;
    const endpoint = endpointFor(suffix);
    expect({ suffix, found: endpoint !== undefined }).toEqual({ suffix, found: true });
    expect(endpoint.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
  }
  expect(endpointFor('s3').Properties.VpcEndpointType).toBe('Gateway');
});

test('the endpoints admit HTTPS only from the cluster\'s security group and the kubectl provider\'s', () => {
  const [groupId, group] = Object.entries(resources).find(([id]) => /^ClusterEndpointSecurityGroup[0-9A-F]{8}$/.test(id))!;
  expect(group.Properties.SecurityGroupIngress).toBeUndefined();
  const ingress = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress'
    && JSON.stringify(r.Properties.GroupId).includes(groupId)).map((r) => r.Properties);
  expect(ingress.map((i) => [i.IpProtocol, i.FromPort, i.ToPort])).toEqual([['tcp', 443, 443], ['tcp', 443, 443]]);
  const sources = ingress.map((i) => i.SourceSecurityGroupId);
  expect(sources).toHaveLength(2);
  expect(sources).toEqual(expect.arrayContaining([
    { 'Fn::GetAtt': ['ClusterC2E21B66', 'ClusterSecurityGroupId'] },
    { 'Fn::GetAtt': [expect.stringMatching(/^ClusterKubectlSecurityGroup[0-9A-F]{8}$/), 'GroupId'] },
  ]));
  for (const [, endpoint] of endpoints.filter(([, r]) => r.Properties.VpcEndpointType === 'Interface')) {
    expect(endpoint.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
  }
});

describe('the S3 gateway endpoint is a perimeter with the exceptions AWS-owned buckets need', () => {
  const policy = endpointFor('s3').Properties.PolicyDocument;
  const ours = { 'aws:PrincipalAccount': '111122223333', 'aws:ResourceAccount': '111122223333' };

  test('this account\'s principals reach this account\'s buckets', () => {
    expect(endpointAllows(policy, { action: 's3:GetObject', resource: 'arn:aws:s3:::audit/x', context: ours })).toBe(true);
    expect(endpointAllows(policy, { action: 's3:PutObject', resource: 'arn:aws:s3:::audit/x', context: ours })).toBe(true);
  });

  test('not a bucket of another account, nor with credentials of another account', () => {
    expect(endpointAllows(policy, { action: 's3:PutObject', resource: 'arn:aws:s3:::exfil/x', context: { ...ours, 'aws:ResourceAccount': '999988887777' } })).toBe(false);
    expect(endpointAllows(policy, { action: 's3:GetObject', resource: 'arn:aws:s3:::audit/x', context: { ...ours, 'aws:PrincipalAccount': '999988887777' } })).toBe(false);
  });

  test('exception: ECR image layers, read only, from the region\'s layer bucket', () => {
    const layers = 'arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/sha256/abc';
    expect(endpointAllows(policy, { action: 's3:GetObject', resource: layers, context: { 'aws:ResourceAccount': '000000000000' } })).toBe(true);
    expect(endpointAllows(policy, { action: 's3:PutObject', resource: layers, context: {} })).toBe(false);
    expect(endpointAllows(policy, { action: 's3:GetObject', resource: 'arn:aws:s3:::prod-us-east-1-starport-layer-bucket/x', context: {} })).toBe(false);
  });

  test('exception: CloudFormation custom resource responses, write only, to the region\'s response bucket', () => {
    const response = 'arn:aws:s3:::cloudformation-custom-resource-response-euwest1/arn%3Aaws/response';
    expect(endpointAllows(policy, { action: 's3:PutObject', resource: response, context: {} })).toBe(true);
    expect(endpointAllows(policy, { action: 's3:GetObject', resource: response, context: {} })).toBe(false);
  });

  test('an environment-agnostic stack names the response bucket with the region, dashes removed, in the template', () => {
    const agnostic = synthCluster({ clusterName: 'iso', network: ClusterNetwork.isolated() }).template.toJSON().Resources as Record<string, any>;
    const s3 = Object.values(agnostic).find((r) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties.VpcEndpointType === 'Gateway');
    expect(JSON.stringify(s3.Properties.PolicyDocument)).toContain('{"Fn::Join":["",{"Fn::Split":["-",{"Ref":"AWS::Region"}]}]}');
  });
});

describe('interface endpoint policies', () => {
  test('this account\'s principals only, where the service takes a policy; EKS and EKS Auth keep the default', () => {
    for (const service of ['ec2', 'ecr.api', 'ecr.dkr', 'logs', 'elasticloadbalancing', 'lambda']) {
      const policy = endpointFor(service).Properties.PolicyDocument;
      expect(endpointAllows(policy, { action: 'ec2:DescribeSubnets', resource: '*', context: { 'aws:PrincipalAccount': '111122223333' } })
        || endpointAllows(policy, { action: `${service}:Anything`, resource: '*', context: { 'aws:PrincipalAccount': '111122223333' } })).toBe(true);
      expect(endpointAllows(policy, { action: 'ec2:DescribeSubnets', resource: '*', context: { 'aws:PrincipalAccount': '999988887777' } })).toBe(false);
    }
    expect(endpointFor('eks').Properties.PolicyDocument).toBeUndefined();
    expect(endpointFor('eks-auth').Properties.PolicyDocument).toBeUndefined();
  });

  test('STS: this account\'s principals, and web identities (IRSA) into this account\'s roles only', () => {
    const policy = endpointFor('sts').Properties.PolicyDocument;
    expect(endpointAllows(policy, { action: 'sts:AssumeRole', resource: 'arn:aws:iam::999988887777:role/x', context: { 'aws:PrincipalAccount': '111122223333' } })).toBe(true);
    expect(endpointAllows(policy, { action: 'sts:AssumeRoleWithWebIdentity', resource: 'arn:aws:iam::111122223333:role/app', context: {} })).toBe(true);
    expect(endpointAllows(policy, { action: 'sts:AssumeRoleWithWebIdentity', resource: 'arn:aws:iam::999988887777:role/app', context: {} })).toBe(false);
    expect(endpointAllows(policy, { action: 'sts:AssumeRole', resource: 'arn:aws:iam::111122223333:role/app', context: { 'aws:PrincipalAccount': '999988887777' } })).toBe(false);
  });
});

test('nodes, the cluster and the kubectl provider use the isolated subnets and wait for the endpoints', () => {
  const nodegroup = Object.values(resources).find((r) => r.Type === 'AWS::EKS::Nodegroup');
  expect(JSON.stringify(nodegroup.Properties.Subnets)).toMatch(/PrivateSubnet1/);
  expect(nodegroup.DependsOn).toEqual(expect.arrayContaining(endpoints.map(([id]) => id)));
  const handler = Object.entries(resources).find(([id]) => /^ClusterKubectlProviderHandler[0-9A-F]{8}$/.test(id))![1];
  expect(handler.DependsOn).toEqual(expect.arrayContaining(endpoints.map(([id]) => id)));
});

test('additional endpoints for workloads get the same security group and private DNS', () => {
  const extra = synthCluster({ network: ClusterNetwork.isolated({ additionalInterfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER] }) }, {}, { env: ENV });
  extra.template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.secretsmanager', PrivateDnsEnabled: true });
});

describe('a VPC of your own with isolated', () => {
  const attempt = (vpcProps: ec2.VpcProps) => {
    const app = fastApp();
    const stack = new Stack(app, 'Test', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Own', { maxAzs: 2, ...vpcProps });
    const props: HardenedEksClusterProps = { vpc, network: ClusterNetwork.isolated() };
    try { new HardenedEksCluster(stack, 'Cluster', props); Template.fromStack(stack); return ''; } catch (e) { return String((e as Error).message); }
  };

  test('a VPC with a NAT path is refused, naming the prop and the fix', () => {
    const message = attempt({});
    expect(message).toContain('vpc');
    expect(message).toContain('PRIVATE_ISOLATED subnets only');
  });

  test('a VPC with isolated subnets only is accepted', () => {
    expect(attempt({ subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }] })).toBe('');
  });
});

describe('HardenedEks-IsolatedClusterEndpoints', () => {
  const { HardenedEksChecks, HardenedEksTesting } = require('../../lib');
  const findings = (stack: Stack) => (HardenedEksTesting.nagViolations(new HardenedEksChecks(), stack) as any[])
    .filter((v) => v.ruleName.includes('IsolatedClusterEndpoints')).map((v) => v.ruleName);

  test('an isolated cluster with every endpoint passes; a NAT cluster is not its business', () => {
    expect(findings(synthCluster({ network: ClusterNetwork.isolated() }, {}, { env: ENV }).stack)).toEqual([]);
    expect(findings(synthCluster({}, {}, { env: ENV }).stack)).toEqual([]);
  });

  test('a missing endpoint is a finding, named by service', () => {
    const { stack, cluster } = synthCluster({ network: ClusterNetwork.isolated() }, {}, { env: ENV });
    cluster.node.tryRemoveChild('EksAuthEndpoint');
    cluster.node.tryRemoveChild('S3Endpoint');
    expect(findings(stack).sort()).toEqual(['HardenedEks-IsolatedClusterEndpoints[MissingEndpoint::eks-auth]', 'HardenedEks-IsolatedClusterEndpoints[MissingEndpoint::s3]']);
  });
});

test('the hardening report counts no internet path as enforced by the option, and NAT egress as yours', () => {
  const { factsOf } = require('../../lib/report/facts');
  const { buildReport } = require('../../lib/report/hardening-report');
  const control = (props: HardenedEksClusterProps) => {
    const { cluster } = synthCluster(props, {}, { env: ENV });
    return buildReport('Test', [factsOf(cluster)], []).controls.find((c: any) => c.id === 'Network-no-internet').status;
  };
  expect(control({ network: ClusterNetwork.isolated() })).toBe('enforced-by-option');
  expect(control({})).toBe('user-responsibility');
});
