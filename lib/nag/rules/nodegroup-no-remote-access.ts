import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isNodegroup, launchTemplateOf } from './rule';

/**
 * SSH access to nodes: the node group's `RemoteAccess`, or a key pair in its launch template.
 */
export const nodegroupNoRemoteAccess: HardenedEksRule = {
  id: 'NodegroupNoRemoteAccess',
  level: NagMessageLevel.ERROR,
  info: 'The EKS managed node group allows SSH access to its nodes.',
  explanation: 'The EKS Best Practices Guide (infrastructure security) asks to minimize access to worker nodes: no SSH keys and no ' +
    'inbound port 22; use SSM (Bottlerocket\'s control container) when access is truly needed, which is logged and needs IAM.',
  check(node: CfnResource): NagRuleResult {
    if (!isNodegroup(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    if (deployedProperties(node).RemoteAccess !== undefined) { return NagRuleCompliance.NON_COMPLIANT; }
    const { template } = launchTemplateOf(node);
    const keyName = template ? deployedProperties(template).LaunchTemplateData?.KeyName : undefined;
    return keyName !== undefined ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
