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

/**
 * A request through the endpoint. `federated` marks a caller with no AWS credentials (a web
 * identity calling AssumeRoleWithWebIdentity): a `{"AWS": "*"}` principal does not match it, only
 * `"*"` does.
 */
interface EndpointRequest { action: string; resource: string; context: Record<string, string>; federated?: boolean }

function endpointAllows(policy: any, request: EndpointRequest): boolean {
  const list = (v: any) => (Array.isArray(v) ? v : [v]).map(text);
  const wild = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
  const principalMatches = (principal: any) => {
    if (principal === '*') { return true; }
    if (JSON.stringify(principal) === JSON.stringify({ AWS: '*' })) { return !request.federated; }
    throw new Error(`principal ${JSON.stringify(principal)} not modelled`);
  };
  return policy.Statement.some((s: any) => s.Effect === 'Allow' && principalMatches(s.Principal)
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
  const ours = '111122223333';
  const theirs = '999988887777';
  const call = (action: string, principal: string, resource?: string) => ({
    action, resource: '*', context: { 'aws:PrincipalAccount': principal, ...(resource ? { 'aws:ResourceAccount': resource } : {}) },
  });

  test('EC2 and ECR: this account\'s principals only (add-on images live in AWS-owned registries)', () => {
    for (const service of ['ec2', 'ecr.api', 'ecr.dkr']) {
      const policy = endpointFor(service).Properties.PolicyDocument;
      expect(endpointAllows(policy, call('ecr:BatchGetImage', ours, '602401143452'))).toBe(true);
      expect(endpointAllows(policy, call('ecr:BatchGetImage', theirs, ours))).toBe(false);
    }
  });

  test('EKS, Lambda, Logs, ELB: this account\'s principals to this account\'s resources', () => {
    for (const service of ['eks', 'lambda', 'logs', 'elasticloadbalancing']) {
      const policy = endpointFor(service).Properties.PolicyDocument;
      expect(endpointAllows(policy, call('lambda:InvokeFunction', ours, ours))).toBe(true);
      expect(endpointAllows(policy, call('lambda:InvokeFunction', ours, theirs))).toBe(false);
      expect(endpointAllows(policy, call('lambda:InvokeFunction', theirs, ours))).toBe(false);
    }
  });

  test('EKS Auth keeps the default policy', () => {
    expect(endpointFor('eks-auth').Properties.PolicyDocument).toBeUndefined();
  });

  test('STS: this account\'s principals, and web identities (IRSA, no AWS credentials) into this account\'s roles only', () => {
    const policy = endpointFor('sts').Properties.PolicyDocument;
    expect(endpointAllows(policy, { ...call('sts:AssumeRole', ours), resource: 'arn:aws:iam::999988887777:role/x' })).toBe(true);
    const irsa = (resourceAccount: string) => ({ action: 'sts:AssumeRoleWithWebIdentity', resource: `arn:aws:iam::${resourceAccount}:role/app`,
      context: { 'aws:ResourceAccount': resourceAccount }, federated: true });
    expect(endpointAllows(policy, irsa(ours))).toBe(true);
    expect(endpointAllows(policy, irsa(theirs))).toBe(false);
    expect(endpointAllows(policy, { ...call('sts:AssumeRole', theirs, ours), resource: 'arn:aws:iam::111122223333:role/app' })).toBe(false);
  });

  test('the evaluator: an AWS principal wildcard does not match a federated caller', () => {
    const awsOnly = { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: '*' }] };
    expect(endpointAllows(awsOnly, { action: 'sts:AssumeRoleWithWebIdentity', resource: '*', context: {}, federated: true })).toBe(false);
    expect(endpointAllows(awsOnly, { action: 'sts:AssumeRole', resource: '*', context: {} })).toBe(true);
  });
});

