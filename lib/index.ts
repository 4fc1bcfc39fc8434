export * from './cluster/hardened-eks-cluster';
export * from './core/hardened-cluster';
export * from './cluster/endpoint-access';
export * from './cluster/upgrade-support';
export * from './cluster/network-policy-mode';
export { ClusterNetwork, IsolatedNetworkOptions } from './cluster/cluster-network';
export { HardenedNodeGroup, HardenedNodeGroupOptions, HardenedNodeGroupProps, NodeArchitecture } from './nodes/hardened-node-group';
export { BootstrapContainerMode, BottlerocketBootstrapContainer, BottlerocketSettings, KernelLockdown } from './nodes/bottlerocket-settings';
export * from './nodes/instance-metadata-access';
export { ScopedServiceAccount, ScopedServiceAccountOptions, ScopedServiceAccountProps, ServiceAccountIdentity } from './identity/scoped-service-account';
export { NamespaceAccessLevel } from './identity/access';
export { HardenedEksChecks, HardenedEksChecksProps } from './nag/hardened-eks-checks';
export {
  ContainerLimits, HardenedNamespace, HardenedNamespaceOptions, HardenedNamespaceProps, NamespaceEgressRule, NamespaceQuota,
  NetworkProtocol, PodSecurityLevel,
} from './manifests/hardened-namespace';
export { AuditLogOptions, AuditLogShipping, AuditLogShippingProps, AuditObjectLockMode } from './logging/audit-log-shipping';
export { AuditDetections, AuditDetectionsOptions, AuditDetectionsProps, AuditDetectionSettings } from './logging/audit-detections';
export { GuardDutyDetector, GuardDutyEksProtection, GuardDutyEksProtectionProps } from './logging/guardduty';
export { EvidenceResources } from './logging/evidence-tampering';
export { HardenedEksTesting, HardenedEksTestAppOptions } from './testing/hardened-eks-testing';
export { ClusterStorage, ClusterStorageOptions, ClusterStorageProps } from './storage/cluster-storage';
export { Karpenter, KarpenterOptions, KarpenterProps } from './karpenter/karpenter';
export {
  KarpenterCapacityType, KarpenterConsolidationPolicy, KarpenterDisruption, KarpenterDisruptionBudget, KarpenterDisruptionReason,
  KarpenterLimits, KarpenterNodePool, KarpenterNodePoolOptions, KarpenterNodePoolProps, KarpenterRequirement, KarpenterRequirementOperator,
} from './karpenter/karpenter-node-pool';
