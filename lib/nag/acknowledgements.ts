import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * Every cdk-nag finding the library acknowledges, in one place.
 *
 * Findings on resources the library designs are fixed, not acknowledged. What is left comes from
 * aws-cdk-lib's own plumbing, which the library cannot change without forking it (the kubectl
 * provider's Lambda functions and roles, the EKS cluster service role), or from a design choice
 * with a reason written next to it (the NAT gateways' route to the internet gateway). Each
 * acknowledgement names one rule, granular where the rule is granular, on one CloudFormation
 * resource, so it can never hide the same finding on anything else.
 */
export interface LibraryAcknowledgement {
  /** The one resource the finding is acknowledged on. */
  readonly resource: CfnResource;
  /** The full rule id, for example `AwsSolutions-IAM4[Policy::...]`. */
  readonly ruleId: string;
  /** Why the finding stays. */
  readonly reason: string;
}

/** The prefixes the compliance packs put in front of a shared rule name. */
const COMPLIANCE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];
/** The compliance packs that check Lambda concurrency and dead-letter queues (PCI DSS 3.2.1 does not). */
const LAMBDA_COMPLIANCE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security'];

const MANAGED_POLICY = (name: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`;

/** The kubectl provider's parts the acknowledgements name. */
export interface KubectlProviderAckParts {
  readonly handler: IConstruct;
  readonly onEvent: IConstruct;
  readonly executionPolicy: IConstruct;
  readonly handlerPolicy: IConstruct;
  /** The ECR repositories the handler's policy names for Helm charts. */
  readonly chartRepositoriesArn: string;
}

/**
 * Acknowledgements for what aws-eks-v2's `Cluster` creates itself (the cluster service role) and
 * for the kubectl provider's two Lambda functions, whose roles and policies the library owns.
 */
export function clusterPlumbingAcknowledgements(cluster: eks.Cluster, kubectl: KubectlProviderAckParts): LibraryAcknowledgement[] {
  const acks: LibraryAcknowledgement[] = [];
  const add = (resource: IConstruct | undefined, ruleIds: string[], reason: string) => {
    const cfn = resource && cfnResourceOf(resource);
    if (!cfn) { return; }
    for (const ruleId of ruleIds) { acks.push({ resource: cfn, ruleId, reason }); }
  };

  add(cluster.role, [MANAGED_POLICY('AmazonEKSClusterPolicy')],
    'EKS requires the AWS managed AmazonEKSClusterPolicy on the cluster service role; AWS updates it as EKS changes, ' +
    'which a copied customer managed policy would not follow.');

  add(kubectl.executionPolicy, ['AwsSolutions-IAM5[Resource::*]'],
    'Lambda creates and deletes the network interfaces of the kubectl provider\'s functions in the VPC with these permissions; ' +
    'EC2 authorizes DescribeNetworkInterfaces and DescribeSubnets only on all resources.');
  add(kubectl.handlerPolicy, ['AwsSolutions-IAM5[Resource::*]'],
    'ECR registry logins (ecr:GetAuthorizationToken, ecr-public:GetAuthorizationToken, sts:GetServiceBearerToken) are not resource-scoped.');
  add(kubectl.handlerPolicy, [`AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(cluster), kubectl.chartRepositoriesArn)}]`],
    'The handler pulls whichever Helm chart (an OCI artifact) a manifest of the app names, from this account\'s ECR in this region only.');
  const plumbing = 'aws-eks-v2 creates this kubectl provider function; the library owns its role, policies and log group, not its settings.';
  add(kubectl.handler, ['AwsSolutions-L1'],
    `${plumbing} Its Python runtime is chosen by aws-cdk-lib (the newest it knows) and moves with aws-cdk-lib upgrades.`);
  for (const fn of [kubectl.handler, kubectl.onEvent]) {
    add(fn, LAMBDA_COMPLIANCE_PACKS.map((p) => `${p}-LambdaConcurrency`),
      `${plumbing} It runs only during CloudFormation deployments of this stack. Reserved concurrency would take capacity from ` +
      'the whole account and fails to deploy in accounts whose unreserved concurrency would drop below the Lambda minimum.');
  }
  add(kubectl.handler, LAMBDA_COMPLIANCE_PACKS.map((p) => `${p}-LambdaDLQ`),
    `${plumbing} The framework function invokes it synchronously and reports its failures to CloudFormation; a dead-letter queue ` +
    'only applies to asynchronous invocations.');
  add(kubectl.onEvent, LAMBDA_COMPLIANCE_PACKS.map((p) => `${p}-LambdaDLQ`),
    `${plumbing} A request CloudFormation sends that fails every retry fails (or times out) the stack operation, which CloudFormation ` +
    'reports; a queue of such events would hold nothing to act on.');
  return acks;
}

/**
 * Acknowledgements for the library's own VPC: the public subnets exist only for the NAT gateways,
 * which need a default route to the internet gateway to give the private subnets egress.
 */
export function natRouteAcknowledgements(vpc: ec2.Vpc): LibraryAcknowledgement[] {
  const acks: LibraryAcknowledgement[] = [];
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute');
    const cfn = route && cfnResourceOf(route);
    if (!cfn) { continue; }
    for (const pack of COMPLIANCE_PACKS) {
      acks.push({
        resource: cfn,
        ruleId: `${pack}-VPCNoUnrestrictedRouteToIGW`,
        reason: 'This public subnet holds only a NAT gateway (no public IPs are assigned on launch, nothing else is placed here); ' +
          'the NAT gateway needs this route to the internet gateway to give the private subnets egress.',
      });
    }
  }
  return acks;
}

/** Records the acknowledgements where cdk-nag 3 reads them. */
export function applyAcknowledgements(acks: LibraryAcknowledgement[]): void {
  for (const ack of acks) {
    Validations.of(ack.resource).acknowledge({ id: qualifiedRuleId(ack.ruleId), reason: ack.reason });
  }
}

/**
 * A rule id with the name of the plugin that reports it in front (`AwsSolutions::AwsSolutions-IAM4[...]`),
 * the form under which aws-cdk-lib lists an acknowledged finding in the validation report's
 * `suppressedViolations`, with its reason. A bare id (`AwsSolutions-IAM4[...]`) is matched by
 * cdk-nag itself, which then drops the finding before aws-cdk-lib sees it, so the report would
 * not show it at all.
 */
export function qualifiedRuleId(ruleId: string): string {
  if (ruleId.split('[')[0].includes('::')) { return ruleId; }
  return `${ruleId.slice(0, ruleId.indexOf('-'))}::${ruleId}`;
}

/**
 * How cdk-nag prints a resource ARN in a granular finding id: intrinsics as `<LogicalId.Attr>`,
 * `Ref`s as `<LogicalId>`, pseudo parameters as `<AWS::Name>`.
 */
function nagResourceName(stack: Stack, arn: string): string {
  const resolved = stack.resolve(arn);
  if (typeof resolved === 'string') { return resolved; }
  const parts: unknown[] = resolved?.['Fn::Join']?.[1] ?? [resolved];
  return parts.map((p: any) => {
    if (typeof p === 'string') { return p; }
    if (p['Fn::GetAtt']) { return `<${p['Fn::GetAtt'].join('.')}>`; }
    if (p.Ref) { return `<${p.Ref}>`; }
    return JSON.stringify(p);
  }).join('');
}

/** The construct itself when it is a CloudFormation resource, else its default child's. */
function cfnResourceOf(construct: IConstruct): CfnResource | undefined {
  if (CfnResource.isCfnResource(construct)) { return construct; }
  const child = construct.node.defaultChild;
  return child && CfnResource.isCfnResource(child) ? child : undefined;
}

/**
 * Acknowledgements of aws-cdk-lib's built-in CloudFormation validator (not cdk-nag) for what
 * aws-eks-v2 renders itself.
 */
export function cloudFormationValidatorAcknowledgements(cluster: eks.Cluster): LibraryAcknowledgement[] {
  const cfn = cfnResourceOf(cluster);
  return cfn ? [{
    resource: cfn,
    ruleId: 'CloudFormation-Validate::W9009',
    reason: "aws-eks-v2 renders EncryptionConfig.Resources = ['secrets'], which the CloudFormation schema marks deprecated now that EKS " +
      'envelope-encrypts all Kubernetes API data with the key. It is what aws-eks-v2 deploys and is still accepted; it encrypts with the same key.',
  }] : [];
}

const EKS_REQUIRED = 'EKS requires this AWS managed policy for its purpose and AWS updates it as EKS changes; a customer managed copy would not follow.';

/**
 * Acknowledgements for a node group's role: the two AWS managed policies EKS nodes need (and the
 * SSM one when the user turned SSM access on, which also leaves a warning).
 */
export function nodeRoleAcknowledgements(role: IConstruct, ssm: boolean): LibraryAcknowledgement[] {
  const cfn = cfnResourceOf(role);
  if (!cfn) { return []; }
  const policies = [
    ['AmazonEKSWorkerNodePolicy', 'Nodes need it to join the cluster and describe their EC2 environment.'],
    ['AmazonEC2ContainerRegistryPullOnly', 'Nodes need it to pull images from ECR; it is the narrowest ECR policy (pull only, no list or describe).'],
    ...(ssm ? [['AmazonSSMManagedInstanceCore', 'Only present because enableSsmAccess was set (a warned weakening): the SSM agent of the control container needs it.']] : []),
  ];
  return policies.map(([name, why]) => ({ resource: cfn, ruleId: MANAGED_POLICY(name), reason: `${EKS_REQUIRED} ${why}` }));
}

/** Acknowledgement for the VPC CNI's Pod Identity role and its AWS managed AmazonEKS_CNI_Policy. */
export function cniRoleAcknowledgements(role: IConstruct): LibraryAcknowledgement[] {
  const cfn = cfnResourceOf(role);
  return cfn ? [{
    resource: cfn,
    ruleId: MANAGED_POLICY('AmazonEKS_CNI_Policy'),
    reason: `${EKS_REQUIRED} The VPC CNI (aws-node) needs it to attach ENIs and assign pod IPs; it is granted to the aws-node service account only, not to the nodes.`,
  }] : [];
}

/** Acknowledgements for the EBS CSI controller's role: the AWS managed policy the driver needs. */
export function ebsCsiRoleAcknowledgements(role: IConstruct): LibraryAcknowledgement[] {
  const cfn = cfnResourceOf(role);
  return cfn ? [{
    resource: cfn,
    ruleId: MANAGED_POLICY('service-role/AmazonEBSCSIDriverPolicy'),
    reason: `${EKS_REQUIRED} The EBS CSI controller needs it to create, attach, snapshot and tag volumes; it is granted to ` +
      'kube-system/ebs-csi-controller-sa only, through Pod Identity, never to the nodes. The key permissions are a separate policy of the library.',
  }] : [];
}

/**
 * Acknowledgements for the audit archive AuditLogShipping creates or writes to.
 *
 * - Firehose names each object at delivery time, so its write permission ends in a wildcard; the
 *   prefix confines it to this cluster's audit objects.
 * - Replication: the archive is itself the copy, out of CloudWatch Logs; a copy in another account
 *   is the `bucket` option (a log-archive account), which the library cannot create from this stack.
 */
export function auditArchiveAcknowledgements(parts: {
  deliveryPolicy: IConstruct; objectArns: string[]; bucket?: IConstruct; accessLogsBucket?: IConstruct;
}): LibraryAcknowledgement[] {
  const acks: LibraryAcknowledgement[] = [];
  const policy = cfnResourceOf(parts.deliveryPolicy);
  if (policy) {
    for (const arn of parts.objectArns) {
      acks.push({
        resource: policy,
        ruleId: `AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(policy), arn)}]`,
        reason: 'Firehose chooses each object key at delivery time (date path and a random suffix); the prefix confines the wildcard ' +
          "to this cluster's audit objects, and the bucket policy lets no other principal write there.",
      });
    }
  }
  const replication = 'The audit archive is the copy of the control-plane log group, outside CloudWatch Logs. A copy in another account or region ' +
    'is the auditLog.bucket option (a log-archive account bucket), which this stack cannot create; versioning, a deny on deleting objects ' +
    'and Object Lock (enabled on the archive, so legal holds can be placed) protect this one.';
  for (const bucket of [parts.bucket, parts.accessLogsBucket]) {
    const cfn = bucket && cfnResourceOf(bucket);
    if (!cfn) { continue; }
    for (const pack of COMPLIANCE_PACKS) {
      acks.push({ resource: cfn, ruleId: `${pack}-S3BucketReplicationEnabled`, reason: replication });
    }
  }
  return acks;
}

/** Construct id of aws-cdk-lib's AwsCustomResource singleton Lambda in a stack. */
const AWS_CUSTOM_RESOURCE_FUNCTION = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * Acknowledgements for aws-cdk-lib's AwsCustomResource plumbing, used only where CloudFormation has
 * no resource for a setting (GuardDuty features on an existing detector): its per-stack singleton
 * Lambda and role, and the inline policy the custom resource attaches.
 */
export function awsCustomResourceAcknowledgements(customResource: IConstruct): LibraryAcknowledgement[] {
  const acks: LibraryAcknowledgement[] = [];
  const fn = Stack.of(customResource).node.tryFindChild(AWS_CUSTOM_RESOURCE_FUNCTION);
  const fnCfn = fn && cfnResourceOf(fn);
  const roleCfn = fn?.node.tryFindChild('ServiceRole') && cfnResourceOf(fn.node.findChild('ServiceRole'));
  const policy = customResource.node.tryFindChild('CustomResourcePolicy');
  const policyCfn = policy && cfnResourceOf(policy);
  const plumbing = 'aws-cdk-lib creates this AwsCustomResource Lambda and its role; the library cannot change them without forking custom-resources. ' +
    'CloudFormation invokes it only while deploying, to make one API call.';
  if (roleCfn) {
    acks.push({ resource: roleCfn, ruleId: MANAGED_POLICY('service-role/AWSLambdaBasicExecutionRole'), reason: `${plumbing} The managed policy only lets it write its own logs.` });
  }
  if (fnCfn) {
    for (const pack of LAMBDA_COMPLIANCE_PACKS) {
      acks.push({ resource: fnCfn, ruleId: `${pack}-LambdaConcurrency`, reason: `${plumbing} Only CloudFormation invokes it, once per deployment of the resource.` });
      acks.push({ resource: fnCfn, ruleId: `${pack}-LambdaDLQ`, reason: `${plumbing} CloudFormation waits for its answer and reports a failure itself; there is no event to lose.` });
    }
    for (const pack of COMPLIANCE_PACKS) {
      acks.push({ resource: fnCfn, ruleId: `${pack}-LambdaInsideVPC`, reason: `${plumbing} It only calls a public AWS API (no data in a VPC); placing it in one would add ENIs and a VPC-access policy, not isolation.` });
    }
  }
  if (policyCfn) {
    for (const pack of COMPLIANCE_PACKS) {
      acks.push({ resource: policyCfn, ruleId: `${pack}-IAMNoInlinePolicy`, reason: `${plumbing} The inline policy holds the one action of this call on one resource, and is attached to that Lambda's role only.` });
    }
  }
  return acks;
}

