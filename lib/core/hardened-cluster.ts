import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

/**
 * What node groups, service accounts and namespaces need of the cluster they belong to.
 * `HardenedEksCluster` implements it; the layers below the cluster depend only on this interface,
 * so the cluster sits on top and new layers plug in the same way.
 */
export interface IHardenedCluster extends IConstruct {
  /** The underlying aws-eks-v2 cluster. */
  readonly cluster: eks.Cluster;

  /** The cluster's name. */
  readonly clusterName: string;

  /** The cluster's Kubernetes minor version, for example '1.36'. */
  readonly kubernetesVersion: string;

  /** The customer managed key that encrypts the EBS volumes of the cluster's nodes. */
  readonly nodeVolumeKey: kms.IKey;

  /** The cluster's IAM OIDC provider, for IRSA. */
  readonly openIdConnectProvider: iam.IOidcProvider;

  /**
   * Repository prefixes in the account's regional ECR registry that every namespace may pull from
   * beside its own (`<registry>/<namespace>/...`), for example `base-images`.
   */
  readonly sharedImageRepositories: string[];
}

/**
 * Nodes a namespace can be bound to (`addNamespace(name, { nodeGroups: [...] })`): a
 * HardenedNodeGroup or a KarpenterNodePool created with `dedicated`.
 */
export interface IDedicatedNodes extends IConstruct {
  /**
   * The value of the `cdk-hardened-eks.io/dedicated` label and NoSchedule taint the nodes carry,
   * or undefined when they are not dedicated to namespaces.
   */
  readonly dedicated?: string;
}
