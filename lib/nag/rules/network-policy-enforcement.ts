import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule } from './rule';

/**
 * The managed `vpc-cni` add-on's NetworkPolicy settings: `NetworkPolicyOff` when
 * `enableNetworkPolicy` is not `"true"` (NetworkPolicy objects are then ignored), `StandardMode`
 * when `env.NETWORK_POLICY_ENFORCING_MODE` is not `strict`, `Unreadable` when the configuration
 * is not JSON known at synth time.
 */
export const networkPolicyEnforcement: HardenedEksRule = {
  id: 'NetworkPolicyEnforcement',
  level: NagMessageLevel.ERROR,
  info: 'The VPC CNI add-on does not enforce NetworkPolicies, or lets new pods talk before their policies are in place.',
  explanation: 'CIS Amazon EKS Benchmark 4.3.1 and 5.4.4: without enableNetworkPolicy the VPC CNI ignores every NetworkPolicy, so a ' +
    'namespace\'s default deny is only paper. In the CNI\'s default standard mode a new pod starts with all traffic allowed until ' +
    'the policies that select it are applied, so an init container can send a mounted Secret anywhere in that window. Set the ' +
    'add-on\'s configuration to {"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"strict"}} and give every ' +
    'pod-network workload a NetworkPolicy (HardenedEksCluster does both for its own add-ons).',
  check(node: CfnResource): NagRuleResult {
    if (node.cfnResourceType !== 'AWS::EKS::Addon') { return NagRuleCompliance.NOT_APPLICABLE; }
    const props = deployedProperties(node);
    if (props.AddonName !== 'vpc-cni') { return NagRuleCompliance.NOT_APPLICABLE; }
    let config: any = {};
    if (props.ConfigurationValues !== undefined) {
      try {
        config = typeof props.ConfigurationValues === 'string' ? JSON.parse(props.ConfigurationValues) : undefined;
      } catch {
        config = undefined;
      }
      if (config === null || typeof config !== 'object') { return ['Unreadable']; }
    }
    const findings: string[] = [];
    if (config.enableNetworkPolicy !== 'true' && config.enableNetworkPolicy !== true) { findings.push('NetworkPolicyOff'); }
    if (config.env?.NETWORK_POLICY_ENFORCING_MODE !== 'strict') { findings.push('StandardMode'); }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
