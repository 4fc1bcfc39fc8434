import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** What the controller's statements are scoped to. */
export interface ControllerPolicyScope {
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly nodeRoleArn: string;
  readonly instanceProfileArn: string;
  readonly queueArn: string;
  readonly nodeVolumeKeyArn: string;
  /** The subnets nodes launch in. */
  readonly subnetIds: string[];
  /** The security groups nodes carry (the cluster's). */
  readonly securityGroupIds: string[];
}

/**
 * The Karpenter controller's IAM statements, scoped as the upstream getting-started template scopes
 * them, and narrower where the library can be:
 *
 * - instances, fleets, launch templates, volumes and network interfaces only when created with
 *   this cluster's tags (`kubernetes.io/cluster/<name>=owned`, `eks:eks-cluster-name=<name>`, a
 *   `karpenter.sh/nodepool` tag), and changed or terminated only when they carry them;
 * - `iam:PassRole` only for the node role, only to EC2;
 * - no instance profile management at all: the library creates the nodes' instance profile, so
 *   the controller gets none of upstream's `iam:CreateInstanceProfile`, `AddRoleToInstanceProfile`,
 *   `RemoveRoleFromInstanceProfile`, `DeleteInstanceProfile` or `TagInstanceProfile`, only a read
 *   of that one profile;
 * - launches only into the nodes' subnets with the cluster's security group (upstream: any);
 * - public parameters of Bottlerocket only (upstream: every `/aws/service/` parameter);
 * - read actions on `*` only where EC2, pricing and the instance profile list have no
 *   resource-level permissions, and EC2's only in the cluster's region;
 * - the node volume key only through EC2 in the region, and grants only for AWS resources (the
 *   volumes of the instances it launches).
 */
export function controllerStatements(scope: Construct, s: ControllerPolicyScope): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const ec2 = (resource: string, account: boolean = true) => `arn:${stack.partition}:ec2:${stack.region}:${account ? stack.account : ''}:${resource}`;
  const clusterTag = `kubernetes.io/cluster/${s.clusterName}`;
  const launched = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*', 'spot-instances-request/*'].map((r) => ec2(r));
  return [
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      // Any AMI and snapshot of the region: EC2 has no condition that names Bottlerocket's publisher
      // the library could verify offline, so which AMI launches is the EC2NodeClass's to say (its
      // changes raise guardRailChanges). Subnets and security groups are exactly the nodes' (upstream
      // allows any of the account's).
      resources: [ec2('image/*', false), ec2('snapshot/*', false),
        ...s.subnetIds.map((id) => ec2(`subnet/${id}`)), ...s.securityGroupIds.map((id) => ec2(`security-group/${id}`))],
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2('launch-template/*')],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${clusterTag}`]: 'owned' },
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceActionsWithTags',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      resources: launched,
      conditions: {
        StringEquals: { [`aws:RequestTag/${clusterTag}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': s.clusterName },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceCreationTagging',
      actions: ['ec2:CreateTags'],
      resources: launched,
      conditions: {
        StringEquals: {
          [`aws:RequestTag/${clusterTag}`]: 'owned',
          'aws:RequestTag/eks:eks-cluster-name': s.clusterName,
          'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'],
        },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceTagging',
      actions: ['ec2:CreateTags'],
      resources: [ec2('instance/*')],
      conditions: {
        'StringEquals': { [`aws:ResourceTag/${clusterTag}`]: 'owned' },
        'StringLike': { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
        'StringEqualsIfExists': { 'aws:RequestTag/eks:eks-cluster-name': s.clusterName },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedDeletion',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [ec2('instance/*'), ec2('launch-template/*')],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${clusterTag}`]: 'owned' },
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowRegionalReadActions',
      actions: [
        'ec2:DescribeAvailabilityZones', 'ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances',
        'ec2:DescribeInstanceStatus', 'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates',
        'ec2:DescribePlacementGroups', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets',
      ],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowSSMReadActions',
      actions: ['ssm:GetParameter'],
      // Only Bottlerocket's public parameters: the alias resolves there.
      resources: [`arn:${stack.partition}:ssm:${stack.region}::parameter/aws/service/bottlerocket/*`],
    }),
    new iam.PolicyStatement({
      sid: 'AllowPricingReadActions',
      actions: ['pricing:GetProducts'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      // Karpenter's instance profile garbage collection lists the profiles it would have created
      // (it creates none here); listing reveals names and roles, nothing else.
      sid: 'AllowUnscopedInstanceProfileListAction',
      actions: ['iam:ListInstanceProfiles'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'AllowInterruptionQueueActions',
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [s.queueArn],
    }),
    new iam.PolicyStatement({
      sid: 'AllowPassingInstanceRole',
      actions: ['iam:PassRole'],
      resources: [s.nodeRoleArn],
      conditions: { StringEquals: { 'iam:PassedToService': `ec2.${stack.urlSuffix}` } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowInstanceProfileReadActions',
      actions: ['iam:GetInstanceProfile'],
      resources: [s.instanceProfileArn],
    }),
    new iam.PolicyStatement({
      // Deleting an EC2NodeClass, Karpenter looks up the profile it would have named itself in
      // older releases (`<cluster>_<hash>`); only "not found" lets the finalizer finish, and
      // without this read it gets "access denied" and the deletion hangs.
      sid: 'AllowLegacyInstanceProfileLookup',
      actions: ['iam:GetInstanceProfile'],
      resources: [`arn:${stack.partition}:iam::${stack.account}:instance-profile/${s.clusterName}_*`],
    }),
    new iam.PolicyStatement({
      sid: 'AllowAPIServerEndpointDiscovery',
      actions: ['eks:DescribeCluster'],
      resources: [s.clusterArn],
    }),
    new iam.PolicyStatement({
      sid: 'AllowNodeVolumeEncryption',
      actions: ['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey'],
      resources: [s.nodeVolumeKeyArn],
      conditions: { StringEquals: { 'kms:ViaService': `ec2.${stack.region}.${stack.urlSuffix}` } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowNodeVolumeGrants',
      actions: ['kms:CreateGrant'],
      resources: [s.nodeVolumeKeyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': `ec2.${stack.region}.${stack.urlSuffix}` },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    }),
  ];
}

/**
 * Why each statement of the controller policy names resources with a wildcard (cdk-nag
 * AwsSolutions-IAM5), by statement id. Every such statement is here, and nothing else.
 */
