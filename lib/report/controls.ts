import { ClusterFacts } from './facts';
import { WARNINGS } from '../private/defaults';

/** How a control stands for an app. */
export type ControlStatus = 'weakened' | 'enforced-by-default' | 'enforced-by-option' | 'user-responsibility' | 'not-applicable';

/** A status and what stands behind it. */
export interface Assessment {
  readonly status: ControlStatus;
  /** The construct, setting or rule that enforces it (or what the user must do). */
  readonly by: string;
}

/** One item of the CIS Amazon EKS Benchmark or the EKS Best Practices security checklist. */
export interface Control {
  readonly id: string;
  readonly source: 'CIS Amazon EKS Benchmark v1.7' | 'EKS Best Practices';
  readonly title: string;
  /** Warnings of the library that explain a weakening of this control (their text goes into the report). */
  readonly weakenedBy?: readonly string[];
  /**
   * Whether the app weakened this control, from what the constructs recorded (so an acknowledged
   * warning does not make a weakening disappear from the report).
   */
  weakened?(facts: ClusterFacts[]): boolean;
  assess(facts: ClusterFacts[]): Assessment;
}

const CIS = 'CIS Amazon EKS Benchmark v1.7' as const;
const BP = 'EKS Best Practices' as const;

const byDefault = (by: string): Assessment => ({ status: 'enforced-by-default', by });
const yours = (by: string): Assessment => ({ status: 'user-responsibility', by });
const ifNodes = (facts: ClusterFacts[], by: string): Assessment =>
  facts.some((f) => f.nodeGroups.length > 0) ? byDefault(by) : { status: 'not-applicable', by: 'no node group in this stack' };
const ifNamespaces = (facts: ClusterFacts[], by: string, otherwise: string): Assessment =>
  facts.some((f) => f.namespaces.length > 0)
    ? byDefault(`${by}; namespaces not added with addNamespace are ${otherwise}`)
    : yours(`no namespace added with addNamespace: ${otherwise}`);

