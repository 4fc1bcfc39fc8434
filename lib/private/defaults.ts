import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Defaults of the library, in one place. Tests import these too, so a changed default shows up
 * as a changed test expectation, never as a silent drift.
 */

/** Kubernetes version of a new cluster (matches the bundled kubectl layer). */
export const DEFAULT_KUBERNETES_VERSION = eks.KubernetesVersion.V1_36;

/** The minor version the bundled kubectl layer (`@aws-cdk/lambda-layer-kubectl-v36`) carries. */
export const BUNDLED_KUBECTL_MINOR = '1.36';

/** Every control-plane log type EKS can ship. All of them are on, always. */
export const CONTROL_PLANE_LOG_TYPES: readonly eks.ClusterLoggingTypes[] = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

/** Retention of the control-plane log group. */
export const DEFAULT_CONTROL_PLANE_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/** Retention of the VPC flow log group (only when the library creates the VPC). */
export const DEFAULT_FLOW_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/**
 * Retention below this many days is accepted but warned about: CIS EKS 2.1.2 and PCI DSS 10.7
 * ask for at least a year of audit history.
 */
export const MIN_RECOMMENDED_LOG_RETENTION_DAYS = 365;

/** The CIDR of the VPC the library creates when none is given. */
export const DEFAULT_VPC_CIDR = '10.0.0.0/16';

/** How many availability zones the library's VPC spans (EKS needs at least two). */
export const DEFAULT_VPC_MAX_AZS = 3;

/** Prefix of every warning the library leaves in a synth. */
export const WARNING_PREFIX = 'cdk-hardened-eks';

/** Ids of the warnings the library emits, one per weakening a user can choose. */
export const WARNINGS = {
  publicEndpoint: `${WARNING_PREFIX}:publicEndpoint`,
  noClusterAdmin: `${WARNING_PREFIX}:noClusterAdmin`,
  deletionProtectionOff: `${WARNING_PREFIX}:deletionProtectionOff`,
  shortLogRetention: `${WARNING_PREFIX}:shortLogRetention`,
  extendedSupport: `${WARNING_PREFIX}:extendedSupport`,
  userVpc: `${WARNING_PREFIX}:userVpc`,
  imdsReachableFromPods: `${WARNING_PREFIX}:imdsReachableFromPods`,
  ssmAccess: `${WARNING_PREFIX}:ssmAccess`,
  kernelLockdownOff: `${WARNING_PREFIX}:kernelLockdownOff`,
  hardenedSysctlOverridden: `${WARNING_PREFIX}:hardenedSysctlOverridden`,
  spotCapacity: `${WARNING_PREFIX}:spotCapacity`,
  bootstrapContainers: `${WARNING_PREFIX}:bootstrapContainers`,
  nodeAutoRepairOff: `${WARNING_PREFIX}:nodeAutoRepairOff`,
  podSecurityBaseline: `${WARNING_PREFIX}:podSecurityBaseline`,
  manyNamespaces: `${WARNING_PREFIX}:manyNamespaces`,
  tokenAutomount: `${WARNING_PREFIX}:tokenAutomount`,
  administratorPermissions: `${WARNING_PREFIX}:administratorPermissions`,
  kubeSystemServiceAccount: `${WARNING_PREFIX}:kubeSystemServiceAccount`,
  unmanagedNamespace: `${WARNING_PREFIX}:unmanagedNamespace`,
  namespaceIngress: `${WARNING_PREFIX}:namespaceIngress`,
  namespaceLoadBalancers: `${WARNING_PREFIX}:namespaceLoadBalancers`,
  namespaceNodePorts: `${WARNING_PREFIX}:namespaceNodePorts`,
  namespaceAdminAccess: `${WARNING_PREFIX}:namespaceAdminAccess`,
  namespaceTolerations: `${WARNING_PREFIX}:namespaceTolerations`,
  auditLogNotShipped: `${WARNING_PREFIX}:auditLogNotShipped`,
  auditDetectionOff: `${WARNING_PREFIX}:auditDetectionOff`,
  standardNetworkPolicyMode: `${WARNING_PREFIX}:standardNetworkPolicyMode`,
  auditObjectLockDisabled: `${WARNING_PREFIX}:auditObjectLockDisabled`,
  unboundedNodePool: `${WARNING_PREFIX}:unboundedNodePool`,
  nodesNeverExpire: `${WARNING_PREFIX}:nodesNeverExpire`,
} as const;

