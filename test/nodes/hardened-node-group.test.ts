import { Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as TOML from 'smol-toml';
import {
  HardenedEksCluster, HardenedEksClusterProps, HardenedNodeGroupOptions, InstanceMetadataAccess, KernelLockdown, NodeArchitecture,
} from '../../lib';
import { HARDENED_SYSCTLS } from '../../lib/nodes/bottlerocket-settings';
import { NODE_GROUP_DEFAULTS, WARNINGS } from '../../lib/private/defaults';
import { fastApp, onlyResource, podIdentityTrust, warningsOf } from '../fixtures';

interface Built { stack: Stack; cluster: HardenedEksCluster; template: Template }

/** A cluster without the default node group, plus one node group `Pool` with `options`. */
function withNodeGroup(options: HardenedNodeGroupOptions = {}, clusterProps: HardenedEksClusterProps = {}): Built {
  const stack = new Stack(fastApp(), 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false, ...clusterProps });
  cluster.addNodeGroup('Pool', options);
  return { stack, cluster, template: Template.fromStack(stack) };
}

function nodegroupProps(template: Template): any {
  return onlyResource(template, 'AWS::EKS::Nodegroup').resource.Properties;
}

function launchTemplateData(template: Template): any {
  return onlyResource(template, 'AWS::EC2::LaunchTemplate').resource.Properties.LaunchTemplateData;
}

function userDataOf(template: Template): any {
  const userData = launchTemplateData(template).UserData;
  expect(Object.keys(userData)).toEqual(['Fn::Base64']);
  return TOML.parse(userData['Fn::Base64']);
}


