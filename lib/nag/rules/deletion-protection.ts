import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isEksCluster } from './rule';

/**
 * The cluster can be deleted by any stack update or deletion.
 */
export const deletionProtection: HardenedEksRule = {
  id: 'DeletionProtection',
  level: NagMessageLevel.ERROR,
  info: 'The EKS cluster does not have deletion protection enabled.',
  explanation: 'Availability (no CIS Amazon EKS Benchmark item covers it; EKS User Guide, cluster deletion protection): a renamed construct, ' +
    'a replaced property or a deleted stack would delete the cluster and every workload on it. ' +
    'With DeletionProtection EKS refuses to delete the cluster until the protection is turned off on purpose.',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    return deployedProperties(node).DeletionProtection === true ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
