import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { findLogGroup } from './control-plane-log-group';
import { deployedProperties, HardenedEksRule, isEksCluster } from './rule';

/**
 * The cluster's control-plane log group has no subscription filter (its audit events stay in the
 * cluster's own account) or no metric filter (nothing alarms on them).
 *
 * Findings are granular: `AuditLog::NotShipped`, `AuditLog::NoAlarms`. Not applicable when the app
 * does not create the log group (HardenedEks-ControlPlaneLogGroup reports that).
 */
export const auditLogShipped: HardenedEksRule = {
  id: 'AuditLogShipped',
  level: NagMessageLevel.ERROR,
  info: 'The EKS control-plane log group has no subscription filter shipping its audit events, or no metric filter alarming on them.',
  explanation: 'EKS Best Practices (detective controls) ask that audit logs are kept out of reach of the account they describe and that ' +
    'suspicious audit events raise alarms. In CloudWatch Logs alone, anyone who administers the account can delete them, and nobody reads ' +
    'them until after an incident. Subscribe the log group to a destination outside it (HardenedEksCluster does, through Firehose to S3) ' +
    'and put metric filters with alarms on it (AuditDetections).',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const clusterName = deployedProperties(node).Name;
    const logGroup = clusterName === undefined ? undefined : findLogGroup(node, clusterName);
    if (!logGroup) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    if (filtersOn(logGroup, 'AWS::Logs::SubscriptionFilter').length === 0) { findings.push('AuditLog::NotShipped'); }
    if (filtersOn(logGroup, 'AWS::Logs::MetricFilter').length === 0) { findings.push('AuditLog::NoAlarms'); }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};

/** Filters of a type whose LogGroupName is this log group: by `Ref`, or by its literal name. */
function filtersOn(logGroup: CfnResource, type: string): CfnResource[] {
  const stack = Stack.of(logGroup);
  const byRef = JSON.stringify({ Ref: stack.resolve(logGroup.logicalId) });
  const byName = JSON.stringify(deployedProperties(logGroup).LogGroupName);
  return logGroup.node.root.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === type && Stack.of(c) === stack)
    .filter((filter) => {
      const target = JSON.stringify(deployedProperties(filter).LogGroupName);
      return target === byRef || target === byName;
    });
}