describe('secure defaults', () => {
  const { stack, template, cluster } = withNodeGroup();

  test('Bottlerocket x86_64, on-demand, m7i.large, 2 to 4 nodes, private subnets only', () => {
    const props = nodegroupProps(template);
    expect(props.AmiType).toBe('BOTTLEROCKET_x86_64');
    expect(props.CapacityType).toBe('ON_DEMAND');
    expect(props.InstanceTypes).toEqual(['m7i.large']);
    expect(props.ScalingConfig).toEqual({ MinSize: 2, MaxSize: 4, DesiredSize: 2 });
    const privateSubnets = cluster.vpc.privateSubnets.map((s) => ({ Ref: stack.resolve((s.node.defaultChild as ec2.CfnSubnet).logicalId) }));
    expect(props.Subnets).toEqual(privateSubnets);
  });

  test('node auto repair on, one node unavailable at a time, no SSH, no disk size outside the launch template', () => {
    const props = nodegroupProps(template);
    expect(props.NodeRepairConfig).toEqual({ Enabled: true });
    expect(props.UpdateConfig).toEqual({ MaxUnavailable: 1 });
    expect(props.RemoteAccess).toBeUndefined();
    expect(props.DiskSize).toBeUndefined();
    const templateId = onlyResource(template, 'AWS::EC2::LaunchTemplate').logicalId;
    expect(props.LaunchTemplate).toEqual({ Id: { Ref: templateId }, Version: { 'Fn::GetAtt': [templateId, 'LatestVersionNumber'] } });
  });

  test('the launch template requires IMDSv2 with hop limit 1, has no SSH key and no AMI of its own', () => {
    const data = launchTemplateData(template);
    expect(data.MetadataOptions).toEqual({
      HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1, InstanceMetadataTags: 'disabled',
    });
    expect(data.KeyName).toBeUndefined();
    expect(data.ImageId).toBeUndefined();
    expect(data.IamInstanceProfile).toBeUndefined();
    expect(data.Monitoring).toEqual({ Enabled: true });
  });

  test('root and data volumes are gp3, encrypted with the node volume key', () => {
    const keyId = stack.resolve((cluster.nodeVolumeKey.node.defaultChild as any).logicalId);
    const ebs = { VolumeType: 'gp3', Encrypted: true, KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, DeleteOnTermination: true };
    expect(launchTemplateData(template).BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: ebs },
      { DeviceName: '/dev/xvdb', Ebs: { ...ebs, VolumeSize: NODE_GROUP_DEFAULTS.dataVolumeSize } },
    ]);
  });

  test('tags propagate to instances, volumes and network interfaces', () => {
    const specs = launchTemplateData(template).TagSpecifications;
    expect(specs.map((s: any) => s.ResourceType)).toEqual(['instance', 'volume', 'network-interface']);
    for (const spec of specs) {
      expect(spec.Tags).toEqual([{ Key: 'Name', Value: 'Test/Cluster/Pool' }]);
    }
  });

  test('the node volume key rotates, is retained, and lets only the Auto Scaling service-linked role use it', () => {
    const key = template.toJSON().Resources[stack.resolve((cluster.nodeVolumeKey.node.defaultChild as any).logicalId)];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    const statements = key.Properties.KeyPolicy.Statement.filter((s: any) => String(s.Sid).startsWith('AllowAutoScaling'));
    const slr = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' },
        ':role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling']],
    };
    const conditions = { 'ArnEquals': { 'aws:PrincipalArn': slr }, 'StringEquals': { 'kms:CallerAccount': { Ref: 'AWS::AccountId' } } };
    expect(statements).toEqual([
      {
        Sid: 'AllowAutoScalingToUseTheKeyForNodeVolumes', Effect: 'Allow', Principal: { AWS: '*' }, Resource: '*', Condition: conditions,
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      },
      {
        Sid: 'AllowAutoScalingToGrantTheKeyToEbs', Effect: 'Allow', Principal: { AWS: '*' }, Resource: '*', Action: 'kms:CreateGrant',
        Condition: { ...conditions, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
    ]);
  });

  test('the node role has exactly AmazonEKSWorkerNodePolicy and AmazonEC2ContainerRegistryPullOnly, and no inline policy', () => {
    const roleId = nodegroupProps(template).NodeRole['Fn::GetAtt'][0];
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toEqual(['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'].map((name) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]],
    })));
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain(roleId);
  });

  test('the VPC CNI gets its permissions through its own Pod Identity role, not the node role', () => {
    const vpcCni = Object.values(template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'vpc-cni' } }))[0] as any;
    const roleId = stack.resolve((cluster.vpcCniRole.node.defaultChild as any).logicalId);
    expect(vpcCni.Properties.PodIdentityAssociations).toEqual([{ ServiceAccount: 'aws-node', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }]);
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toEqual([{
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonEKS_CNI_Policy']],
    }]);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual(podIdentityTrust(cluster.clusterName, 'kube-system', 'aws-node'));
  });

  test('node groups wait for the CNI, kube-proxy and the Pod Identity agent', () => {
    const { resource } = onlyResource(template, 'AWS::EKS::Nodegroup');
    const addons = template.findResources('AWS::EKS::Addon');
    const wanted = Object.entries(addons)
      .filter(([, a]: [string, any]) => ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'].includes(a.Properties.AddonName))
      .map(([id]) => id);
    expect(wanted).toHaveLength(3);
    for (const id of wanted) { expect(resource.DependsOn).toContain(id); }
  });

  test('the user data is TOML with the hardening: lockdown, no admin or control container, seccomp, CIS sysctls', () => {
    const settings = userDataOf(template).settings;
    expect(settings.kernel.lockdown).toBe('integrity');
    expect(settings['host-containers']).toEqual({ admin: { enabled: false }, control: { enabled: false } });
    expect(settings.kubernetes['seccomp-default']).toBe(true);
    expect(settings.kubernetes['allowed-unsafe-sysctls']).toBeUndefined();
    expect(settings.kernel.sysctl).toEqual(HARDENED_SYSCTLS);
    expect(settings.kernel.modules).toEqual({ udf: { allowed: false }, sctp: { allowed: false } });
  });

  test('no warning of the node group', () => {
    expect(warningsOf(stack).filter((w) => w.includes('cdk-hardened-eks:') && !w.includes(WARNINGS.noClusterAdmin))).toEqual([]);
  });
});

