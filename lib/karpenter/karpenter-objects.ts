import { awsApiClientEgress, networkPolicy } from '../manifests/namespace-objects';
import { MANAGED_BY_LABEL } from '../private/defaults';

/**
 * The Kubernetes objects of Karpenter the library writes, as pure render functions: an
 * EC2NodeClass and a NodePool per node pool, and the controller's NetworkPolicy. Field names are
 * Karpenter v1's (`karpenter.k8s.aws/v1`, `karpenter.sh/v1`).
 */

/** API group and version of EC2NodeClass. */
export const EC2_NODE_CLASS_API = 'karpenter.k8s.aws/v1';
/** API group and version of NodePool. */
export const NODE_POOL_API = 'karpenter.sh/v1';

/** Well-known label keys Karpenter schedules on. */
export const KARPENTER_LABELS = {
  arch: 'kubernetes.io/arch',
  os: 'kubernetes.io/os',
  capacityType: 'karpenter.sh/capacity-type',
  nodePool: 'karpenter.sh/nodepool',
  hypervisor: 'karpenter.k8s.aws/instance-hypervisor',
  category: 'karpenter.k8s.aws/instance-category',
  generation: 'karpenter.k8s.aws/instance-generation',
} as const;

/** One block device of an EC2NodeClass. */
export interface NodeClassVolume {
  readonly deviceName: string;
  /** A Kubernetes quantity, for example '50Gi'. */
  readonly volumeSize: string;
}

/** What an EC2NodeClass is rendered from. */
export interface NodeClassRenderOptions {
  readonly name: string;
  /** Name of the instance profile the nodes launch with (pre-created: the controller creates none). */
  readonly instanceProfile: string;
  /** The Bottlerocket alias, for example 'bottlerocket@v1.51.0'. */
  readonly amiAlias: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /** ARN of the key that encrypts both volumes. */
  readonly volumeKeyArn: string;
  readonly volumes: NodeClassVolume[];
  /** Bottlerocket settings as TOML. */
  readonly userData: string;
  readonly detailedMonitoring: boolean;
  readonly tags: Record<string, string>;
}

/** An EC2NodeClass: Bottlerocket pinned, IMDSv2 with hop limit 1, CMK-encrypted volumes. */
export function renderEc2NodeClass(o: NodeClassRenderOptions): Record<string, unknown> {
  return {
    apiVersion: EC2_NODE_CLASS_API,
    kind: 'EC2NodeClass',
    metadata: { name: o.name, labels: { ...MANAGED_BY_LABEL } },
    spec: {
      instanceProfile: o.instanceProfile,
      amiSelectorTerms: [{ alias: o.amiAlias }],
      subnetSelectorTerms: o.subnetIds.map((id) => ({ id })),
      securityGroupSelectorTerms: o.securityGroupIds.map((id) => ({ id })),
      associatePublicIPAddress: false,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpProtocolIPv6: 'disabled',
        httpPutResponseHopLimit: 1,
        httpTokens: 'required',
      },
      blockDeviceMappings: o.volumes.map((v) => ({
        deviceName: v.deviceName,
        ebs: {
          volumeSize: v.volumeSize,
          volumeType: 'gp3',
          encrypted: true,
          kmsKeyID: o.volumeKeyArn,
          deleteOnTermination: true,
        },
      })),
      detailedMonitoring: o.detailedMonitoring,
      userData: o.userData,
      ...(Object.keys(o.tags).length > 0 ? { tags: o.tags } : {}),
    },
  };
}

/** A node selector requirement, as Karpenter reads it. */
export interface RequirementObject {
  readonly key: string;
  readonly operator: string;
  readonly values?: string[];
  readonly minValues?: number;
}

/** A taint, as Kubernetes spells it. */
export interface TaintObject {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

/** A disruption budget, as Karpenter spells it. */
export interface BudgetObject {
  readonly nodes: string;
  readonly schedule?: string;
  readonly duration?: string;
  readonly reasons?: string[];
}

/** What a NodePool is rendered from. */
export interface NodePoolRenderOptions {
  readonly name: string;
  readonly nodeClassName: string;
  readonly labels: Record<string, string>;
  readonly requirements: RequirementObject[];
  readonly taints: TaintObject[];
  readonly startupTaints: TaintObject[];
  readonly expireAfter: string;
  readonly terminationGracePeriod: string;
  /** undefined: no limits (an explicit choice of the user). */
  readonly limits?: Record<string, string>;
  readonly consolidationPolicy: string;
  readonly consolidateAfter: string;
  readonly budgets: BudgetObject[];
  readonly weight?: number;
}

/** A NodePool bound to its EC2NodeClass. */
export function renderNodePool(o: NodePoolRenderOptions): Record<string, unknown> {
  return {
    apiVersion: NODE_POOL_API,
    kind: 'NodePool',
    metadata: { name: o.name, labels: { ...MANAGED_BY_LABEL } },
    spec: {
      template: {
        ...(Object.keys(o.labels).length > 0 ? { metadata: { labels: o.labels } } : {}),
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: o.nodeClassName },
          requirements: o.requirements,
          ...(o.taints.length > 0 ? { taints: o.taints } : {}),
          ...(o.startupTaints.length > 0 ? { startupTaints: o.startupTaints } : {}),
          expireAfter: o.expireAfter,
          terminationGracePeriod: o.terminationGracePeriod,
        },
      },
      disruption: {
        consolidationPolicy: o.consolidationPolicy,
        consolidateAfter: o.consolidateAfter,
        budgets: o.budgets,
      },
      ...(o.limits ? { limits: o.limits } : {}),
      ...(o.weight !== undefined ? { weight: o.weight } : {}),
    },
  };
}

/** Name of the controller's NetworkPolicy in kube-system. */
export const KARPENTER_NETWORK_POLICY_NAME = 'cdk-hardened-eks-karpenter';

/**
 * The controller's NetworkPolicy (strict mode gives an unselected pod no network): out to AWS APIs
 * and the API server on 443 (EC2, SQS, SSM, pricing, EKS; the API server at the `kubernetes`
 * Service's address), to the Pod Identity agent for credentials and to CoreDNS; nothing in (the
 * chart runs no webhook, and kubelet probes are always admitted).
 */
export function renderKarpenterNetworkPolicy(namespace: string, podLabels: Record<string, string>): Record<string, unknown> {
  return networkPolicy(namespace, KARPENTER_NETWORK_POLICY_NAME, {
    podSelector: { matchLabels: podLabels },
    policyTypes: ['Ingress', 'Egress'],
    egress: awsApiClientEgress(),
  });
}
