import { Annotations, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ClusterEndpointAccess } from './endpoint-access';
import { NetworkPolicyEnforcingMode } from './network-policy-mode';
import type { HardenedEksClusterProps } from './hardened-eks-cluster';
import { UpgradeSupportType } from './upgrade-support';
import { MIN_RECOMMENDED_LOG_RETENTION_DAYS, WARNINGS } from '../private/defaults';

/** Leaves a warning on the cluster for every default its props weaken. */
export function warnAboutWeakenings(scope: Construct, props: HardenedEksClusterProps, endpointAccess: ClusterEndpointAccess, logRetention: number): void {
  const warnings = Annotations.of(scope);
  if (endpointAccess.isPublic) {
    warnings.addWarningV2(WARNINGS.publicEndpoint,
      `The Kubernetes API endpoint is public, reachable from ${endpointAccess.publicCidrs.join(', ')}. ` +
      'Keep these ranges narrow; ClusterEndpointAccess.PRIVATE is the default.');
  }
  if ((props.clusterAdmins ?? []).length === 0) {
    warnings.addWarningV2(WARNINGS.noClusterAdmin,
      'No clusterAdmins given: only the kubectl provider can reach the cluster. ' +
      'Pass clusterAdmins (IAM roles) to grant humans access through access entries.');
  }
  if (props.deletionProtection === false) {
    warnings.addWarningV2(WARNINGS.deletionProtectionOff,
      'deletionProtection is false: the cluster can be deleted by a stack update or deletion.');
  }
  const retentions: Array<[string, number | undefined]> = [
    ['controlPlaneLogRetention', logRetention],
    ['flowLogRetention', props.flowLogRetention],
  ];
  const short = retentions.filter(([, days]) => days !== undefined && !Token.isUnresolved(days) && days < MIN_RECOMMENDED_LOG_RETENTION_DAYS);
  if (short.length > 0) {
    warnings.addWarningV2(WARNINGS.shortLogRetention,
      `${short.map(([prop, days]) => `${prop} is ${days} days`).join(', ')}; ` +
      'CIS EKS 2.1.2 and PCI DSS 10.7 expect at least a year of log history.');
  }
  if (props.vpc) {
    warnings.addWarningV2(WARNINGS.userVpc,
      'vpc is your own: the library cannot see its flow logs or default security group rules. ' +
      'Make sure flow logs record ALL traffic and the default security group has no rules.');
  }
  if (props.auditLogShipping === false) {
    warnings.addWarningV2(WARNINGS.auditLogNotShipped,
      'auditLogShipping is false: audit events stay only in the control-plane log group, in the same account as the cluster. ' +
      'Anyone who can administer that account can delete them.');
  }
  if (props.networkPolicyEnforcingMode === NetworkPolicyEnforcingMode.STANDARD) {
    warnings.addWarningV2(WARNINGS.standardNetworkPolicyMode,
      'networkPolicyEnforcingMode is STANDARD: a new pod can send and receive anything until the VPC CNI has applied the ' +
      'NetworkPolicies that select it (an init container can use that window), and pods no policy selects are open. ' +
      'NetworkPolicyEnforcingMode.STRICT is the default.');
  }
  if (props.upgradeSupport === UpgradeSupportType.EXTENDED) {
    warnings.addWarningV2(WARNINGS.extendedSupport,
      'upgradeSupport is EXTENDED: the cluster may stay on a Kubernetes version past standard support (paid, fewer fixes).');
  }
}