export const WILDCARD_REASONS: Readonly<Record<string, string>> = {
  AllowScopedEC2InstanceAccessActions: 'Karpenter resolves the AMI from the EC2NodeClass\'s pinned Bottlerocket alias at run time, so any image and ' +
    'snapshot of the region (the EC2NodeClass, changed only by the applier, decides which; HardenedEks-KarpenterNodeClass checks it); subnets and ' +
    'security groups in the same statement are named exactly.',
  AllowScopedEC2LaunchTemplateAccessActions: 'Karpenter creates launch templates at run time; it may use only those tagged as this cluster\'s and a NodePool\'s.',
  AllowScopedEC2InstanceActionsWithTags: 'Instances, fleets, volumes and interfaces get their ids at launch; every launch must carry this cluster\'s tags and a NodePool tag.',
  AllowScopedResourceCreationTagging: 'Tags only at creation (ec2:CreateAction) of resources that carry this cluster\'s tags.',
  AllowScopedResourceTagging: 'Tags only instances tagged as this cluster\'s and a NodePool\'s, and only with three tag keys.',
  AllowScopedDeletion: 'Terminates only instances and launch templates tagged as this cluster\'s and a NodePool\'s.',
  AllowRegionalReadActions: 'EC2 Describe actions have no resource-level permissions; limited to the cluster\'s region.',
  AllowSSMReadActions: 'Bottlerocket\'s public parameters only, where the pinned alias resolves to an AMI id.',
  AllowPricingReadActions: 'The pricing API has no resource-level permissions (read only; not called in an isolated network).',
  AllowLegacyInstanceProfileLookup: 'Reads (never writes) the instance profile name older Karpenter releases derived from the cluster name, ' +
    'which Karpenter looks up when an EC2NodeClass is deleted.',
  AllowUnscopedInstanceProfileListAction: 'iam:ListInstanceProfiles has no resource-level permissions; it lists names and roles only.',
};
