import { Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { InterfaceEndpointSpec, ISOLATED_INTERFACE_ENDPOINT_SERVICES, KARPENTER_INTERFACE_ENDPOINT_SERVICES } from '../private/defaults';
import { PropProblems } from '../private/errors';

/**
 * Options of a cluster with no internet path.
 */
export interface IsolatedNetworkOptions {
  /**
   * Interface endpoints to add beside the ones the cluster needs, for services your workloads call
   * (for example `InterfaceVpcEndpointAwsService.SECRETS_MANAGER`). They get the same security group,
   * private DNS and a policy admitting this account's principals only. A service the library creates
   * an endpoint for already is refused (a second private-DNS endpoint fails to deploy); Karpenter's
   * SQS and SSM endpoints are not created twice.
   *
   * @default - none
   */
  readonly additionalInterfaceEndpoints?: ec2.InterfaceVpcEndpointAwsService[];

  /**
   * Whether the library creates the VPC endpoints. Turn it off for a VPC of your own that already
   * has them (a second S3 gateway route or a second private-DNS endpoint for a service fails to
   * deploy); yours must then admit HTTPS from the cluster's security group and the kubectl
   * provider's, and `HardenedEks-IsolatedClusterEndpoints` reports any it cannot find in the app.
   * Refused without a `vpc` of your own, and with `additionalInterfaceEndpoints`.
   *
   * @default true
   */
  readonly createEndpoints?: boolean;
}

/**
 * How the cluster's VPC reaches AWS services and the internet.
 */
export class ClusterNetwork {
  /**
   * Private subnets with egress through NAT gateways in public subnets (which hold nothing else).
   * The default.
   */
  public static natEgress(): ClusterNetwork {
    return new ClusterNetwork(false, [], false);
  }

  /**
   * No internet path at all: isolated subnets only (no internet gateway, NAT gateway, Elastic IP
   * or default route), and VPC endpoints with private DNS for every AWS service the cluster, its
   * nodes, add-ons and kubectl provider call, plus an S3 gateway endpoint. A VPC you bring must
   * then have isolated subnets only. Images must come from ECR in this region.
   *
   * @param options endpoints to add for your workloads, or none of the library's for a VPC that has its own
   */
  public static isolated(options: IsolatedNetworkOptions = {}): ClusterNetwork {
    return new ClusterNetwork(true, [...(options.additionalInterfaceEndpoints ?? [])], options.createEndpoints !== false);
  }

  /** Whether the network has no internet path. */
  public readonly hasNoInternetPath: boolean;

  /** Interface endpoints added beside the ones the cluster needs (isolated only). */
  public readonly additionalInterfaceEndpoints: ec2.InterfaceVpcEndpointAwsService[];

  /** Whether the library creates the VPC endpoints (isolated only). */
  public readonly createsEndpoints: boolean;

  private constructor(isolated: boolean, additionalInterfaceEndpoints: ec2.InterfaceVpcEndpointAwsService[], createsEndpoints: boolean) {
    this.hasNoInternetPath = isolated;
    this.additionalInterfaceEndpoints = additionalInterfaceEndpoints;
    this.createsEndpoints = createsEndpoints;
  }
}

/**
 * Who calls each endpoint of `ISOLATED_INTERFACE_ENDPOINT_SERVICES`:
 *
 * - `ec2`: the VPC CNI (ENIs and addresses), the EBS CSI driver (volumes);
 * - `ecr.api`, `ecr.dkr`: image pulls by the nodes (add-on images live in AWS-owned ECR
 *   registries of the region), Helm charts from ECR by the kubectl handler;
 * - `sts`: IRSA (`AssumeRoleWithWebIdentity`);
 * - `logs`: workloads that log to CloudWatch (Lambda ships the kubectl provider's logs outside the VPC);
 * - `eks`: the kubectl handler's `eks:DescribeCluster`;
 * - `eks-auth`: the Pod Identity agent (`AssumeRoleForPodIdentity`);
 * - `elasticloadbalancing`: load balancer controllers;
 * - `lambda`: the custom-resource framework function invoking the kubectl handler.
 */
export const ISOLATED_INTERFACE_ENDPOINTS: ReadonlyArray<[string, ec2.InterfaceVpcEndpointAwsService]> =
  ISOLATED_INTERFACE_ENDPOINT_SERVICES.map(({ id, service }) => [id, new ec2.InterfaceVpcEndpointAwsService(service)]);


/** The VPC endpoints of an isolated cluster. */
export interface IsolatedEndpoints {
  readonly securityGroup: ec2.SecurityGroup;
  readonly s3: ec2.GatewayVpcEndpoint;
  readonly interfaces: ec2.InterfaceVpcEndpoint[];
}

/** The region without dashes (`euwest1`), at synth time when known, else in the template. */
function regionWithoutDashes(stack: Stack): string {
  return Token.isUnresolved(stack.region) ? Fn.join('', Fn.split('-', stack.region)) : stack.region.replace(/-/g, '');
}

/**
 * Creates the endpoints in the VPC's isolated subnets: one security group without rules (the
 * cluster adds HTTPS in from its own group and the kubectl provider's), private DNS on every
 * interface endpoint, and policies
 * that keep traffic to this account's principals and resources, with the exceptions AWS-owned
 * resources need.
 */
export function createIsolatedEndpoints(scope: Construct, vpc: ec2.IVpc, extra: ec2.InterfaceVpcEndpointAwsService[]): IsolatedEndpoints {
  const stack = Stack.of(scope);
  const subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  const securityGroup = new ec2.SecurityGroup(scope, 'EndpointSecurityGroup', {
    vpc,
    allowAllOutbound: false,
    description: 'VPC interface endpoints of the EKS cluster: HTTPS in from the cluster, its nodes and its kubectl provider only',
  });
  const thisAccountToThisAccount = { StringEquals: { 'aws:PrincipalAccount': stack.account, 'aws:ResourceAccount': stack.account } };

  const s3 = new ec2.GatewayVpcEndpoint(scope, 'S3Endpoint', { vpc, service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [subnets] });
  s3.addToPolicy(new iam.PolicyStatement({
    sid: 'ThisAccountsPrincipalsToThisAccountsBuckets',
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:*'],
    resources: ['*'],
    conditions: thisAccountToThisAccount,
  }));
  s3.addToPolicy(new iam.PolicyStatement({
    sid: 'EcrImageLayers',
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:GetObject'],
    resources: [`arn:${stack.partition}:s3:::prod-${stack.region}-starport-layer-bucket/*`],
  }));
  s3.addToPolicy(new iam.PolicyStatement({
    sid: 'CloudFormationCustomResourceResponses',
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:PutObject'],
    resources: [`arn:${stack.partition}:s3:::cloudformation-custom-resource-response-${regionWithoutDashes(stack)}/*`],
  }));

  const interfaces = [
    ...ISOLATED_INTERFACE_ENDPOINT_SERVICES,
    ...extra.map((service, i): InterfaceEndpointSpec => ({ id: `Additional${i}`, service: service.shortName, perimeter: 'principal' })),
  ].map((spec) => interfaceEndpoint(scope, vpc, securityGroup, spec, extra.find((e) => e.shortName === spec.service)));
  return { securityGroup, s3, interfaces };
}

/**
 * One interface endpoint with private DNS in the isolated subnets, and the policy its spec names.
 * `service` when the caller has the aws-cdk-lib service object (additional endpoints); otherwise
 * it is built from the spec's name.
 */
function interfaceEndpoint(scope: Construct, vpc: ec2.IVpc, securityGroup: ec2.ISecurityGroup, spec: InterfaceEndpointSpec,
  service: ec2.InterfaceVpcEndpointAwsService = new ec2.InterfaceVpcEndpointAwsService(spec.service)): ec2.InterfaceVpcEndpoint {
  const stack = Stack.of(scope);
  const endpoint = new ec2.InterfaceVpcEndpoint(scope, `${spec.id}Endpoint`, {
    vpc, service, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [securityGroup], privateDnsEnabled: true, open: false,
  });
  if (spec.perimeter === 'principal' || spec.perimeter === 'principal-and-web-identity') {
    endpoint.addToPolicy(new iam.PolicyStatement({
      sid: 'ThisAccountsPrincipals', principals: [new iam.AnyPrincipal()], actions: ['*'], resources: ['*'],
      conditions: { StringEquals: { 'aws:PrincipalAccount': stack.account } },
    }));
  }
  if (spec.perimeter === 'principal-and-web-identity') {
    // IRSA: pods call AssumeRoleWithWebIdentity as a federated identity, which no `AWS` principal
    // element matches (hence `*`); only roles of this account can be assumed that way here.
    endpoint.addToPolicy(new iam.PolicyStatement({
      sid: 'WebIdentityIntoThisAccountsRoles',
      principals: [new iam.StarPrincipal()],
      actions: ['sts:AssumeRoleWithWebIdentity'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:ResourceAccount': stack.account } },
    }));
  }
  if (spec.perimeter === 'principal-and-resource') {
    endpoint.addToPolicy(new iam.PolicyStatement({
      sid: 'ThisAccountsPrincipalsToThisAccountsResources', principals: [new iam.AnyPrincipal()], actions: ['*'], resources: ['*'],
      conditions: { StringEquals: { 'aws:PrincipalAccount': stack.account, 'aws:ResourceAccount': stack.account } },
    }));
  }
  return endpoint;
}

/**
 * The endpoints Karpenter adds to an isolated cluster: SQS (its interruption queue, in this
 * account) and SSM (the Bottlerocket alias resolves through AWS's public parameters, which AWS
 * owns: a principal perimeter only). Both admit the same callers as the others.
 */
export function createKarpenterEndpoints(scope: Construct, vpc: ec2.IVpc, endpoints: IsolatedEndpoints, existing: string[]): ec2.InterfaceVpcEndpoint[] {
  return KARPENTER_INTERFACE_ENDPOINT_SERVICES.filter(({ service }) => !existing.includes(service))
    .map((spec) => interfaceEndpoint(scope, vpc, endpoints.securityGroup, spec));
}

/**
 * Combinations of the network options that cannot work: no endpoints in the library's own VPC (it
 * would reach nothing), additional endpoints while the library creates none (they would be
 * ignored), and an additional endpoint for a service the library covers already.
 */
export function checkNetwork(problems: PropProblems, network: ClusterNetwork, ownVpc: boolean): void {
  if (!network.hasNoInternetPath) { return; }
  if (!network.createsEndpoints && !ownVpc) {
    problems.add('network', 'ClusterNetwork.isolated({ createEndpoints: false }) without vpc',
      'The VPC the library creates would have no endpoints and so no way to reach AWS. Leave createEndpoints on, or pass the vpc that has its endpoints.');
  }
  if (!network.createsEndpoints && network.additionalInterfaceEndpoints.length > 0) {
    problems.add('network', 'additionalInterfaceEndpoints with createEndpoints: false',
      'The library creates no endpoint at all with createEndpoints: false, so these would be ignored. Create them in your VPC, or turn createEndpoints on.');
  }
  const builtIn = new Set(ISOLATED_INTERFACE_ENDPOINT_SERVICES.map((e) => e.service));
  for (const endpoint of network.additionalInterfaceEndpoints) {
    if (builtIn.has(endpoint.shortName)) {
      problems.add('network.additionalInterfaceEndpoints', endpoint.shortName,
        'The library creates this endpoint already; a second private-DNS endpoint for it fails to deploy. Remove it from additionalInterfaceEndpoints.');
    }
  }
}

/** What must exist before something reaches the endpoints. */
export interface EndpointPaths {
  /** The endpoints and both ways in: what nodes and the kubectl provider wait for. */
  readonly forAll: Construct[];
  /** The endpoints and the kubectl group's way in only (the cluster's rule waits for the cluster). */
  readonly forKubectl: Construct[];
}

/**
 * Lets the cluster's security group (the control plane's interfaces and the nodes: managed node
 * groups without groups of their own carry it) and the kubectl provider's group reach the
 * endpoints on 443. The kubectl rule is a resource of its own, so that what needs only it need not
 * wait for the cluster.
 */
export function admitToEndpoints(scope: Construct, endpoints: IsolatedEndpoints, clusterSecurityGroup: ec2.ISecurityGroup,
  kubectlSecurityGroup: ec2.ISecurityGroup): EndpointPaths {
  endpoints.securityGroup.addIngressRule(clusterSecurityGroup, ec2.Port.tcp(443), 'The cluster and its nodes');
  const kubectlIngress = new ec2.CfnSecurityGroupIngress(scope, 'EndpointIngressFromKubectl', {
    groupId: endpoints.securityGroup.securityGroupId,
    sourceSecurityGroupId: kubectlSecurityGroup.securityGroupId,
    ipProtocol: 'tcp', fromPort: 443, toPort: 443,
    description: 'The kubectl provider',
  });
  const reached = [...endpoints.interfaces, endpoints.s3];
  return { forAll: [...reached, endpoints.securityGroup, kubectlIngress], forKubectl: [...reached, kubectlIngress] };
}