/** The Karpenter parts the acknowledgements name. */
export interface KarpenterAckParts {
  readonly controllerPolicy: iam.ManagedPolicy;
  /** Why each statement (by Sid) of the controller policy names resources with a wildcard. */
  readonly wildcardReasons: Readonly<Record<string, string>>;
  readonly charts: IConstruct[];
}

/**
 * Acknowledgements for Karpenter: each wildcard resource of the controller policy (granular, with
 * the reason of its statement; a wildcard without a reason is not acknowledged, so it shows), and
 * the charts, whose objects only exist in the cluster.
 */
export function karpenterAcknowledgements(parts: KarpenterAckParts): LibraryAcknowledgement[] {
  const acks: LibraryAcknowledgement[] = [];
  const policy = cfnResourceOf(parts.controllerPolicy);
  const stack = Stack.of(parts.controllerPolicy);
  const statements = (stack.resolve(parts.controllerPolicy.document.toJSON())?.Statement ?? []) as Array<Record<string, any>>;
  const seen = new Set<string>();
  for (const statement of statements) {
    const reason = parts.wildcardReasons[statement.Sid];
    if (!policy || reason === undefined) { continue; }
    for (const resource of ([] as unknown[]).concat(statement.Resource ?? [])) {
      const name = typeof resource === 'string' ? resource : nagResourceName(stack, resource as any);
      if (!name.includes('*') || seen.has(name)) { continue; }
      seen.add(name);
      acks.push({ resource: policy, ruleId: `AwsSolutions-IAM5[Resource::${name}]`, reason: `Karpenter controller: ${reason}` });
    }
  }
  for (const chart of parts.charts) {
    const cfn = chart.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'Custom::AWSCDK-EKS-HelmChart');
    if (cfn) {
      acks.push({
        resource: cfn,
        ruleId: 'HardenedEks-ManifestUnreadable[NotChecked::HelmChart]',
        reason: 'A Karpenter chart of the pinned version from the library: its objects (CRDs; a Deployment with a restricted security context, ' +
          'RBAC, a Service and a PodDisruptionBudget) are rendered in the cluster; the values the library sets are tested.',
      });
    }
  }
  return acks;
}
