import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, flattenJoin, HardenedEksRule, isEksCluster, list } from './rule';
import { ISOLATED_INTERFACE_ENDPOINT_SERVICES, KARPENTER_INTERFACE_ENDPOINT_SERVICES } from '../../private/defaults';

/** The services an EKS cluster without an internet path must reach through VPC endpoints. */
export const ISOLATED_CLUSTER_SERVICES: readonly string[] = [...ISOLATED_INTERFACE_ENDPOINT_SERVICES.map((e) => e.service), 's3'];

/** What Karpenter adds to them: its interruption queue (sqs) and the Bottlerocket alias (ssm). */
export const ISOLATED_KARPENTER_SERVICES: readonly string[] = KARPENTER_INTERFACE_ENDPOINT_SERVICES.map((e) => e.service);

/** Whether the stack installs Karpenter's chart (the library's, or one of the app's own). */
function installsKarpenter(resources: CfnResource[]): boolean {
  return resources.some((r) => r.cfnResourceType === 'Custom::AWSCDK-EKS-HelmChart' && deployedProperties(r).Chart === 'karpenter');
}

/**
 * A cluster in a VPC of the app that has no internet gateway (so no internet path) and lacks a VPC
 * endpoint for a service the cluster needs (`MissingEndpoint::<service>`). Nodes would not join
 * (eks, ec2, ECR, S3), pods would get no AWS credentials (sts, eks-auth), the kubectl provider could
 * not apply manifests (eks, lambda, S3 for CloudFormation responses); with Karpenter's chart in the
 * stack, also sqs (interruption queue) and ssm (the Bottlerocket alias). Not applicable when the VPC
 * or its subnets are not resources of the app, or the VPC has an internet gateway.
 */
export const isolatedClusterEndpoints: HardenedEksRule = {
  id: 'IsolatedClusterEndpoints',
  level: NagMessageLevel.ERROR,
  info: 'An EKS cluster in a VPC without an internet path lacks a VPC endpoint it needs.',
  explanation: 'EKS Best Practices (network security; EKS User Guide, private clusters): without an internet gateway or NAT, every AWS API the control plane\'s nodes, add-ons and ' +
    'the kubectl provider call must have a VPC endpoint (ec2, ecr.api, ecr.dkr, s3, sts, logs, eks, eks-auth, elasticloadbalancing, lambda), ' +
    'or nodes do not join, pods get no credentials and manifests are never applied; Karpenter adds sqs and ssm. HardenedEksCluster with ' +
    'ClusterNetwork.isolated() creates them all.',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const stack = Stack.of(node);
    const byLogicalId = new Map<string, CfnResource>();
    for (const c of stack.node.findAll()) {
      if (CfnResource.isCfnResource(c)) { byLogicalId.set(stack.resolve(c.logicalId), c); }
    }
    const subnetRefs = list(deployedProperties(node).ResourcesVpcConfig?.SubnetIds).map((s: any) => s?.Ref);
    const subnets = subnetRefs.map((ref) => (typeof ref === 'string' ? byLogicalId.get(ref) : undefined));
    if (subnets.length === 0 || subnets.some((s) => s?.cfnResourceType !== 'AWS::EC2::Subnet')) { return NagRuleCompliance.NOT_APPLICABLE; }
    const vpcIds = new Set(subnets.map((s) => (deployedProperties(s!).VpcId as any)?.Ref));
    if (vpcIds.size !== 1) { return NagRuleCompliance.NOT_APPLICABLE; }
    const vpcId = [...vpcIds][0];
    const inVpc = (r: CfnResource) => (deployedProperties(r).VpcId as any)?.Ref === vpcId;
    const resources = [...byLogicalId.values()];
    if (resources.some((r) => r.cfnResourceType === 'AWS::EC2::VPCGatewayAttachment' && inVpc(r))) { return NagRuleCompliance.NOT_APPLICABLE; }
    const endpoints = resources.filter((r) => r.cfnResourceType === 'AWS::EC2::VPCEndpoint' && inVpc(r))
      .map((r) => flattenJoin(deployedProperties(r).ServiceName) ?? '');
    const needed = installsKarpenter(resources) ? [...ISOLATED_CLUSTER_SERVICES, ...ISOLATED_KARPENTER_SERVICES] : ISOLATED_CLUSTER_SERVICES;
    const missing = needed.filter((service) => !endpoints.some((name) => name.endsWith(`.${service}`)));
    return missing.length === 0 ? NagRuleCompliance.COMPLIANT : missing.map((service) => `MissingEndpoint::${service}`);
  },
};