test('nodes, the cluster and the kubectl provider use the isolated subnets and wait for the endpoints', () => {
  const isolatedSubnets = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id }));
  expect(isolatedSubnets.length).toBeGreaterThanOrEqual(2);
  const nodegroup = Object.values(resources).find((r) => r.Type === 'AWS::EKS::Nodegroup');
  expect(nodegroup.Properties.Subnets).toEqual(isolatedSubnets);
  expect(resources.ClusterC2E21B66.Properties.ResourcesVpcConfig.SubnetIds).toEqual(isolatedSubnets);
  expect(nodegroup.DependsOn).toEqual(expect.arrayContaining(endpoints.map(([id]) => id)));
  for (const pattern of [/^ClusterKubectlProviderHandler[0-9A-F]{8}$/, /^ClusterKubectlProviderframeworkonEvent[0-9A-F]{8}$/]) {
    const fn = Object.entries(resources).find(([id]) => pattern.test(id))![1];
    expect(fn.DependsOn).toEqual(expect.arrayContaining(endpoints.map(([id]) => id)));
    expect(fn.Properties.VpcConfig.SubnetIds).toEqual(isolatedSubnets);
  }
  // Nodes carry the cluster security group (the one the endpoints admit) because their launch
  // template names no security group of its own.
  const launchTemplate = Object.values(resources).find((r) => r.Type === 'AWS::EC2::LaunchTemplate');
  expect(launchTemplate.Properties.LaunchTemplateData.SecurityGroupIds).toBeUndefined();
  expect(launchTemplate.Properties.LaunchTemplateData.NetworkInterfaces).toBeUndefined();
});

test('the isolated subnets keep the address ranges they have with NAT egress (the public group is reserved)', () => {
  const cidrs = (t: any) => Object.entries(t.toJSON().Resources as Record<string, any>)
    .filter(([id, r]) => r.Type === 'AWS::EC2::Subnet' && /PrivateSubnet/.test(id)).map(([id, r]) => [id, r.Properties.CidrBlock]);
  expect(cidrs(template)).toEqual(cidrs(synthCluster({ clusterName: 'iso' }, {}, { env: ENV }).template));
});

/** A cluster in a VPC of the app's own with isolated subnets only, the library creating no endpoints. */
function withoutEndpoints(): { stack: Stack; template: Template } {
  const stack = new Stack(fastApp(), 'Own', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }] });
  new HardenedEksCluster(stack, 'Cluster', { vpc, network: ClusterNetwork.isolated({ createEndpoints: false }) });
  return { stack, template: Template.fromStack(stack) };
}

test('with createEndpoints: false the library creates no endpoint, and the nag rule names what is missing', () => {
  const { HardenedEksChecks, HardenedEksTesting } = require('../../lib');
  const { stack, template: t } = withoutEndpoints();
  t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  const findings = (HardenedEksTesting.nagViolations(new HardenedEksChecks(), stack) as any[]).map((v) => v.ruleName).filter((r) => r.includes('Isolated'));
  expect(findings).toHaveLength(10);
});

test('aws-eks-v2\'s warning about isolated kubectl subnets is acknowledged, with the reason', () => {
  const { stack } = synthCluster({ network: ClusterNetwork.isolated() }, {}, { env: ENV });
  const { warningsOf } = require('../fixtures');
  expect(warningsOf(stack).filter((w: string) => w.includes('isolatedSubnetsForKubectlPrivateSubnets'))).toEqual([]);
});

test('additional endpoints for workloads get the same security group, private DNS and this account\'s principals only', () => {
  const extra = synthCluster({ network: ClusterNetwork.isolated({ additionalInterfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER] }) }, {}, { env: ENV });
  const all = extra.template.toJSON().Resources as Record<string, any>;
  const endpoints = Object.values(all).filter((r) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties.VpcEndpointType === 'Interface');
  const secrets = endpoints.find((r) => r.Properties.ServiceName === 'com.amazonaws.eu-west-1.secretsmanager');
  expect(secrets.Properties.PrivateDnsEnabled).toBe(true);
  expect(secrets.Properties.SecurityGroupIds).toEqual(endpoints[0].Properties.SecurityGroupIds);
  expect(secrets.Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({
    Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
  })]);
});

test('the endpoints\' security group sends nothing out', () => {
  const groups = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroup' && /endpoints/i.test(r.Properties.GroupDescription));
  expect(groups).toHaveLength(1);
  expect(groups[0].Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
});

test('fails on network options that cannot work: no endpoints in the library\'s VPC, ignored or repeated additional endpoints', () => {
  const attempt = (network: ClusterNetwork) => () => new HardenedEksCluster(new Stack(fastApp(), 'Test', { env: ENV }), 'Cluster', { network });
  expect(attempt(ClusterNetwork.isolated({ createEndpoints: false })))
    .toThrow('network: received "ClusterNetwork.isolated({ createEndpoints: false }) without vpc". The VPC the library creates would have no endpoints');
  expect(attempt(ClusterNetwork.isolated({ createEndpoints: false, additionalInterfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER] })))
    .toThrow('network: received "additionalInterfaceEndpoints with createEndpoints: false".');
  expect(attempt(ClusterNetwork.isolated({ additionalInterfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.STS] })))
    .toThrow('network.additionalInterfaceEndpoints: received "sts". The library creates this endpoint already');
});

