import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { deployedProperties } from '../nag/rules/rule';
import { createEncryptedLogGroup } from '../logging/encrypted-log-group';

/**
 * The kubectl provider's identities and logs, owned by the library instead of aws-cdk-lib.
 *
 * aws-eks-v2's kubectl provider is two Lambda functions: the handler (kubectl and helm, mapped to
 * cluster admin) and the custom-resource framework's `onEvent` function that invokes it. Left to
 * aws-cdk-lib they run on roles with AWS managed execution policies and inline policies, and log
 * into `/aws/lambda/...` groups that Lambda creates on first use: unencrypted, never expiring,
 * outside the stack. Here:
 *
 * - the handler runs on a role of the library's, passed to aws-eks-v2 without policy updates, so
 *   nothing else can add to it;
 * - both functions' permissions are customer managed policies naming what they use: their ENIs in
 *   the VPC and their one log group (both), `eks:DescribeCluster` on this cluster and pulls of Helm
 *   charts from this account's ECR repositories (handler), invoking the handler (onEvent);
 * - both log into one log group of the stack, encrypted with its own key, with the control-plane
 *   logs' retention, retained.
 */

/**
 * The security group of the kubectl handler and its provider framework, created before the
 * cluster: HTTPS out only (the cluster endpoint, and EKS's and ECR's regional APIs through the NAT
 * gateways or the endpoints), rather than the cluster's group, which admits everything from its
 * members. The cluster adds the rule that lets it in on 443.
 */
export function createKubectlSecurityGroup(scope: Construct, vpc: ec2.IVpc, clusterName: string): ec2.SecurityGroup {
  const securityGroup = new ec2.SecurityGroup(scope, 'KubectlSecurityGroup', {
    vpc,
    allowAllOutbound: false,
    description: `kubectl handler of EKS cluster ${clusterName}: HTTPS out only`,
  });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'The cluster endpoint and AWS APIs (eks:DescribeCluster, ECR) over HTTPS');
  return securityGroup;
}

/**
 * Fails the synth for a Helm chart shipped as a CDK asset on this cluster: the handler's role
 * takes no grants from aws-cdk-lib (it runs on the library's policies), so it could not read the
 * asset at deploy time.
 */
export function refuseChartAssets(scope: Construct, cluster: eks.Cluster): void {
  scope.node.addValidation({
    validate: () => scope.node.root.node.findAll()
      .filter((c): c is eks.HelmChart => c instanceof eks.HelmChart && c.chartAsset !== undefined
        && JSON.stringify(helmChartClusterName(c)) === JSON.stringify(Stack.of(scope).resolve(cluster.clusterName)))
      .map((c) => `${c.node.path}: chartAsset is not supported on a HardenedEksCluster, whose kubectl handler reads only what its own ` +
        'policies name. Push the chart to ECR as an OCI artifact and use repository: \'oci://<account>.dkr.ecr.<region>.amazonaws.com/<name>\' instead.'),
  });
}

/** The cluster a Helm chart installs into, as its custom resource names it (resolved), or undefined. */
function helmChartClusterName(chart: eks.HelmChart): unknown {
  const resource = chart.node.tryFindChild('Resource')?.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) { return undefined; }
  // Custom resource properties have no public accessor: read what the template will hold.
  return deployedProperties(resource).ClusterName;
}

