import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { NagRuleCompliance } from 'cdk-nag';
import { networkPolicyEnforcement } from '../../lib/nag/rules/network-policy-enforcement';
import { fastApp } from '../fixtures';

function addon(addonName: string, configurationValues?: string): eks.CfnAddon {
  const stack = new Stack(fastApp(), 'Test');
  return new eks.CfnAddon(stack, 'Addon', { clusterName: 'c', addonName, configurationValues });
}

describe('HardenedEks-NetworkPolicyEnforcement', () => {
  const check = (name: string, config?: unknown) =>
    networkPolicyEnforcement.check(addon(name, typeof config === 'string' || config === undefined ? config as string | undefined : JSON.stringify(config)), {});

  test('strict mode with NetworkPolicy on is compliant', () => {
    expect(check('vpc-cni', { enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'strict' } })).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('standard mode, set or left to the CNI\'s default, is reported', () => {
    expect(check('vpc-cni', { enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'standard' } })).toEqual(['StandardMode']);
    expect(check('vpc-cni', { enableNetworkPolicy: 'true' })).toEqual(['StandardMode']);
    expect(check('vpc-cni', { enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'Strict' } })).toEqual(['StandardMode']);
  });

  test('NetworkPolicy off, or no configuration at all, is reported', () => {
    expect(check('vpc-cni', { enableNetworkPolicy: 'false', env: { NETWORK_POLICY_ENFORCING_MODE: 'strict' } })).toEqual(['NetworkPolicyOff']);
    expect(check('vpc-cni')).toEqual(['NetworkPolicyOff', 'StandardMode']);
  });

  test('a configuration that is not JSON is reported as unreadable', () => {
    expect(check('vpc-cni', 'enableNetworkPolicy: true')).toEqual(['Unreadable']);
    expect(check('vpc-cni', '"strict"')).toEqual(['Unreadable']);
  });

  test('other add-ons are not its business', () => {
    expect(check('coredns')).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});