/** The controls the report covers, in report order within a status. */
export const CONTROLS: readonly Control[] = [
  { id: '2.1.1', source: CIS, title: 'Enable audit logs', assess: () => byDefault('HardenedEksCluster: all five control-plane log types; HardenedEks-ControlPlaneLogTypes') },
  {
    id: '2.1.2', source: CIS, title: 'Ensure audit logs are collected and managed', weakenedBy: [WARNINGS.shortLogRetention],
    weakened: (f) => f.some((c) => c.controlPlaneLogRetentionDays < 365),
    assess: () => byDefault('/aws/eks/<name>/cluster created first, KMS-encrypted, one-year retention, retained; HardenedEks-ControlPlaneLogGroup'),
  },
  { id: '3.1.x', source: CIS, title: 'Worker node configuration files', assess: (f) => ifNodes(f, 'Bottlerocket: read-only dm-verity root, files owned by the OS (not checked without a node)') },
  { id: '3.2.1-3.2.6', source: CIS, title: 'Kubelet: anonymous auth, authorization mode, client CA, read-only port, idle timeout, iptables chains', assess: (f) => ifNodes(f, 'EKS and Bottlerocket kubelet defaults, not changed by the library (not checked without a node)') },
  { id: '3.2.7', source: CIS, title: 'Ensure eventRecordQPS is 0 or an adequate level', assess: (f) => ifNodes(f, 'HardenedNodeGroup: settings.kubernetes.event-qps = 50, event-burst = 100') },
  { id: '3.2.8-3.2.9', source: CIS, title: 'Kubelet certificate rotation', assess: (f) => ifNodes(f, 'EKS and Bottlerocket defaults (not checked without a node)') },
  { id: '4.1.1', source: CIS, title: 'Use the cluster-admin role only where required', assess: () => byDefault('access entries only, admins declared; HardenedEks-AccessEntryClusterAdmin, HardenedEks-ManifestRbac (checked when HardenedEksChecks runs)') },
  { id: '4.1.2', source: CIS, title: 'Minimize access to secrets', assess: (f) => ifNamespaces(f, 'namespace Roles: view never reads Secrets, edit never lists or watches them; HardenedEks-ManifestRbac', 'checked by HardenedEks-ManifestRbac only') },
  { id: '4.1.3', source: CIS, title: 'Minimize wildcard use in Roles and ClusterRoles', assess: () => byDefault('the library\'s Roles name verbs and resources; other RBAC: HardenedEks-ManifestRbac (checked when HardenedEksChecks runs)') },
  { id: '4.1.4', source: CIS, title: 'Minimize access to create pods', assess: () => yours('namespace EDIT access may create pods in its namespace; grant it sparingly') },
  {
    id: '4.1.5', source: CIS, title: 'Ensure default service accounts are not actively used',
    assess: (f) => ifNamespaces(f, 'default ServiceAccount without token automount; the admission policies refuse the default service account; HardenedEks-ManifestDefaultNamespace', 'checked by HardenedEks-ManifestDefaultNamespace only'),
  },
  {
    id: '4.1.6', source: CIS, title: 'Ensure service account tokens are only mounted where necessary', weakenedBy: [WARNINGS.tokenAutomount],
    weakened: (f) => f.some((c) => c.serviceAccounts.some((s) => s.automount)),
    assess: () => byDefault('ScopedServiceAccount and namespace default ServiceAccounts: automountServiceAccountToken false; HardenedEks-ManifestServiceAccountAutomount (checked when HardenedEksChecks runs)'),
  },
  { id: '4.1.7', source: CIS, title: 'Avoid use of system:masters', assess: () => byDefault('access entries only, authentication mode API; HardenedEks-AccessEntryClusterAdmin[Entry::SystemMasters], HardenedEks-AccessEntriesOnly') },
  { id: '4.1.8', source: CIS, title: 'Limit use of the bind, impersonate and escalate permissions', assess: () => byDefault('the library\'s Roles never grant them; other RBAC: HardenedEks-ManifestRbac (checked when HardenedEksChecks runs)') },
  {
    id: '4.2.1-4.2.5', source: CIS, title: 'Pod security: privileged, hostPID, hostIPC, hostNetwork, allowPrivilegeEscalation', weakenedBy: [WARNINGS.podSecurityBaseline],
    weakened: (f) => f.some((c) => c.namespaces.some((n) => n.baseline)),
    assess: (f) => ifNamespaces(f, 'HardenedNamespace: Pod Security restricted and the ValidatingAdmissionPolicy (pod templates too); HardenedEks-ManifestPodSecurity', 'checked by HardenedEks-ManifestPodSecurity at synth only'),
  },
  { id: '4.3.1', source: CIS, title: 'Ensure the CNI in use supports network policies', assess: () => byDefault('vpc-cni managed add-on with enableNetworkPolicy') },
  { id: '4.3.2', source: CIS, title: 'Ensure that all namespaces have network policies defined', assess: (f) => ifNamespaces(f, 'HardenedNamespace: default deny in and out, DNS, named openings', 'without network policies of the library') },
  { id: '4.4.1', source: CIS, title: 'Prefer using secrets as files over secrets as environment variables', assess: () => yours('a property of your workloads\' manifests') },
  { id: '4.4.2', source: CIS, title: 'Consider external secret storage', assess: () => yours('for example AWS Secrets Manager with the Secrets Store CSI driver') },
  {
    id: '4.5.1', source: CIS, title: 'Create administrative boundaries between resources using namespaces',
    weakenedBy: [WARNINGS.namespaceAdminAccess, WARNINGS.namespaceTolerations],
    weakened: (f) => f.some((c) => c.namespaceAdminGrants > 0 || c.namespaces.some((n) => n.extraTolerations)),
    assess: (f) => ifNamespaces(f, 'HardenedNamespace per tenant: quota, limits, network policies, Roles', 'without the library\'s boundaries'),
  },
  { id: '4.5.2', source: CIS, title: 'The default namespace should not be used', assess: () => yours('use namespaces of your own (the admission policies are never bound to default); HardenedEks-ManifestDefaultNamespace (checked when HardenedEksChecks runs)') },
  { id: '5.1.1', source: CIS, title: 'Ensure image vulnerability scanning', assess: () => yours('enable ECR scanning (Amazon Inspector) on the repositories the cluster pulls from') },
  { id: '5.1.2', source: CIS, title: 'Minimize user access to Amazon ECR', assess: () => yours('IAM policies of your people and pipelines') },
  { id: '5.1.3', source: CIS, title: 'Minimize cluster access to read-only for Amazon ECR', assess: (f) => ifNodes(f, 'node role: AmazonEC2ContainerRegistryPullOnly only') },
  {
    id: '5.1.4', source: CIS, title: 'Minimize container registries to only those approved',
    assess: (f) => ifNamespaces(f, 'the admission policies allow only the namespace\'s registries (default: its own repositories in the account\'s ECR, plus the cluster\'s shared ones); HardenedEks-ManifestImages', 'checked by HardenedEks-ManifestImages at synth only'),
  },
  { id: '5.2.1', source: CIS, title: 'Prefer using dedicated EKS service accounts', assess: () => byDefault('ScopedServiceAccount: one role per service account, trust to exactly it; HardenedEks-ServiceAccountTrust') },
  {
    id: '5.3.1', source: CIS, title: 'Ensure Kubernetes Secrets are encrypted using KMS customer managed keys',
    assess: (f) => (f.some((c) => c.userSecretsKey) ? { status: 'enforced-by-option', by: 'secretsEncryptionKey of the app' } : byDefault('a rotating customer managed key of the library; HardenedEks-SecretsEncryption')),
  },
  { id: '5.4.1', source: CIS, title: 'Restrict access to the control plane endpoint', weakenedBy: [WARNINGS.publicEndpoint], weakened: (f) => f.some((c) => c.publicEndpoint), assess: () => byDefault('ClusterEndpointAccess.PRIVATE; public only from named CIDRs, never wider than /8; HardenedEks-EndpointPublicUnrestricted') },
  { id: '5.4.2', source: CIS, title: 'Ensure clusters are created with private endpoint enabled and public access disabled', weakenedBy: [WARNINGS.publicEndpoint], weakened: (f) => f.some((c) => c.publicEndpoint), assess: () => byDefault('ClusterEndpointAccess.PRIVATE; HardenedEks-EndpointPublicAccess') },
  {
    id: '5.4.3', source: CIS, title: 'Ensure clusters are created with private nodes',
    assess: (f) => (f.some((c) => c.userVpc)
      ? { status: 'enforced-by-option', by: 'node groups in the private subnets of the app\'s own VPC (its flow logs and default security group are yours: cdk-hardened-eks:userVpc)' }
      : ifNodes(f, 'node groups in private subnets only, no public IPs; control plane ENIs and kubectl handler in private subnets')),
  },
  {
    id: '5.4.4', source: CIS, title: 'Ensure network policy is enabled and set as appropriate', weakenedBy: [WARNINGS.standardNetworkPolicyMode],
    weakened: (f) => f.some((c) => c.networkPolicyMode !== 'strict'),
    assess: (f) => (f.length > 0 && f.every((c) => c.networkPolicyMode === 'strict')
      ? byDefault('vpc-cni NetworkPolicy enforcement in strict mode: a pod has no network until a policy selects it; kube-system policies ' +
        `for CoreDNS and the EBS CSI driver; ${f.some((c) => c.namespaces.length > 0) ? 'HardenedNamespace default deny with named openings; ' : ''}` +
        'HardenedEks-NetworkPolicyEnforcement')
      : ifNamespaces(f, 'vpc-cni NetworkPolicy enforcement and HardenedNamespace default deny', 'without network policies of the library')),
  },
  {
    id: 'Network-exposure', source: BP, title: 'Expose workloads only where intended (externalIPs, LoadBalancer and NodePort Services, ingress)',
    weakenedBy: [WARNINGS.namespaceIngress, WARNINGS.namespaceLoadBalancers, WARNINGS.namespaceNodePorts],
    weakened: (f) => f.some((c) => c.namespaces.some((n) => n.ingress || n.loadBalancers || n.nodePorts)),
    assess: (f) => ifNamespaces(f, 'admission policies refuse Service externalIPs, LoadBalancer and NodePort Services and ingress objects unless the namespace allows them',
      'open to Services of any type and externalIPs'),
  },
  {
    id: 'Network-no-internet', source: BP, title: 'Give the cluster no internet path where the workload requires it',
    assess: (f) => (f.length > 0 && f.every((c) => c.isolatedNetwork)
      ? { status: 'enforced-by-option', by: 'ClusterNetwork.isolated(): isolated subnets only, VPC endpoints with private DNS and perimeter policies; HardenedEks-IsolatedClusterEndpoints' }
      : yours('NAT egress (ClusterNetwork.natEgress(), the default): nodes and pods reach the internet through NAT gateways, limited by NetworkPolicy; ClusterNetwork.isolated() removes the path')),
  },
  { id: '5.4.5', source: CIS, title: 'Encrypt traffic to HTTPS load balancers with TLS certificates', assess: () => yours('Services of type LoadBalancer are blocked by the namespace quota by default; configure TLS on the load balancers you allow') },
  { id: '5.5.1', source: CIS, title: 'Manage Kubernetes RBAC users with AWS IAM', assess: () => byDefault('authentication mode API (access entries only), no creator admin; HardenedEks-AccessEntriesOnly, HardenedEks-CreatorAdminBootstrap') },
  { id: 'IAM-imds', source: BP, title: 'Restrict access to the instance profile assigned to the worker node', weakenedBy: [WARNINGS.imdsReachableFromPods], weakened: (f) => f.some((c) => c.nodeGroups.some((n) => n.imdsFromPods)), assess: (f) => ifNodes(f, 'IMDSv2 required, hop limit 1; HardenedEks-NodegroupImdsv2') },
  { id: 'IAM-cni', source: BP, title: 'Give the VPC CNI its own role, not the node role', assess: () => byDefault('AmazonEKS_CNI_Policy on a Pod Identity role for kube-system/aws-node') },
  { id: 'IAM-pod-roles', source: BP, title: 'Scope IRSA and Pod Identity trust to one service account; least privilege', weakenedBy: [WARNINGS.administratorPermissions, WARNINGS.kubeSystemServiceAccount], assess: () => byDefault('ScopedServiceAccount trust and admin-statement check; HardenedEks-ServiceAccountTrust, HardenedEks-ServiceAccountRoleAdmin') },
  { id: 'IAM-break-glass', source: BP, title: 'Keep a separate, monitored break-glass admin', assess: (f) => (f.some((c) => c.breakGlass) ? { status: 'enforced-by-option', by: 'breakGlassAdminRole' } : yours('set breakGlassAdminRole to keep emergency access apart from daily admins')) },
  { id: 'Runtime-os', source: BP, title: 'Use an OS optimized for running containers', assess: (f) => ifNodes(f, 'Bottlerocket only; HardenedEks-NodegroupBottlerocket') },
  { id: 'Runtime-lockdown', source: BP, title: 'Keep kernel lockdown and SELinux enforcing on nodes', weakenedBy: [WARNINGS.kernelLockdownOff, WARNINGS.hardenedSysctlOverridden], weakened: (f) => f.some((c) => [...c.nodeGroups, ...c.karpenter?.nodePools ?? []].some((n) => n.lockdownOff || n.sysctlOverride)), assess: (f) => ifNodes(f, 'settings.kernel.lockdown integrity, CIS Bottlerocket sysctls; HardenedEks-BottlerocketUserData') },
  { id: 'Infra-access', source: BP, title: 'Minimize access to worker nodes', weakenedBy: [WARNINGS.ssmAccess, WARNINGS.bootstrapContainers], weakened: (f) => f.some((c) => c.nodeGroups.some((n) => n.ssm || n.bootstrapContainers) || (c.karpenter?.nodePools ?? []).some((n) => n.bootstrapContainers)), assess: (f) => ifNodes(f, 'no SSH, admin container off, control container off; HardenedEks-NodegroupNoRemoteAccess') },
  { id: 'Data-volumes', source: BP, title: 'Encrypt node volumes at rest', assess: (f) => ifNodes(f, 'gp3 volumes encrypted with the cluster\'s node volume key; HardenedEks-NodegroupEncryptedVolumes') },
  {
    id: 'Data-persistent-volumes', source: BP, title: 'Encrypt persistent volumes with a customer managed key',
    assess: (f) => {
      if (f.some((c) => c.storage === 'default')) {
        return byDefault('ClusterStorage: one default StorageClass encrypted-gp3 (EBS CSI, gp3, encrypted with its own rotating key, reclaim policy Retain); HardenedEks-ManifestStorageClass');
      }
      if (f.some((c) => c.storage === 'own-key')) { return { status: 'enforced-by-option', by: 'ClusterStorage: StorageClass encrypted-gp3 with your volumeKey; HardenedEks-ManifestStorageClass' }; }
      return yours('storage is false: StorageClasses are yours; HardenedEks-ManifestStorageClass reports those in the app that do not encrypt with a key of your own');
    },
  },
  {
    id: 'Detective-audit-archive', source: BP, title: 'Keep audit logs out of reach of the cluster\'s account', weakenedBy: [WARNINGS.auditLogNotShipped, WARNINGS.auditObjectLockDisabled],
    weakened: (f) => f.some((c) => c.auditShipping === 'off' || c.auditObjectLock === 'DISABLED'),
    assess: (f) => {
      const c = f.find((x) => x.auditShipping !== 'off') ?? f[0];
      if (!c || c.auditShipping === 'off') { return yours('auditLogShipping is false: audit events stay in the control-plane log group only'); }
      if (c.auditShipping === 'existing-bucket') { return { status: 'enforced-by-option', by: 'AuditLogShipping: Firehose to your existing (log-archive) bucket and key' }; }
      if (c.auditShipping === 'logs-destination') { return { status: 'enforced-by-option', by: 'AuditLogShipping: subscription to a CloudWatch Logs destination in another account' }; }
      const lock = c.auditObjectLock === undefined ? 'Object Lock enabled (no default retention)'
        : c.auditObjectLock === 'DISABLED' ? 'no Object Lock' : `Object Lock ${c.auditObjectLock}`;
      return byDefault('AuditLogShipping: Firehose (CMK) to S3 (SSE-KMS CMK, versioned, deletes denied, TLS only, access logged to a CMK-encrypted bucket, ' +
        `object events to EventBridge), ${c.auditRetentionDays} days, ${lock}; HardenedEks-AuditLogShipped`);
    },
  },
  {
    id: 'Detective-audit-alarms', source: BP, title: 'Alarm on suspicious audit events', weakenedBy: [WARNINGS.auditDetectionOff],
    weakened: (f) => f.some((c) => c.auditDetectionsOff.length > 0),
    assess: (f) => byDefault(`AuditDetections: ${[...new Set(f.flatMap((c) => c.auditDetections))].join(', ')}` +
      `${f.some((c) => !c.auditDetectionsOff.includes('evidenceTampering')) ? ', evidence tampering (CloudTrail)' : ''}; ` +
      `${f.some((c) => c.auditOwnTopic) ? 'alarms to your SNS topic' : 'alarms to a KMS-encrypted SNS topic'}`),
  },
  {
    id: 'Detective-guardduty', source: BP, title: 'Turn on GuardDuty EKS Protection (audit log and runtime monitoring)',
    assess: (f) => f.some((c) => c.guardDuty)
      ? { status: 'enforced-by-option', by: `GuardDutyEksProtection: EKS_AUDIT_LOGS and RUNTIME_MONITORING with EKS_ADDON_MANAGEMENT on ${f.some((c) => c.guardDuty === 'existing-detector') ? 'the existing detector' : 'a new detector'}` }
      : yours('set guardDuty: GuardDutyDetector.create(), or GuardDutyDetector.existing(id) where the account already has a detector'),
  },
  {
    id: 'Nodes-autoscaled', source: BP, title: 'Give autoscaled nodes the same hardening as managed ones',
    assess: (f) => (f.some((c) => c.karpenter)
      ? { status: 'enforced-by-option', by: 'addKarpenter: EC2NodeClass with Bottlerocket pinned, IMDSv2 hop limit 1, volumes encrypted with the node volume key, the node groups\' ' +
        'Bottlerocket settings; controller on Pod Identity with a tag-scoped policy and no instance profile writes; HardenedEks-KarpenterNodeClass' }
      : { status: 'not-applicable', by: 'no Karpenter in this stack' }),
  },
  {
    id: 'Nodes-autoscaling-bounds', source: BP, title: 'Bound node autoscaling and rotate nodes', weakenedBy: [WARNINGS.unboundedNodePool, WARNINGS.nodesNeverExpire],
    weakened: (f) => f.some((c) => (c.karpenter?.nodePools ?? []).some((p) => p.unlimited || p.neverExpire)),
    assess: (f) => (f.some((c) => c.karpenter)
      ? { status: 'enforced-by-option', by: 'KarpenterNodePool: cpu and memory limits, expireAfter 21 days with a 24-hour termination grace period, disruption budgets; HardenedEks-KarpenterNodePool' }
      : { status: 'not-applicable', by: 'no Karpenter in this stack' }),
  },
  { id: 'Infra-versions', source: BP, title: 'Stay on supported Kubernetes versions', weakenedBy: [WARNINGS.extendedSupport], weakened: (f) => f.some((c) => c.extendedSupport), assess: () => byDefault('upgrade policy STANDARD; versions past support refused') },
  { id: 'Availability-deletion', source: BP, title: 'Protect the cluster from accidental deletion', weakenedBy: [WARNINGS.deletionProtectionOff], weakened: (f) => f.some((c) => !c.deletionProtection), assess: () => byDefault('deletion protection on, cluster retained; HardenedEks-DeletionProtection') },
];
