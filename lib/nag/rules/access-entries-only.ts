import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isEksCluster } from './rule';

/**
 * The cluster still accepts identities mapped in the `aws-auth` ConfigMap.
 */
export const accessEntriesOnly: HardenedEksRule = {
  id: 'AccessEntriesOnly',
  level: NagMessageLevel.ERROR,
  info: 'The EKS cluster\'s authentication mode is not API (access entries only).',
  explanation: 'CIS Amazon EKS Benchmark 5.5.1 and the EKS Best Practices Guide ask to manage cluster access through IAM: ' +
    'with CONFIG_MAP or API_AND_CONFIG_MAP, anyone who can edit the aws-auth ConfigMap can map an IAM identity to system:masters, ' +
    'outside of IAM and CloudTrail. Set AccessConfig.AuthenticationMode to API.',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const mode = deployedProperties(node).AccessConfig?.AuthenticationMode;
    return mode === 'API' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
