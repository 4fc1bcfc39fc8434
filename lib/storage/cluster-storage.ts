import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { IHardenedCluster } from '../core/hardened-cluster';
import { podIdentityPrincipal } from '../identity/scoped-service-account';
import { applyAcknowledgements, ebsCsiRoleAcknowledgements } from '../nag/acknowledgements';
import { MANAGED_BY_LABEL, STORAGE_DEFAULTS } from '../private/defaults';
import { factsOf } from '../report/facts';
import { createLibraryKey } from '../private/key-policy';

/**
 * Options of the cluster's persistent storage.
 */
export interface ClusterStorageOptions {
  /**
   * Customer managed key that encrypts every volume the default StorageClass provisions. For a
   * key of your own, its key policy must let IAM policies of this account grant its use (the
   * driver's role gets the permissions through an IAM policy), and rotation and retention are
   * yours to ensure.
   *
   * @default - a new key of its own (not the node volume key), rotation on, retained on stack deletion
   */
  readonly volumeKey?: kms.IKey;

  /**
   * Version of the `aws-ebs-csi-driver` managed add-on, for example `v1.45.0-eksbuild.1`.
   *
   * @default - the default version EKS picks for the cluster's Kubernetes version at create time
   */
  readonly ebsCsiAddonVersion?: string;
}

/**
 * Properties of ClusterStorage.
 */
export interface ClusterStorageProps extends ClusterStorageOptions {
  /** The cluster. */
  readonly cluster: IHardenedCluster;
}

/** The default StorageClass as a Kubernetes object. Pure. */
export function renderStorageClass(options: { name: string; kmsKeyId: string }): Record<string, unknown> {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: options.name,
      labels: { ...MANAGED_BY_LABEL },
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: 'ebs.csi.aws.com',
    parameters: {
      'type': 'gp3',
      'encrypted': 'true',
      'kmsKeyId': options.kmsKeyId,
      'csi.storage.k8s.io/fstype': 'ext4',
    },
    // A volume is created in the zone of the node its first pod lands on, not in a zone of its own.
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
    // Deleting a claim, by mistake or by a tenant, leaves the volume and its data in place.
    reclaimPolicy: 'Retain',
  };
}

/**
 * Persistent volumes encrypted with a customer managed key: the `aws-ebs-csi-driver` managed
 * add-on, whose controller gets its AWS permissions through EKS Pod Identity (the AWS managed
 * AmazonEBSCSIDriverPolicy plus exactly the KMS permissions EBS needs on the volume key), and one
 * default StorageClass `encrypted-gp3` (gp3, encrypted with that key, WaitForFirstConsumer,
 * expansion allowed, reclaim policy Retain).
 *
 * HardenedEksCluster creates it unless `storage` is false.
 */
export class ClusterStorage extends Construct {
  /** The key that encrypts the volumes of the default StorageClass. */
  public readonly volumeKey: kms.IKey;

  /** The role of the EBS CSI controller (kube-system/ebs-csi-controller-sa), through Pod Identity. */
  public readonly driverRole: iam.IRole;

  /** The `aws-ebs-csi-driver` managed add-on. */
  public readonly addon: eks.Addon;

  /** The KubernetesManifest that applies the default StorageClass. */
  public readonly storageClassManifest: eks.KubernetesManifest;

  /** Name of the default StorageClass. */
  public readonly storageClassName: string = STORAGE_DEFAULTS.storageClassName;

  constructor(scope: Construct, id: string, props: ClusterStorageProps) {
    super(scope, id);
    const cluster = props.cluster;
    const stack = Stack.of(this);

    this.volumeKey = props.volumeKey ?? createLibraryKey(this, 'VolumeKey', `Encrypts the persistent volumes (EBS CSI driver) of EKS cluster ${cluster.clusterName}`);

    const serviceAccount = STORAGE_DEFAULTS.controllerServiceAccount;
    const role = new iam.Role(this, 'DriverRole', {
      description: `EBS CSI controller (kube-system/${serviceAccount}) of EKS cluster ${cluster.clusterName}, through EKS Pod Identity`,
      assumedBy: podIdentityPrincipal(this, cluster.clusterName, 'kube-system', serviceAccount),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEBSCSIDriverPolicy')],
    });
    // EBS calls KMS on the driver's behalf when it creates, attaches and copies volumes: grants for
    // AWS resources only, and key use only through EC2 in this region.
    new iam.ManagedPolicy(this, 'VolumeKeyPolicy', {
      description: `Use of the persistent volume key through EBS, for the EBS CSI controller of ${cluster.clusterName}`,
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'GrantsForEbsOnly',
          actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
          resources: [this.volumeKey.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
        new iam.PolicyStatement({
          sid: 'KeyUseThroughEc2',
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
          resources: [this.volumeKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `ec2.${stack.region}.${stack.urlSuffix}` } },
        }),
      ],
    });
    this.driverRole = role;

    this.addon = new eks.Addon(this, 'EbsCsiDriverAddon', {
      cluster: cluster.cluster,
      addonName: 'aws-ebs-csi-driver',
      addonVersion: props.ebsCsiAddonVersion,
    });
    const cfnAddon = this.addon.node.defaultChild as eks.CfnAddon;
    cfnAddon.podIdentityAssociations = [{ serviceAccount, roleArn: role.roleArn }];
    if (cluster.cluster.eksPodIdentityAgent) { this.addon.node.addDependency(cluster.cluster.eksPodIdentityAgent); }

    this.storageClassManifest = new eks.KubernetesManifest(this, 'StorageClass', {
      cluster: cluster.cluster,
      manifest: [renderStorageClass({ name: this.storageClassName, kmsKeyId: this.volumeKey.keyArn })],
      overwrite: true,
      prune: false,
    });

    applyAcknowledgements(ebsCsiRoleAcknowledgements(role));
    factsOf(cluster).storage = props.volumeKey ? 'own-key' : 'default';
  }
}