/** The template of a default node group, synthesized once for the tests that compare with it. */
let defaultNodeGroupTemplate: Template | undefined;
function defaultTemplate(): Template {
  defaultNodeGroupTemplate ??= withNodeGroup().template;
  return defaultNodeGroupTemplate;
}

describe('options and opt-outs', () => {
  test('arm64 with Graviton types', () => {
    const { template } = withNodeGroup({ architecture: NodeArchitecture.ARM_64 });
    expect(nodegroupProps(template).AmiType).toBe('BOTTLEROCKET_ARM_64');
    expect(nodegroupProps(template).InstanceTypes).toEqual(['m7g.large']);
  });

  test.each([
    [NodeArchitecture.X86_64, 'BOTTLEROCKET_x86_64_FIPS'],
    [NodeArchitecture.ARM_64, 'BOTTLEROCKET_ARM_64_FIPS'],
  ])('FIPS variant (%s)', (architecture, amiType) => {
    expect(nodegroupProps(withNodeGroup({ architecture, fips: true }).template).AmiType).toBe(amiType);
  });

  test.each([
    [NodeArchitecture.X86_64, ['g5.xlarge'], 'BOTTLEROCKET_x86_64_NVIDIA'],
    [NodeArchitecture.X86_64, ['g6e.2xlarge', 'p5.48xlarge'], 'BOTTLEROCKET_x86_64_NVIDIA'],
    [NodeArchitecture.X86_64, ['p6-b200.48xlarge'], 'BOTTLEROCKET_x86_64_NVIDIA'],
    [NodeArchitecture.ARM_64, ['g5g.2xlarge'], 'BOTTLEROCKET_ARM_64_NVIDIA'],
  ])('NVIDIA GPU types boot the NVIDIA variant with the same launch template and settings (%s, %j)', (architecture, types, amiType) => {
    const { template } = withNodeGroup({ architecture, instanceTypes: types.map((t) => new ec2.InstanceType(t)) });
    expect(nodegroupProps(template).AmiType).toBe(amiType);
    expect(nodegroupProps(template).InstanceTypes).toEqual(types);
    const standard = defaultTemplate();
    expect(launchTemplateData(template).MetadataOptions).toEqual(launchTemplateData(standard).MetadataOptions);
    expect(launchTemplateData(template).BlockDeviceMappings).toEqual(launchTemplateData(standard).BlockDeviceMappings);
    expect(userDataOf(template)).toEqual(userDataOf(standard));
  });

  test('a dedicated pool: labels, taints, sizes, spot, release version, update config, data volume', () => {
    const { template, stack } = withNodeGroup({
      instanceTypes: [new ec2.InstanceType('c7i.xlarge'), new ec2.InstanceType('m7a.xlarge')],
      minSize: 1, maxSize: 10, desiredSize: 3,
      labels: { 'example.com/pool': 'high-security' },
      taints: [{ key: 'dedicated', value: 'high-security', effect: eks.TaintEffect.NO_SCHEDULE }],
      capacityType: eks.CapacityType.SPOT,
      releaseVersion: '1.50.0-8fa4a4c5',
      maxUnavailable: 2,
      dataVolumeSize: 100,
      enableNodeAutoRepair: false,
    });
    const props = nodegroupProps(template);
    expect(props.InstanceTypes).toEqual(['c7i.xlarge', 'm7a.xlarge']);
    expect(props.ScalingConfig).toEqual({ MinSize: 1, MaxSize: 10, DesiredSize: 3 });
    expect(props.Labels).toEqual({ 'example.com/pool': 'high-security' });
    expect(props.Taints).toEqual([{ Key: 'dedicated', Value: 'high-security', Effect: 'NO_SCHEDULE' }]);
    expect(props.CapacityType).toBe('SPOT');
    expect(props.ReleaseVersion).toBe('1.50.0-8fa4a4c5');
    expect(props.UpdateConfig).toEqual({ MaxUnavailable: 2 });
    expect(props.NodeRepairConfig).toEqual({ Enabled: false });
    expect(launchTemplateData(template).BlockDeviceMappings[1].Ebs.VolumeSize).toBe(100);
    const warnings = warningsOf(stack);
    expect(warnings.some((w) => w.includes(WARNINGS.spotCapacity))).toBe(true);
    expect(warnings.some((w) => w.includes(WARNINGS.nodeAutoRepairOff))).toBe(true);
  });

  test('SSM access: control container on, SSM policy on the role, warning', () => {
    const { template, stack } = withNodeGroup({ enableSsmAccess: true });
    expect(userDataOf(template).settings['host-containers']).toEqual({ admin: { enabled: false }, control: { enabled: true } });
    const roleId = nodegroupProps(template).NodeRole['Fn::GetAtt'][0];
    expect(JSON.stringify(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns)).toContain('AmazonSSMManagedInstanceCore');
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.ssmAccess))).toBe(true);
  });

  test('pods may reach IMDS only through an explicit, warned choice', () => {
    const { template, stack } = withNodeGroup({ instanceMetadataAccess: InstanceMetadataAccess.reachableFromPods(2) });
    expect(launchTemplateData(template).MetadataOptions.HttpPutResponseHopLimit).toBe(2);
    expect(launchTemplateData(template).MetadataOptions.HttpTokens).toBe('required');
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.imdsReachableFromPods))).toBe(true);
  });

  test('kernel lockdown off is warned about; overriding a hardened sysctl is warned about', () => {
    const { template, stack } = withNodeGroup({
      bottlerocket: { kernelLockdown: KernelLockdown.NONE, sysctls: { 'net.ipv4.tcp_syncookies': '0' }, overrideHardenedSysctls: true },
    });
    const settings = userDataOf(template).settings;
    expect(settings.kernel.lockdown).toBe('none');
    expect(settings.kernel.sysctl['net.ipv4.tcp_syncookies']).toBe('0');
    const warnings = warningsOf(stack);
    expect(warnings.some((w) => w.includes(WARNINGS.kernelLockdownOff))).toBe(true);
    expect(warnings.some((w) => w.includes(WARNINGS.hardenedSysctlOverridden))).toBe(true);
  });

  test('stack and construct tags reach instances, volumes and network interfaces', () => {
    const stack = new Stack(fastApp(), 'Test');
    Tags.of(stack).add('CostCenter', 'platform');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    const pool = cluster.addNodeGroup('Pool');
    Tags.of(pool).add('Pool', 'secure');
    const specs = launchTemplateData(Template.fromStack(stack)).TagSpecifications;
    for (const spec of specs) {
      expect(spec.Tags).toEqual(expect.arrayContaining([
        { Key: 'Name', Value: 'Test/Cluster/Pool' }, { Key: 'CostCenter', Value: 'platform' }, { Key: 'Pool', Value: 'secure' },
      ]));
    }
  });

  test('CoreDNS waits for the first node group, also when it is not the default one', () => {
    const { stack, template, cluster } = withNodeGroup();
    const coreDns = Object.values(template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'coredns' } }))[0] as any;
    const pool = cluster.node.findChild('Pool') as any;
    expect(coreDns.DependsOn).toContain(stack.resolve(pool.nodegroup.node.defaultChild.logicalId));
  });

  test('bootstrap containers are accepted and warned about', () => {
    const { stack } = withNodeGroup({ bottlerocket: { bootstrapContainers: [{ name: 'setup', source: `${'1'.repeat(12)}.dkr.ecr.eu-west-1.amazonaws.com/setup:1` }] } });
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.bootstrapContainers))).toBe(true);
  });

  test('eventQps 0 (no limit) is accepted, as CIS EKS 3.2.7 allows', () => {
    expect(userDataOf(withNodeGroup({ bottlerocket: { eventQps: 0 } }).template).settings.kubernetes['event-qps']).toBe(0);
  });

  test('i3.metal is Nitro and accepted', () => {
    expect(nodegroupProps(withNodeGroup({ instanceTypes: [new ec2.InstanceType('i3.metal')] }).template).InstanceTypes).toEqual(['i3.metal']);
  });

  test('node groups share the cluster node volume key', () => {
    const stack = new Stack(fastApp(), 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster');
    cluster.addNodeGroup('Second');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::Nodegroup', 2);
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 2);
    expect(Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('ClusterNodeVolumeKey'))).toHaveLength(1);
  });

  test('the default node group takes defaultNodeGroupOptions, and CoreDNS waits for it', () => {
    const stack = new Stack(fastApp(), 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroupOptions: { minSize: 3, maxSize: 6 } });
    const template = Template.fromStack(stack);
    expect(nodegroupProps(template).ScalingConfig).toEqual({ MinSize: 3, MaxSize: 6, DesiredSize: 3 });
    const coreDns = Object.values(template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'coredns' } }))[0] as any;
    expect(coreDns.DependsOn).toContain(stack.resolve((cluster.defaultNodeGroup!.nodegroup.node.defaultChild as any).logicalId));
  });

  test('without the default node group there is no node group, no launch template and no node volume key', () => {
    const stack = new Stack(fastApp(), 'Test');
    new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::Nodegroup', 0);
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
    expect(Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.includes('NodeVolumeKey'))).toEqual([]);
  });
});

