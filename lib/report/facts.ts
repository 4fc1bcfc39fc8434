import { IConstruct } from 'constructs';

/**
 * What a HardenedEksCluster knows about its own hardening, recorded as the app builds it, for the
 * compliance report. Not public API: the constructs write it, the report reads it.
 */
export interface ClusterFacts {
  clusterName: string;
  publicEndpoint: boolean;
  userSecretsKey: boolean;
  userVpc: boolean;
  controlPlaneLogRetentionDays: number;
  deletionProtection: boolean;
  extendedSupport: boolean;
  networkPolicyMode: string;
  isolatedNetwork: boolean;
  clusterAdmins: number;
  breakGlass: boolean;
  nodeGroups: Array<{ path: string; imdsFromPods: boolean; ssm: boolean; lockdownOff: boolean; sysctlOverride: boolean; bootstrapContainers: boolean }>;
  namespaces: Array<{ name: string; baseline: boolean; requireDigests: boolean; ingress: boolean; loadBalancers: boolean; nodePorts: boolean; extraTolerations: boolean }>;
  serviceAccounts: Array<{ ref: string; identity: string; automount: boolean }>;
  namespaceGrants: number;
  /** Namespace grants at the ADMIN level. */
  namespaceAdminGrants: number;
  /** Where audit events are shipped: a bucket of this stack, an existing bucket, a CloudWatch Logs destination, or nowhere. */
  auditShipping: 'stack-bucket' | 'existing-bucket' | 'logs-destination' | 'off';
  auditRetentionDays?: number;
  auditObjectLock?: string;
  auditDetections: string[];
  auditDetectionsOff: string[];
  /** The alarms notify a topic the user passed (its encryption is theirs). */
  auditOwnTopic: boolean;
  guardDuty?: 'new-detector' | 'existing-detector';
  /** Persistent volumes: the library's encrypted StorageClass with its own key, with the app's key, or none. */
  storage: 'default' | 'own-key' | 'off';
  /** Karpenter, when added: what each node pool weakens. */
  karpenter?: {
    nodePools: Array<{ unlimited: boolean; neverExpire: boolean; lockdownOff: boolean; sysctlOverride: boolean; bootstrapContainers: boolean }>;
  };
}

const FACTS = new WeakMap<IConstruct, ClusterFacts>();

/** The facts of a cluster, created empty on first use. */
export function factsOf(cluster: IConstruct, clusterName?: string): ClusterFacts {
  let facts = FACTS.get(cluster);
  if (!facts) {
    facts = {
      clusterName: clusterName ?? cluster.node.path,
      publicEndpoint: false,
      userSecretsKey: false,
      userVpc: false,
      controlPlaneLogRetentionDays: 365,
      deletionProtection: true,
      extendedSupport: false,
      networkPolicyMode: 'strict',
      isolatedNetwork: false,
      clusterAdmins: 0,
      breakGlass: false,
      nodeGroups: [],
      namespaces: [],
      serviceAccounts: [],
      namespaceGrants: 0,
      namespaceAdminGrants: 0,
      auditShipping: 'stack-bucket',
      auditDetections: [],
      auditDetectionsOff: [],
      auditOwnTopic: false,
      storage: 'off',
    };
    FACTS.set(cluster, facts);
  }
  return facts;
}

/** Whether facts were recorded for a construct (it is a HardenedEksCluster). */
export function hasFacts(construct: IConstruct): boolean {
  return FACTS.has(construct);
}