/** The handler's role, created before the cluster so aws-eks-v2 uses it. */
export function createKubectlHandlerRole(scope: Construct, clusterName: string): iam.Role {
  return new iam.Role(scope, 'KubectlHandlerRole', {
    description: `kubectl handler of EKS cluster ${clusterName} (cluster admin through an access entry)`,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
}

export interface KubectlProviderHardeningOptions {
  readonly clusterName: string;
  readonly handlerRole: iam.Role;
  readonly logRetention: logs.RetentionDays;
}

/** The parts of aws-eks-v2's kubectl provider the library reworks, or undefined when it has none. */
export interface KubectlProviderParts {
  readonly handler: lambda.Function;
  readonly onEvent: lambda.Function;
  readonly executionPolicy: iam.ManagedPolicy;
  readonly handlerPolicy: iam.ManagedPolicy;
  readonly logGroup: logs.LogGroup;
  readonly logKey: kms.IKey;
  /** The repositories the handler may pull Helm charts from (this account's ECR in the region). */
  readonly chartRepositoriesArn: string;
}

/**
 * Moves the provider's functions onto the library's policies and log group (after the cluster,
 * which creates them).
 */
export function hardenKubectlProvider(scope: Construct, cluster: eks.Cluster, options: KubectlProviderHardeningOptions): KubectlProviderParts {
  const provider = cluster.node.findChild('KubectlProvider');
  const handler = provider.node.findChild('Handler') as lambda.Function;
  const onEvent = provider.node.findChild('Provider').node.findChild('framework-onEvent') as lambda.Function;
  const onEventRole = onEvent.role as iam.Role;

  const { logGroup, key: logKey } = createEncryptedLogGroup(scope, {
    keyId: 'KubectlLogKey',
    logGroupId: 'KubectlLogGroup',
    logGroupName: `/aws/lambda/${options.clusterName}-kubectl-provider`,
    retention: options.logRetention,
    keyDescription: `Encrypts the logs of the kubectl provider of EKS cluster ${options.clusterName}`,
  });
  for (const fn of [handler, onEvent]) {
    (fn.node.defaultChild as lambda.CfnFunction).loggingConfig = { logGroup: logGroup.logGroupName };
  }

  const executionPolicy = new iam.ManagedPolicy(scope, 'KubectlExecutionPolicy', {
    description: `Network interfaces in the VPC and the log group of the kubectl provider of EKS cluster ${options.clusterName}`,
    roles: [options.handlerRole, onEventRole],
    statements: [
      new iam.PolicyStatement({
        sid: 'NetworkInterfacesInTheVpc',
        // Lambda manages these ENIs; EC2 does not scope the Describe calls to resources.
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'ItsOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    ],
  });
  const chartRepositoriesArn = Stack.of(scope).formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' });
  const handlerPolicy = new iam.ManagedPolicy(scope, 'KubectlHandlerPolicy', {
    description: `What the kubectl handler of EKS cluster ${options.clusterName} calls beside the Kubernetes API`,
    roles: [options.handlerRole],
    statements: [
      new iam.PolicyStatement({ sid: 'KubeconfigOfThisCluster', actions: ['eks:DescribeCluster'], resources: [cluster.clusterArn] }),
      new iam.PolicyStatement({
        sid: 'RegistryLogins',
        // Registry logins are not resource-scoped.
        actions: ['ecr:GetAuthorizationToken', 'ecr-public:GetAuthorizationToken', 'sts:GetServiceBearerToken'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'HelmChartsFromThisAccountsEcr',
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        resources: [chartRepositoriesArn],
      }),
    ],
  });
  const invokePolicy = new iam.ManagedPolicy(scope, 'KubectlInvokePolicy', {
    description: `Lets the custom resource framework invoke the kubectl handler of EKS cluster ${options.clusterName}`,
    roles: [onEventRole],
    // GetFunction: after a failed invoke the framework waits for the handler to become Active
    // again (idle VPC functions go Inactive), polling GetFunction.
    statements: [new iam.PolicyStatement({ actions: ['lambda:GetFunction', 'lambda:InvokeFunction'], resources: [handler.functionArn] })],
  });

  // The framework's role keeps none of aws-cdk-lib's AWS managed policies or its inline policy
  // (which also allowed every version of the handler, `Arn:*`).
  (onEventRole.node.defaultChild as iam.CfnRole).managedPolicyArns = undefined;
  onEventRole.node.tryRemoveChild('DefaultPolicy');

  // Lambda checks a VPC function's ENI permissions when it is created, and the framework must be
  // allowed to invoke before the first custom resource needs it.
  // (On the functions' resources: the framework's role is a child of its function.)
  handler.node.defaultChild!.node.addDependency(executionPolicy, handlerPolicy);
  onEvent.node.defaultChild!.node.addDependency(executionPolicy, invokePolicy);
  // aws-eks-v2 adds an ECR Public policy to the handler's role under a partition condition; the
  // role takes no policy from it, and an unused condition is a template warning.
  options.handlerRole.node.scope!.node.tryRemoveChild('HasEcrPublic');
  return { handler, onEvent, executionPolicy, handlerPolicy, logGroup, logKey, chartRepositoriesArn };
}