/** Defaults of HardenedNodeGroup (and of the cluster's default node group). */
export const NODE_GROUP_DEFAULTS = {
  x86InstanceType: 'm7i.large',
  arm64InstanceType: 'm7g.large',
  minSize: 2,
  maxSize: 4,
  maxUnavailable: 1,
  /** Bottlerocket's data volume: container images, storage and logs. */
  dataVolumeSize: 50,
} as const;

/** The label and taint key of a node group dedicated to namespaces (HardenedNodeGroup `dedicated`). */
export const DEDICATED_NODE_KEY = 'cdk-hardened-eks.io/dedicated';

/**
 * Taints a pod may always tolerate: the node conditions the API server (DefaultTolerationSeconds)
 * and the DaemonSet controller add tolerations for by themselves.
 */
export const DEFAULT_TOLERATION_KEYS: readonly string[] = [
  'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure',
  'node.kubernetes.io/pid-pressure', 'node.kubernetes.io/unschedulable', 'node.kubernetes.io/network-unavailable',
];

/** Defaults of ClusterStorage. */
export const STORAGE_DEFAULTS = {
  /** The default StorageClass. */
  storageClassName: 'encrypted-gp3',
  /** The service account of the EBS CSI driver's controller (set by the managed add-on). */
  controllerServiceAccount: 'ebs-csi-controller-sa',
} as const;

/** The label every Kubernetes object the library creates carries. */
export const MANAGED_BY_LABEL: Readonly<Record<string, string>> = { 'app.kubernetes.io/managed-by': 'cdk-hardened-eks' };

/** Metadata key the library puts on access entries it grants cluster-wide admin on purpose. */
export const DECLARED_ADMIN_METADATA = 'cdk-hardened-eks:declared-admin';

/** Defaults of HardenedNamespace's ResourceQuota and LimitRange. */
export const NAMESPACE_DEFAULTS = {
  quota: {
    requestsCpu: '4',
    requestsMemory: '8Gi',
    limitsCpu: '8',
    limitsMemory: '16Gi',
    pods: 50,
    persistentVolumeClaims: 10,
    requestsStorage: '100Gi',
    allowLoadBalancers: false,
    allowNodePorts: false,
  },
  containerLimits: {
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
    defaultLimitCpu: '500m',
    defaultLimitMemory: '512Mi',
    maxCpu: '2',
    maxMemory: '4Gi',
  },
};

/** Namespaces per cluster stack above which the template nears CloudFormation's 1 MB limit (measured by npm run bench). */
export const MANY_NAMESPACES = 70;

/** Defaults of AuditLogShipping. */
export const AUDIT_LOG_DEFAULTS = {
  /** Seven years (with two leap days): the longest common audit-retention requirement (SOX, HIPAA documentation). */
  retention: Duration.days(2557),
  /** Firehose buffering before an object is written: whichever comes first. */
  bufferSeconds: 300,
  bufferMiB: 64,
  /**
   * How long an expired (or, after a tampered bucket policy, deleted) object version stays
   * recoverable: time to notice the tampering alarm and restore it.
   */
  undoWindow: Duration.days(30),
  /** The delivery alarm fires when the oldest buffered record is older than this. */
  stalledAfter: Duration.minutes(15),
} as const;

/**
 * The subscription filter pattern that selects Kubernetes audit events (and no other
 * control-plane log lines) in an EKS control-plane log group.
 */
export const AUDIT_EVENTS_PATTERN = '{ $.kind = "Event" }';

/**
 * The policy of an interface endpoint: this account's principals (`principal`: services whose
 * resources AWS owns, such as add-on images in AWS's ECR, public AMIs and parameters); this
 * account's principals to this account's resources (`principal-and-resource`); the principal
 * perimeter plus IRSA's web-identity calls into this account's roles (`principal-and-web-identity`,
 * STS); or the service's default policy (`service-default`, EKS Auth).
 */
