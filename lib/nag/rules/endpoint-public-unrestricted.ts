import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isEksCluster } from './rule';

/** A public CIDR wider than this counts as the whole internet (two /1 ranges cover it all). */
const WIDEST_PREFIX = 8;

function tooWide(cidr: string): boolean {
  const prefix = Number(cidr.trim().split('/')[1]);
  if (!Number.isInteger(prefix)) { return false; }
  return prefix === 0 || (cidr.includes('.') && prefix < WIDEST_PREFIX);
}

/**
 * The public endpoint accepts connections from anywhere: no `PublicAccessCidrs` (EKS then allows
 * 0.0.0.0/0), a `/0` range, or an IPv4 range wider than /8 among them.
 */
export const endpointPublicUnrestricted: HardenedEksRule = {
  id: 'EndpointPublicUnrestricted',
  level: NagMessageLevel.ERROR,
  info: 'The EKS cluster\'s public endpoint is open to the whole internet.',
  explanation: 'CIS Amazon EKS Benchmark 5.4.1 asks to restrict access to the control plane endpoint to known CIDR ranges. ' +
    'Without PublicAccessCidrs EKS allows 0.0.0.0/0; ranges wider than /8 (two /1 ranges cover the internet) count the same. ' +
    'Make the endpoint private, or list only the ranges that need it.',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const vpcConfig = deployedProperties(node).ResourcesVpcConfig ?? {};
    if (vpcConfig.EndpointPublicAccess === false) { return NagRuleCompliance.NOT_APPLICABLE; }
    const cidrs: unknown[] = Array.isArray(vpcConfig.PublicAccessCidrs) ? vpcConfig.PublicAccessCidrs : [];
    if (cidrs.length === 0) { return NagRuleCompliance.NON_COMPLIANT; }
    const open = cidrs.some((cidr) => typeof cidr === 'string' && tooWide(cidr));
    return open ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