describe('bad input', () => {
  function errorOf(options: HardenedNodeGroupOptions): string {
    try {
      withNodeGroup(options);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected an error');
  }

  test('fails when minSize is larger than maxSize', () => {
    expect(errorOf({ minSize: 5, maxSize: 3 })).toContain('minSize: received 5. minSize must not be larger than maxSize (3)');
  });

  test('fails when desiredSize is outside the range', () => {
    expect(errorOf({ minSize: 1, maxSize: 3, desiredSize: 7 })).toContain('desiredSize: received 7. desiredSize must lie between minSize (1) and maxSize (3)');
  });

  test('fails when an instance type is not Nitro-based', () => {
    expect(errorOf({ instanceTypes: [new ec2.InstanceType('m4.large')] })).toContain('instanceTypes: received "m4.large". m4 is not a Nitro instance family');
    expect(errorOf({ instanceTypes: [new ec2.InstanceType('t2.micro')] })).toContain('t2 is not a Nitro instance family');
  });

  test('fails on Mac instances and non-metal i3', () => {
    expect(errorOf({ instanceTypes: [new ec2.InstanceType('mac2.metal')] })).toContain('Mac instances cannot be EKS nodes');
    expect(errorOf({ instanceTypes: [new ec2.InstanceType('i3.large')] })).toContain('i3 is not a Nitro instance family');
  });

  test('fails when an instance type is not an instance type', () => {
    expect(errorOf({ instanceTypes: [new ec2.InstanceType('large')] })).toContain("instanceTypes: received \"large\". An EC2 instance type looks like 'm7i.large'");
  });

  test('fails when instance types do not match the architecture', () => {
    expect(errorOf({ instanceTypes: [new ec2.InstanceType('m7g.large')] })).toContain('m7g.large is a Graviton (arm64) type');
    expect(errorOf({ architecture: NodeArchitecture.ARM_64, instanceTypes: [new ec2.InstanceType('c7i.large')] }))
      .toContain('c7i.large is an x86_64 type but architecture is ARM_64');
  });

  test('fails when GPU and non-GPU types share a node group (one AMI type each)', () => {
    expect(errorOf({ instanceTypes: [new ec2.InstanceType('g5.xlarge'), new ec2.InstanceType('m7i.large')] }))
      .toContain('instanceTypes: received ["g5.xlarge","m7i.large"]. NVIDIA GPU types (g5.xlarge) boot Bottlerocket\'s NVIDIA variant');
  });

  test('fails when NVIDIA GPU types ask for FIPS', () => {
    expect(errorOf({ instanceTypes: [new ec2.InstanceType('g6.xlarge')], fips: true }))
      .toContain('fips: received true. Bottlerocket has no FIPS variant with NVIDIA drivers');
  });

  test.each(['g4ad.xlarge', 'inf2.xlarge', 'trn1.2xlarge', 'f2.6xlarge', 'dl1.24xlarge'])('fails on accelerators Bottlerocket does not drive (%s)', (type) => {
    expect(errorOf({ instanceTypes: [new ec2.InstanceType(type)] }))
      .toContain(`instanceTypes: received "${type}". ${type.split('.')[0]} carries accelerators`);
  });

  test('fails when the IMDS hop limit for pods is out of range', () => {
    expect(errorOf({ instanceMetadataAccess: InstanceMetadataAccess.reachableFromPods(1) }))
      .toContain('instanceMetadataAccess: received "reachableFromPods(1)"');
    expect(errorOf({ instanceMetadataAccess: InstanceMetadataAccess.reachableFromPods(65) })).toContain('reachableFromPods(65)');
  });

  test('fails when the dedicated label or taint is set by hand, without the dedicated option', () => {
    const message = 'labels: received "cdk-hardened-eks.io/dedicated". cdk-hardened-eks.io/dedicated is set by the dedicated option';
    expect(errorOf({ labels: { 'cdk-hardened-eks.io/dedicated': 'batch' } })).toContain(message);
    expect(errorOf({ taints: [{ key: 'cdk-hardened-eks.io/dedicated', value: 'batch', effect: eks.TaintEffect.NO_SCHEDULE }] })).toContain(message);
  });

  test('fails when a taint effect is not a Kubernetes effect', () => {
    expect(errorOf({ taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' as eks.TaintEffect }] }))
      .toContain('taints: received "dedicated:NoSchedule". A taint needs an effect');
  });

  test.each(['-bad', 'a/b/c', 'UPPER.example.com/x', `${'a'.repeat(64)}`])('fails when a label key is not a Kubernetes label key (%s)', (key) => {
    expect(errorOf({ labels: { [key]: 'v' } })).toContain(`labels: received ${JSON.stringify(key)}. A label key is`);
  });

  test('fails when a label uses a prefix nodes may not set on themselves', () => {
    expect(errorOf({ labels: { 'node-role.kubernetes.io/worker': '' } })).toContain('NodeRestriction');
    expect(errorOfOrEmpty({ labels: { 'node.kubernetes.io/pool': 'a' } })).toBe('');
  });

  test('fails on a bad release version, data volume size or maxUnavailable', () => {
    const message = errorOf({ releaseVersion: 'latest', dataVolumeSize: 5, maxUnavailable: 0 });
    expect(message).toContain('(3 problems)');
    expect(message).toContain('releaseVersion: received "latest"');
    expect(message).toContain('dataVolumeSize: received 5');
    expect(message).toContain('maxUnavailable: received 0');
  });

  test('fails when defaultNodeGroupOptions is given without a default node group (it would be ignored)', () => {
    const stack = new Stack(fastApp(), 'Test');
    expect(() => new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false, defaultNodeGroupOptions: { minSize: 1 } }))
      .toThrow(/defaultNodeGroupOptions: received "options with defaultNodeGroup: false"/);
  });
});

function errorOfOrEmpty(options: HardenedNodeGroupOptions): string {
  try {
    withNodeGroup(options);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}
