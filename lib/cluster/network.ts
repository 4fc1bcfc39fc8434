import { ArnFormat, CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IDependable } from 'constructs';
import { createEncryptedLogGroup } from '../logging/encrypted-log-group';
import { nodeSubnetSelection } from '../nodes/hardened-node-group';
import { DEFAULT_VPC_CIDR, DEFAULT_VPC_MAX_AZS } from '../private/defaults';

/**
 * The VPC the library creates when the user brings none.
 *
 * Public subnets exist only for the NAT gateways (no public IPs handed out on launch); the control
 * plane's network interfaces, the nodes and the kubectl handler all live in the private subnets.
 * Flow logs record ALL traffic into a KMS-encrypted log group with retention, and the default
 * security group loses its rules so nothing that lands in it by mistake can talk.
 */
export interface HardenedVpcOptions {
  readonly flowLogGroupName: string;
  readonly flowLogRetention: logs.RetentionDays;
  /** Isolated subnets only: no internet gateway, NAT gateway or default route. */
  readonly isolated?: boolean;
}

export interface HardenedVpc {
  readonly vpc: ec2.Vpc;
  readonly flowLogGroup: logs.LogGroup;
}

export function createHardenedVpc(scope: Construct, options: HardenedVpcOptions): HardenedVpc {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(DEFAULT_VPC_CIDR),
    maxAzs: DEFAULT_VPC_MAX_AZS,
    restrictDefaultSecurityGroup: true,
    subnetConfiguration: options.isolated
      // Pods take their IPs from the private subnets (VPC CNI), so they are large. The public
      // group is reserved, not created: the private subnets keep the address ranges they have
      // with NAT egress.
      ? [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, reserved: true },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 19 },
      ]
      : [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
      ],
  });
  const { logGroup } = createEncryptedLogGroup(scope, {
    keyId: 'FlowLogKey',
    logGroupId: 'FlowLogGroup',
    logGroupName: options.flowLogGroupName,
    retention: options.flowLogRetention,
    keyDescription: `Encrypts the VPC flow log group ${options.flowLogGroupName}`,
  });
  // A role of our own with a customer managed policy (no inline policy), which only the flow logs
  // service of this account may assume.
  const stack = Stack.of(scope);
  const flowLogRole = new iam.Role(scope, 'FlowLogRole', {
    description: `Lets VPC flow logs write to ${options.flowLogGroupName}`,
    assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({ service: 'ec2', resource: 'vpc-flow-log', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
        },
      },
    }),
  });
  new iam.ManagedPolicy(scope, 'FlowLogPolicy', {
    description: `Write access to the flow log group ${options.flowLogGroupName} only`,
    roles: [flowLogRole],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [logGroup.logGroupArn],
    })],
  });
  vpc.addFlowLog('FlowLog', {
    // Without policy updates the flow log cannot add an inline policy of its own to the role.
    destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup, flowLogRole.withoutPolicyUpdates()),
    trafficType: ec2.FlowLogTrafficType.ALL,
  });
  return { vpc, flowLogGroup: logGroup };
}

/** The construct id aws-cdk-lib gives its stack-wide provider that empties default security groups. */
const RESTRICT_DEFAULT_SG_PROVIDER = 'Custom::VpcRestrictDefaultSGCustomResourceProvider';

/**
 * Runs aws-cdk-lib's default-security-group cleanup (a stack-wide custom-resource provider, which
 * `restrictDefaultSecurityGroup` adds) inside the VPC's private subnets, in the given security
 * group (CT.LAMBDA.PR.3), with the network-interface permissions Lambda needs for that. The
 * provider serves every VPC of the stack, so the first cluster places it, and the function itself
 * waits for that VPC's way out (the NAT routes, or the isolated network's endpoints): every
 * cleanup in the stack, of whichever VPC, invokes it only then.
 */
export function placeDefaultSecurityGroupCleanupInVpc(vpc: ec2.Vpc, securityGroup: ec2.ISecurityGroup, egress: IDependable[]): void {
  const provider = Stack.of(vpc).node.tryFindChild(RESTRICT_DEFAULT_SG_PROVIDER);
  const handler = provider?.node.tryFindChild('Handler');
  const role = provider?.node.tryFindChild('Role');
  const cleanup = vpc.node.tryFindChild('RestrictDefaultSecurityGroupCustomResource');
  if (!(handler instanceof CfnResource) || !(role instanceof CfnResource) || !cleanup) { return; }
  cleanup.node.addDependency(...egress);
  if (PLACED.has(handler)) { return; }
  PLACED.add(handler);
  handler.node.addDependency(...egress);
  const subnets = vpc.selectSubnets(nodeSubnetSelection(vpc)).subnets;
  handler.addPropertyOverride('VpcConfig', {
    SubnetIds: subnets.map((s) => s.subnetId),
    SecurityGroupIds: [securityGroup.securityGroupId],
  });
  role.addPropertyOverride('ManagedPolicyArns', [
    { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
    { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' },
  ]);
}

/** The stack-wide cleanup functions already placed in a VPC (by the stack's first cluster). */
const PLACED = new WeakSet<CfnResource>();
