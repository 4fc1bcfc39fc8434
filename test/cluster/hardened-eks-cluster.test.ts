import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ClusterEndpointAccess, HardenedEksCluster, UpgradeSupportType } from '../../lib';
import {
  CONTROL_PLANE_LOG_TYPES, DEFAULT_CONTROL_PLANE_LOG_RETENTION, DEFAULT_FLOW_LOG_RETENTION,
  DEFAULT_KUBERNETES_VERSION, WARNINGS,
} from '../../lib/private/defaults';
import { fastApp, onlyResource, synthCluster, warningsOf } from '../fixtures';

const CLUSTER = 'AWS::EKS::Cluster';

function clusterProps(template: Template): any {
  return onlyResource(template, CLUSTER).resource.Properties;
}


describe('secure defaults', () => {
  const { stack, template, cluster } = synthCluster();

  test('the API endpoint is private only', () => {
    template.hasResourceProperties(CLUSTER, {
      ResourcesVpcConfig: { EndpointPrivateAccess: true, EndpointPublicAccess: false },
    });
    expect(clusterProps(template).ResourcesVpcConfig.PublicAccessCidrs).toBeUndefined();
  });

  test('all five control-plane log types are enabled', () => {
    expect(clusterProps(template).Logging.ClusterLogging.EnabledTypes)
      .toEqual(CONTROL_PLANE_LOG_TYPES.map((type) => ({ Type: type })));
    expect(CONTROL_PLANE_LOG_TYPES).toHaveLength(5);
  });

  test('Kubernetes version defaults to 1.36', () => {
    expect(DEFAULT_KUBERNETES_VERSION.version).toBe('1.36');
    template.hasResourceProperties(CLUSTER, { Version: '1.36' });
  });

  test('the kubectl provider uses the bundled kubectl 1.36 layer', () => {
    const layers = Object.values(template.findResources('AWS::Lambda::LayerVersion')) as any[];
    expect(layers.filter((l) => /kubectl 1\.36\./.test(l.Properties.Description))).toHaveLength(1);
  });

  test('the cluster name is derived from the construct path, valid for EKS and stable', () => {
    const name = clusterProps(template).Name;
    expect(name).toMatch(/^Test-Cluster-[0-9A-F]{8}$/);
    expect(cluster.clusterName).toBe(name);
    expect(synthCluster().cluster.clusterName).toBe(name);
  });

  test('the control-plane log group exists before the cluster, encrypted, with retention, retained', () => {
    const name = clusterProps(template).Name;
    const group = Object.entries(template.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: `/aws/eks/${name}/cluster` },
    }));
    expect(group).toHaveLength(1);
    const [groupId, groupResource] = group[0] as [string, any];
    expect(groupResource.Properties.RetentionInDays).toBe(DEFAULT_CONTROL_PLANE_LOG_RETENTION);
    expect(groupResource.Properties.RetentionInDays).toBe(365);
    expect(groupResource.Properties.KmsKeyId['Fn::GetAtt'][0]).toMatch(/^ClusterControlPlaneLogKey/);
    expect(groupResource.DeletionPolicy).toBe('Retain');
    expect(groupResource.UpdateReplacePolicy).toBe('Retain');
    expect(onlyResource(template, CLUSTER).resource.DependsOn).toContain(groupId);
  });

  test('the control-plane log key lets CloudWatch Logs use it for that log group only', () => {
    const name = clusterProps(template).Name;
    const keys = template.findResources('AWS::KMS::Key');
    const keyId = Object.keys(keys).find((id) => id.startsWith('ClusterControlPlaneLogKey'))!;
    const key = keys[keyId];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    const logsStatements = key.Properties.KeyPolicy.Statement.filter((s: any) => s.Sid === 'AllowCloudWatchLogsForThisLogGroupOnly');
    expect(logsStatements).toEqual([{
      Sid: 'AllowCloudWatchLogsForThisLogGroupOnly',
      Effect: 'Allow',
      Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
      Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: {
        ArnEquals: {
          'kms:EncryptionContext:aws:logs:arn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:log-group:/aws/eks/${name}/cluster`]],
          },
        },
      },
    }]);
  });

  test('every KMS key of the default cluster rotates and is retained', () => {
    const keys = Object.entries(template.findResources('AWS::KMS::Key')) as [string, any][];
    expect(keys.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort())
      .toEqual(['ClusterAuditDetectionsAlarmTopicKey', 'ClusterAuditLogAccessLogsBucketKey', 'ClusterAuditLogBucketKey', 'ClusterAuditLogDeliveryErrorLogKey', 'ClusterAuditLogStreamKey',
        'ClusterControlPlaneLogKey', 'ClusterFlowLogKey', 'ClusterKubectlLogKey', 'ClusterNodeVolumeKey', 'ClusterSecretsKey', 'ClusterStorageVolumeKey']);
    for (const [, key] of keys) {
      expect({ rotation: key.Properties.EnableKeyRotation, deletion: key.DeletionPolicy }).toEqual({ rotation: true, deletion: 'Retain' });
    }
  });

  test('Secrets are envelope-encrypted with a rotating, retained customer managed key', () => {
    const keys = template.findResources('AWS::KMS::Key');
    const keyId = Object.keys(keys).find((id) => id.startsWith('ClusterSecretsKey'))!;
    expect(keys[keyId].Properties.EnableKeyRotation).toBe(true);
    expect(keys[keyId].DeletionPolicy).toBe('Retain');
    expect(clusterProps(template).EncryptionConfig).toEqual([
      { Provider: { KeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } }, Resources: ['secrets'] },
    ]);
  });

  test('access entries only, and the deploying identity gets no admin access', () => {
    expect(clusterProps(template).AccessConfig).toEqual({
      AuthenticationMode: 'API',
      BootstrapClusterCreatorAdminPermissions: false,
    });
    // The only access entry is the kubectl provider's (aws-eks-v2 plumbing).
    const entries = Object.values(template.findResources('AWS::EKS::AccessEntry')) as any[];
    expect(entries).toHaveLength(1);
    expect(entries[0].Properties.PrincipalArn['Fn::GetAtt'][0]).toMatch(/^ClusterKubectlHandlerRole[0-9A-F]{8}$/);
  });

  test('without clusterAdmins, a warning says only the kubectl provider can reach the cluster', () => {
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.noClusterAdmin) && w.includes('only the kubectl provider'))).toBe(true);
  });

  test('the default synth has no other warning of the library', () => {
    const ours = warningsOf(stack).filter((w) => w.includes('cdk-hardened-eks:'));
    expect(ours).toHaveLength(1);
  });

  test('deletion protection is on, upgrade policy is standard support, the cluster is retained', () => {
    const { resource } = onlyResource(template, CLUSTER);
    expect(resource.Properties.DeletionProtection).toBe(true);
    expect(resource.Properties.UpgradePolicy).toEqual({ SupportType: 'STANDARD' });
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
  });

  test('managed add-ons: vpc-cni with NetworkPolicy enforcement, coredns, kube-proxy, Pod Identity agent, EBS CSI driver, no pinned versions', () => {
    const addons = Object.values(template.findResources('AWS::EKS::Addon')) as any[];
    expect(addons.map((a) => a.Properties.AddonName).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    for (const addon of addons) {
      expect(addon.Properties.AddonVersion).toBeUndefined();
    }
    const vpcCni = addons.find((a) => a.Properties.AddonName === 'vpc-cni');
    expect(JSON.parse(vpcCni.Properties.ConfigurationValues)).toEqual({ enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'strict' } });
  });

  test('the Pod Identity agent add-on is the one aws-eks-v2 reuses for Pod Identity service accounts', () => {
    const before = Object.keys(template.findResources('AWS::EKS::Addon')).length;
    expect(cluster.cluster.eksPodIdentityAgent).toBeDefined();
    expect(cluster.cluster.node.findAll().filter((c) => c instanceof eks.Addon)).toHaveLength(1);
    expect(before).toBe(5);
  });

  test('managed node groups only: no Auto Mode, no self-managed add-ons, one default Bottlerocket node group', () => {
    expect(clusterProps(template).ComputeConfig).toEqual({ Enabled: false });
    expect(clusterProps(template).BootstrapSelfManagedAddons).toBe(false);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
    const nodegroup = onlyResource(template, 'AWS::EKS::Nodegroup').resource;
    expect(nodegroup.Properties.AmiType).toBe('BOTTLEROCKET_x86_64');
    expect(cluster.defaultNodeGroup).toBeDefined();
  });

  test('no output prints a kubeconfig command', () => {
    expect(Object.keys(template.toJSON().Outputs ?? {})).toEqual([]);
  });

  test('control plane and kubectl handler sit in private subnets only', () => {
    const privateSubnets = Object.keys(template.findResources('AWS::EC2::Subnet', {
      Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Private' }]) },
    }));
    expect(privateSubnets).toHaveLength(2);
    expect(clusterProps(template).ResourcesVpcConfig.SubnetIds).toEqual(privateSubnets.map((id) => ({ Ref: id })));
    const handler = Object.values(template.findResources('AWS::Lambda::Function', {
      Properties: { Description: 'onEvent handler for EKS kubectl resource provider' },
    })) as any[];
    expect(handler).toHaveLength(1);
    expect(handler[0].Properties.VpcConfig.SubnetIds).toEqual(privateSubnets.map((id) => ({ Ref: id })));
  });

  test('public subnets assign no public IPs on launch', () => {
    const publicSubnets = Object.values(template.findResources('AWS::EC2::Subnet', {
      Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Public' }]) },
    })) as any[];
    expect(publicSubnets).toHaveLength(2);
    for (const subnet of publicSubnets) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  test('VPC flow logs record ALL traffic into an encrypted log group with retention', () => {
    const flowLog = onlyResource(template, 'AWS::EC2::FlowLog').resource;
    expect(flowLog.Properties.TrafficType).toBe('ALL');
    expect(flowLog.Properties.LogDestinationType).toBe('cloud-watch-logs');
    const groupName = `/aws/vpc-flow-logs/${cluster.clusterName}`;
    const groups = Object.entries(template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: groupName } })) as [string, any][];
    expect(groups).toHaveLength(1);
    expect(flowLog.Properties.LogGroupName).toEqual({ Ref: groups[0][0] });
    expect(groups[0][1].Properties.RetentionInDays).toBe(DEFAULT_FLOW_LOG_RETENTION);
    expect(groups[0][1].Properties.KmsKeyId['Fn::GetAtt'][0]).toMatch(/^ClusterFlowLogKey/);
  });

  test('the flow log role has no inline policy and only the flow logs service of this account may assume it', () => {
    const flowLog = onlyResource(template, 'AWS::EC2::FlowLog').resource;
    const roleId = flowLog.Properties.DeliverLogsPermissionArn['Fn::GetAtt'][0];
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':vpc-flow-log/*']],
          },
        },
      },
    }]);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    expect(policies.some((p) => JSON.stringify(p.Properties.Roles).includes(roleId))).toBe(false);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [{
          Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterFlowLogGroup'), 'Arn'] },
        }],
      },
    });
  });

  test.each([true, false])('the default security group is stripped of its rules whatever the feature flag says (%s)', (flag) => {
    const { template: t } = synthCluster({}, { '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': flag });
    t.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });
});

