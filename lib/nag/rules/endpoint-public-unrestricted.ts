import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isEksCluster } from './rule';

const OPEN_TO_ALL = /\/0$/;

/**
 * The public endpoint accepts connections from anywhere: no `PublicAccessCidrs` (EKS then allows
 * 0.0.0.0/0) or a `/0` range among them.
 */
export const endpointPublicUnrestricted: HardenedEksRule = {
  id: 'EndpointPublicUnrestricted',
  level: NagMessageLevel.ERROR,
  info: 'The EKS cluster\'s public endpoint is open to the whole internet.',
  explanation: 'CIS Amazon EKS Benchmark 5.4.1 asks to restrict access to the control plane endpoint to known CIDR ranges. ' +
    'Without PublicAccessCidrs EKS allows 0.0.0.0/0. Make the endpoint private, or list only the ranges that need it.',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const vpcConfig = deployedProperties(node).ResourcesVpcConfig ?? {};
    if (vpcConfig.EndpointPublicAccess === false) { return NagRuleCompliance.NOT_APPLICABLE; }
    const cidrs: unknown[] = Array.isArray(vpcConfig.PublicAccessCidrs) ? vpcConfig.PublicAccessCidrs : [];
    if (cidrs.length === 0) { return NagRuleCompliance.NON_COMPLIANT; }
    const open = cidrs.some((cidr) => typeof cidr === 'string' && OPEN_TO_ALL.test(cidr.trim()));
    return open ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