export type EndpointPerimeter = 'principal' | 'principal-and-resource' | 'principal-and-web-identity' | 'service-default';

/** One interface endpoint: its construct id, service name and policy. */
export interface InterfaceEndpointSpec {
  readonly id: string;
  readonly service: string;
  readonly perimeter: EndpointPerimeter;
}

/**
 * The interface endpoints a cluster without an internet path needs (construct id, service name),
 * beside an S3 gateway endpoint. Who calls each is in cluster-network.ts.
 */
export const ISOLATED_INTERFACE_ENDPOINT_SERVICES: ReadonlyArray<InterfaceEndpointSpec> = [
  { id: 'Ec2', service: 'ec2', perimeter: 'principal' },
  { id: 'EcrApi', service: 'ecr.api', perimeter: 'principal' },
  { id: 'EcrDocker', service: 'ecr.dkr', perimeter: 'principal' },
  { id: 'Sts', service: 'sts', perimeter: 'principal-and-web-identity' },
  { id: 'Logs', service: 'logs', perimeter: 'principal-and-resource' },
  { id: 'Eks', service: 'eks', perimeter: 'principal-and-resource' },
  { id: 'EksAuth', service: 'eks-auth', perimeter: 'service-default' },
  { id: 'ElasticLoadBalancing', service: 'elasticloadbalancing', perimeter: 'principal-and-resource' },
  { id: 'Lambda', service: 'lambda', perimeter: 'principal-and-resource' },
];

/**
 * Defaults of Karpenter and its node pools. The chart version is Karpenter's newest release; the
 * Bottlerocket version is the newest release announced as published (v1.64.0, 2026-08-05) after
 * the first with Kubernetes 1.36 variants (v1.61.0). Neither was resolved against ECR or SSM here.
 */
export const KARPENTER_DEFAULTS = {
  version: '1.14.1',
  /** Where the `karpenter` and `karpenter-crd` charts live (OCI). */
  chartRepository: 'oci://public.ecr.aws/karpenter',
  namespace: 'kube-system',
  /** Helm release name; the chart names its service account and pods after it. */
  release: 'karpenter',
  serviceAccount: 'karpenter',
  replicas: 2,
  bottlerocketVersion: 'v1.64.0',
  /** Bottlerocket's OS volume (Karpenter's own default for the family). */
  rootVolumeSize: '4Gi',
  /** Bottlerocket's data volume, GiB: as managed node groups. */
  dataVolumeSize: 50,
  limits: { cpu: '64', memory: '256Gi' },
  /** 21 days, as EKS Auto Mode. */
  expireAfter: '504h',
  /** How long a draining node may wait for pods (PodDisruptionBudgets included) before it goes. */
  terminationGracePeriod: '24h',
  consolidateAfter: '1m',
  budgetNodes: '10%',
  instanceCategories: ['c', 'm', 'r'],
  /** Instance generations above this one (5: the sixth generation and newer). */
  instanceGenerationAbove: 5,
  /** Interruption messages are stale after the two-minute spot warning: SQS keeps them 300 s. */
  queueRetentionSeconds: 300,
  /** Receives before an interruption message Karpenter keeps failing on goes to the dead-letter queue. */
  maxReceiveCount: 5,
} as const;

/**
 * Bounds of Karpenter node pools the library holds every NodePool to (options and
 * HardenedEks-KarpenterNodePool): nodes replaced within 90 days, drained within 7 days.
 */
export const KARPENTER_BOUNDS = {
  maxExpireAfterHours: 2160,
  maxTerminationGracePeriodHours: 168,
  /** Shorter lives churn nodes and evict pods for nothing. */
  minExpireAfterHours: 1,
  /** A shorter drain deletes pods before their PodDisruptionBudgets and grace periods can act. */
  minTerminationGracePeriodMinutes: 1,
} as const;

/** The interface endpoints Karpenter adds to a cluster without an internet path (construct id, service name). */
export const KARPENTER_INTERFACE_ENDPOINT_SERVICES: ReadonlyArray<InterfaceEndpointSpec> = [
  { id: 'Sqs', service: 'sqs', perimeter: 'principal-and-resource' },
  { id: 'Ssm', service: 'ssm', perimeter: 'principal' },
];