describe('opt-outs and options', () => {
  test('a public endpoint from named CIDRs is possible, and warned about', () => {
    const { template, stack } = synthCluster({ endpointAccess: ClusterEndpointAccess.publicAndPrivate(['203.0.113.0/24', '198.51.100.7/32']) });
    template.hasResourceProperties(CLUSTER, {
      ResourcesVpcConfig: {
        EndpointPrivateAccess: true,
        EndpointPublicAccess: true,
        PublicAccessCidrs: ['203.0.113.0/24', '198.51.100.7/32'],
      },
    });
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.publicEndpoint) && w.includes('203.0.113.0/24, 198.51.100.7/32'))).toBe(true);
  });

  test('an explicit cluster name is used for the cluster and its log group', () => {
    const { template } = synthCluster({ clusterName: 'payments-prod' });
    template.hasResourceProperties(CLUSTER, { Name: 'payments-prod' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/eks/payments-prod/cluster' });
  });

  test('clusterAdmins get cluster-admin access entries, and no warning is left', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountPrincipal('111122223333') });
    const imported = iam.Role.fromRoleName(stack, 'Imported', 'platform-admins');
    new HardenedEksCluster(stack, 'Cluster', { clusterAdmins: [admin, imported] });
    const cluster2 = (s: Stack) => s.node.findChild('Cluster') as HardenedEksCluster;
    const template = Template.fromStack(stack);
    const entries = Object.values(template.findResources('AWS::EKS::AccessEntry')) as any[];
    expect(entries).toHaveLength(3);
    const adminId = stack.resolve((admin.node.defaultChild as iam.CfnRole).logicalId);
    const adminEntry = entries.find((e) => JSON.stringify(e.Properties.PrincipalArn) === JSON.stringify({ 'Fn::GetAtt': [adminId, 'Arn'] }));
    expect(adminEntry).toBeDefined();
    expect(adminEntry.Properties.AccessPolicies).toEqual([{
      AccessScope: { Type: 'cluster' },
      PolicyArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']] },
    }]);
    expect(entries.some((e) => JSON.stringify(e.Properties.PrincipalArn).includes(':role/platform-admins'))).toBe(true);
    // Access entry ids follow the role ARN, not the role's construct path.
    const adminEntries = cluster2(stack).node.findAll().filter((c) => /^ClusterAdmin[0-9A-F]{8}$/.test(c.node.id));
    expect(adminEntries).toHaveLength(2);
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.noClusterAdmin))).toBe(false);
  });

  test('moving an admin role to another construct path keeps its access entry (same logical id)', () => {
    const entryIds = (roleScopeId: string) => {
      const stack = new Stack(fastApp(), 'Test');
      const role = iam.Role.fromRoleName(stack, roleScopeId, 'platform-admins');
      new HardenedEksCluster(stack, 'Cluster', { clusterAdmins: [role] });
      return Object.keys(Template.fromStack(stack).findResources('AWS::EKS::AccessEntry')).sort();
    };
    expect(entryIds('Admins')).toEqual(entryIds('PlatformTeam'));
  });

  test('deletion protection can be turned off, with a warning', () => {
    const { template, stack } = synthCluster({ deletionProtection: false });
    template.hasResourceProperties(CLUSTER, { DeletionProtection: false });
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.deletionProtectionOff))).toBe(true);
  });

  test('a retention under a year is applied and warned about', () => {
    const { template, stack, cluster } = synthCluster({ controlPlaneLogRetention: logs.RetentionDays.THREE_MONTHS });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/eks/${cluster.clusterName}/cluster`, RetentionInDays: 90 });
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.shortLogRetention) && w.includes('90 days'))).toBe(true);
  });

  test('a flow log retention under a year is applied and warned about', () => {
    const { template, stack, cluster } = synthCluster({ flowLogRetention: logs.RetentionDays.ONE_MONTH });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/vpc-flow-logs/${cluster.clusterName}`, RetentionInDays: 30 });
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.shortLogRetention) && w.includes('flowLogRetention is 30 days'))).toBe(true);
  });

  test('a longer retention is applied without a warning', () => {
    const { template, stack, cluster } = synthCluster({ controlPlaneLogRetention: logs.RetentionDays.TEN_YEARS, flowLogRetention: logs.RetentionDays.TWO_YEARS });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/eks/${cluster.clusterName}/cluster`, RetentionInDays: 3653 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/vpc-flow-logs/${cluster.clusterName}`, RetentionInDays: 731 });
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.shortLogRetention))).toBe(false);
  });

  test('extended support is an explicit, warned choice', () => {
    const { template, stack } = synthCluster({ upgradeSupport: UpgradeSupportType.EXTENDED });
    template.hasResourceProperties(CLUSTER, { UpgradePolicy: { SupportType: 'EXTENDED' } });
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.extendedSupport))).toBe(true);
  });

  test('a secrets key of the user replaces the library key', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const cluster = new HardenedEksCluster(stack, 'Cluster', { secretsEncryptionKey: key });
    const template = Template.fromStack(stack);
    expect(cluster.secretsKey).toBe(key);
    expect(Object.keys(template.findResources('AWS::KMS::Key')).some((id) => id.startsWith('ClusterSecretsKey'))).toBe(false);
    expect(clusterProps(template).EncryptionConfig[0].Provider.KeyArn['Fn::GetAtt'][0]).toMatch(/^MyKey/);
  });

  test('a VPC of the user is used as is: no VPC, flow log or NAT of the library', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const vpc = new ec2.Vpc(stack, 'MyVpc', { restrictDefaultSecurityGroup: false });
    const cluster = new HardenedEksCluster(stack, 'Cluster', { vpc });
    const template = Template.fromStack(stack);
    expect(cluster.vpc).toBe(vpc);
    expect(warningsOf(stack).some((w) => w.includes(WARNINGS.userVpc) && w.includes('flow logs'))).toBe(true);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    expect(clusterProps(template).ResourcesVpcConfig.SubnetIds).toEqual(
      vpc.privateSubnets.map((s) => ({ Ref: stack.resolve((s.node.defaultChild as ec2.CfnSubnet).logicalId) })));
  });

  test('each add-on version can be pinned', () => {
    const { template } = synthCluster({
      vpcCniAddonVersion: 'v1.20.4-eksbuild.1',
      coreDnsAddonVersion: 'v1.12.4-eksbuild.1',
      kubeProxyAddonVersion: 'v1.36.0-eksbuild.2',
      podIdentityAgentAddonVersion: 'v1.3.8-eksbuild.2',
    });
    const versions = Object.fromEntries((Object.values(template.findResources('AWS::EKS::Addon')) as any[])
      .map((a) => [a.Properties.AddonName, a.Properties.AddonVersion]));
    expect(versions).toEqual({
      'vpc-cni': 'v1.20.4-eksbuild.1',
      'coredns': 'v1.12.4-eksbuild.1',
      'kube-proxy': 'v1.36.0-eksbuild.2',
      'eks-pod-identity-agent': 'v1.3.8-eksbuild.2',
    });
  });

  test('another version works with its matching kubectl layer', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const layer = lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl35', 'arn:aws:lambda:us-east-1:111122223333:layer:kubectl35:1');
    new HardenedEksCluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_35, kubectlLayer: layer });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(CLUSTER, { Version: '1.35' });
    const handler = Object.values(template.findResources('AWS::Lambda::Function', {
      Properties: { Description: 'onEvent handler for EKS kubectl resource provider' },
    })) as any[];
    expect(JSON.stringify(handler[0].Properties.Layers)).toContain('layer:kubectl35:1');
  });
});
