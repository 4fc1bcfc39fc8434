import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isNodegroup } from './rule';

/**
 * A managed node group that does not run Bottlerocket.
 */
export const nodegroupBottlerocket: HardenedEksRule = {
  id: 'NodegroupBottlerocket',
  level: NagMessageLevel.ERROR,
  info: 'The EKS managed node group does not use a Bottlerocket AMI type.',
  explanation: 'The EKS Best Practices Guide (runtime and infrastructure security) asks for an OS optimized for running containers. ' +
    'Bottlerocket keeps SELinux enforcing at all times, boots a dm-verity verified read-only root, has no shell or package manager ' +
    'and takes its settings through a typed API, which narrows what a container escape can reach. Use a BOTTLEROCKET_* AmiType.',
  check(node: CfnResource): NagRuleResult {
    if (!isNodegroup(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const amiType = deployedProperties(node).AmiType;
    return typeof amiType === 'string' && amiType.startsWith('BOTTLEROCKET_') ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
