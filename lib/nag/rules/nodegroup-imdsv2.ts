import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isNodegroup, launchTemplateOf } from './rule';

/**
 * Node credentials reachable from pods: no launch template of the app (EKS's default template
 * allows IMDSv1 and a hop limit of 2), IMDSv2 not required, or a hop limit above 1.
 *
 * Granular: `Imds::NoLaunchTemplate`, `Imds::LaunchTemplateNotInApp`, `Imds::TokensOptional`,
 * `Imds::HopLimitNotSet`, `Imds::HopLimitAboveOne`.
 */
export const nodegroupImdsv2: HardenedEksRule = {
  id: 'NodegroupImdsv2',
  level: NagMessageLevel.ERROR,
  info: 'Pods on the EKS managed node group can reach the instance metadata service and the node role\'s credentials.',
  explanation: 'The EKS Best Practices Guide (identity and access management) asks to restrict access to the instance profile assigned to ' +
    'the worker node: require IMDSv2 and set the PUT response hop limit to 1, so a token cannot leave the node\'s network namespace. ' +
    'Managed node groups accept these settings only through a launch template.',
  check(node: CfnResource): NagRuleResult {
    if (!isNodegroup(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const { referenced, template } = launchTemplateOf(node);
    if (!referenced) { return ['Imds::NoLaunchTemplate']; }
    if (!template) { return ['Imds::LaunchTemplateNotInApp']; }
    const options = deployedProperties(template).LaunchTemplateData?.MetadataOptions ?? {};
    const findings: string[] = [];
    if (options.HttpTokens !== 'required') { findings.push('Imds::TokensOptional'); }
    // Left out, the effective limit depends on EKS's merge with its own template (which uses 2).
    const hopLimit = options.HttpPutResponseHopLimit;
    if (hopLimit === undefined) {
      findings.push('Imds::HopLimitNotSet');
    } else if (hopLimit !== 1) {
      findings.push('Imds::HopLimitAboveOne');
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