test('Karpenter does not repeat an SQS or SSM endpoint the app added itself', () => {
  const stack = new Stack(fastApp(), 'Test', { env: ENV });
  const cluster = new HardenedEksCluster(stack, 'Cluster', { network: ClusterNetwork.isolated({ additionalInterfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SQS] }) });
  cluster.addKarpenter({ chartRepository: 'oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter', imageRepository: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter/controller' });
  const names = Object.values(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint')).map((r: any) => r.Properties.ServiceName);
  expect(names.filter((n) => n === 'com.amazonaws.eu-west-1.sqs')).toHaveLength(1);
  expect(names.filter((n) => n === 'com.amazonaws.eu-west-1.ssm')).toHaveLength(1);
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

  test('an imported VPC without isolated subnets, or with all of them in one zone, is refused with the fix', () => {
    const imported = (attrs: Partial<ec2.VpcAttributes>) => {
      const app = fastApp();
      const stack = new Stack(app, 'Test', { env: ENV });
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Own', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'], ...attrs });
      try { new HardenedEksCluster(stack, 'Cluster', { vpc, network: ClusterNetwork.isolated() }); return ''; } catch (e) { return String((e as Error).message); }
    };
    expect(imported({})).toMatch(/vpc.*no isolated subnets.*PRIVATE_ISOLATED subnets in at least two availability zones/s);
    expect(imported({ availabilityZones: ['eu-west-1a'], isolatedSubnetIds: ['subnet-1'] }))
      .toMatch(/All isolated subnets are in one availability zone \(eu-west-1a\).*Add isolated subnets in another zone/s);
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

test('the default-security-group cleanup waits for the endpoints; without the library\'s endpoints it stays outside the VPC', () => {
  const cleanup = Object.values(resources).find((r) => r.Type === 'Custom::VpcRestrictDefaultSG');
  expect(cleanup.DependsOn).toEqual(expect.arrayContaining(endpoints.map(([id]) => id)));
  // And for the kubectl group's way into them (the group the cleanup runs in).
  expect(cleanup.DependsOn).toContainEqual(expect.stringMatching(/^ClusterEndpointIngressFromKubectl/));
  const handler = Object.entries(resources).find(([id]) => /^CustomVpcRestrictDefaultSGCustomResourceProviderHandler/.test(id))![1];
  expect(handler.Properties.VpcConfig.SubnetIds).toEqual(Object.entries(resources).filter(([, r]) => r.Type === 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id })));
  const noEndpoints = withoutEndpoints().template.toJSON().Resources as Record<string, any>;
  const outside = Object.entries(noEndpoints).find(([id]) => /^CustomVpcRestrictDefaultSGCustomResourceProviderHandler/.test(id))![1];
  expect(outside.Properties.VpcConfig).toBeUndefined();
});

test('two clusters in one stack: the shared cleanup function runs in the first cluster\'s VPC and waits for that VPC\'s way out, so every cleanup does', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Two', { env: ENV });
  new HardenedEksCluster(stack, 'Nat', {});
  new HardenedEksCluster(stack, 'Isolated', { network: ClusterNetwork.isolated() });
  const all = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  const handler = Object.entries(all).find(([id]) => /^CustomVpcRestrictDefaultSGCustomResourceProviderHandler/.test(id))![1];
  const natSubnets = Object.keys(all).filter((id) => /^NatVpcPrivateSubnet\dSubnet[0-9A-F]{8}$/.test(id)).map((id) => ({ Ref: id }));
  expect(handler.Properties.VpcConfig.SubnetIds).toEqual(natSubnets);
  const natRoutes = Object.keys(all).filter((id) => /^NatVpcPrivateSubnet\dDefaultRoute[0-9A-F]{8}$/.test(id));
  expect(natRoutes.length).toBeGreaterThanOrEqual(2);
  expect(handler.DependsOn).toEqual(expect.arrayContaining(natRoutes));
  // Both cleanups invoke that function (through its ARN), so both wait for the NAT routes.
  const cleanups = Object.values(all).filter((r) => r.Type === 'Custom::VpcRestrictDefaultSG');
  expect(cleanups).toHaveLength(2);
  for (const cleanup of cleanups) { expect(JSON.stringify(cleanup.Properties.ServiceToken)).toContain('CustomVpcRestrictDefaultSGCustomResourceProviderHandler'); }
});
