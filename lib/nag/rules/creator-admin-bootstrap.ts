import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isEksCluster } from './rule';

/**
 * The identity that creates the cluster silently becomes its administrator (the EKS default when
 * `BootstrapClusterCreatorAdminPermissions` is not set to false).
 */
export const creatorAdminBootstrap: HardenedEksRule = {
  id: 'CreatorAdminBootstrap',
  level: NagMessageLevel.ERROR,
  info: 'The EKS cluster gives its creator (the deploying identity) cluster-admin access.',
  explanation: 'The EKS Best Practices Guide (identity and access management) advises against the implicit cluster-creator admin: ' +
    'it is invisible in the cluster\'s access entries list until someone looks, and it usually belongs to a CI/CD role with broad rights. ' +
    'Set AccessConfig.BootstrapClusterCreatorAdminPermissions to false and grant admins explicitly through access entries.',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const bootstrap = deployedProperties(node).AccessConfig?.BootstrapClusterCreatorAdminPermissions;
    return bootstrap === false ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
