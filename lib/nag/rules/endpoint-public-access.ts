import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isEksCluster } from './rule';

/**
 * The cluster's Kubernetes API endpoint is reachable from the internet.
 * CloudFormation turns public access on when `EndpointPublicAccess` is absent.
 */
export const endpointPublicAccess: HardenedEksRule = {
  id: 'EndpointPublicAccess',
  level: NagMessageLevel.WARN,
  info: 'The EKS cluster has a public Kubernetes API endpoint.',
  explanation: 'CIS Amazon EKS Benchmark 5.4.2 and the EKS Best Practices Guide ask for a private endpoint with public access disabled: ' +
    'a public endpoint exposes the API server (and any of its vulnerabilities or leaked credentials) to the internet. ' +
    'HardenedEksCluster uses ClusterEndpointAccess.PRIVATE by default; if public access from named CIDRs is truly needed, acknowledge this finding with the reason.',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const vpcConfig = deployedProperties(node).ResourcesVpcConfig ?? {};
    return vpcConfig.EndpointPublicAccess === false ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
