import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isEksCluster } from './rule';

/** The five control-plane log types EKS can ship to CloudWatch Logs. */
export const REQUIRED_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/**
 * Control-plane log types that are not enabled, one finding per type (`LogType::audit`).
 */
export const controlPlaneLogTypes: HardenedEksRule = {
  id: 'ControlPlaneLogTypes',
  level: NagMessageLevel.ERROR,
  info: 'The EKS cluster does not ship every control-plane log type.',
  explanation: 'CIS Amazon EKS Benchmark 2.1.1 asks for audit logs; the EKS Best Practices Guide asks for all control-plane logs ' +
    '(api, audit, authenticator, controllerManager, scheduler) so that who did what, and how the control plane reacted, can be reconstructed.',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const enabled: unknown[] = deployedProperties(node).Logging?.ClusterLogging?.EnabledTypes ?? [];
    const enabledTypes = new Set(enabled.map((entry: any) => entry?.Type));
    const missing = REQUIRED_LOG_TYPES.filter((type) => !enabledTypes.has(type));
    return missing.length === 0 ? NagRuleCompliance.COMPLIANT : missing.map((type) => `LogType::${type}`);
  },
};
