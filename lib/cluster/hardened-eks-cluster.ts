import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { Annotations, CfnResource, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createManagedAddons } from './addons';
import { admitToEndpoints, checkNetwork, ClusterNetwork, createIsolatedEndpoints, createKarpenterEndpoints, IsolatedEndpoints } from './cluster-network';
import { ClusterEndpointAccess } from './endpoint-access';
import { createKubectlHandlerRole, createKubectlSecurityGroup, hardenKubectlProvider, refuseChartAssets } from './kubectl-provider';
import { createHardenedVpc, placeDefaultSecurityGroupCleanupInVpc } from './network';
import { NetworkPolicyEnforcingMode } from './network-policy-mode';
import { createNodeVolumeKey } from './node-volume-key';
import { UpgradeSupportType } from './upgrade-support';
import {
  checkAddonVersion, checkClusterName, checkPublicCidrs, checkRetention, checkStrictModeVersion, checkVersionAndLayer, checkVpc,
} from './validation';
import { warnAboutWeakenings } from './weakenings';
import { IHardenedCluster } from '../core/hardened-cluster';
import { AuditDetections, AuditDetectionsOptions, checkAuditDetectionsOptions } from '../logging/audit-detections';
import { AuditLogOptions, AuditLogShipping } from '../logging/audit-log-shipping';
import { checkAuditLogOptions } from '../logging/audit-validation';
import { createEncryptedLogGroup } from '../logging/encrypted-log-group';
import { GuardDutyDetector, GuardDutyEksProtection } from '../logging/guardduty';
import {
  applyAcknowledgements, cloudFormationValidatorAcknowledgements, clusterPlumbingAcknowledgements, cniRoleAcknowledgements,
  natRouteAcknowledgements,
} from '../nag/acknowledgements';
import { namespaceAccessPolicy, NamespaceAccessLevel } from '../identity/access';
import { ScopedServiceAccount, ScopedServiceAccountOptions, ServiceAccountIdentity } from '../identity/scoped-service-account';
import { renderAdmissionPolicies } from '../manifests/admission-policy';
import { HardenedNamespace, HardenedNamespaceOptions } from '../manifests/hardened-namespace';
import { namespaceGroup } from '../manifests/namespace-objects';
import { Karpenter, KarpenterOptions } from '../karpenter/karpenter';
import { renderSystemNetworkPolicies, vpcResolverCidrs } from '../manifests/system-network-policies';
import { HardenedNodeGroup, HardenedNodeGroupOptions } from '../nodes/hardened-node-group';
import { ClusterStorage, ClusterStorageOptions } from '../storage/cluster-storage';
import { isDns1123Label, stableHash } from '../private/names';
import { factsOf } from '../report/facts';
import { attachReport } from '../report/hardening-report';
import {
  BUNDLED_KUBECTL_MINOR, CONTROL_PLANE_LOG_TYPES, DECLARED_ADMIN_METADATA, DEFAULT_CONTROL_PLANE_LOG_RETENTION,
  DEFAULT_FLOW_LOG_RETENTION, DEFAULT_KUBERNETES_VERSION, DEFAULT_VPC_CIDR, MANY_NAMESPACES, WARNINGS,
} from '../private/defaults';
import { HardenedEksValidationError, PropProblems } from '../private/errors';
import { createLibraryKey } from '../private/key-policy';

/**
 * Properties of a HardenedEksCluster. Every one is optional; the defaults are the hardened choice.
 */
export interface HardenedEksClusterProps {
  /**
   * Name of the EKS cluster. The control-plane log group `/aws/eks/<clusterName>/cluster` is
   * created before the cluster, so the name must be known at synth time.
   *
   * @default - derived from the construct path: stable across synths, unique in the account
   */
  readonly clusterName?: string;

  /**
   * Kubernetes version of the control plane. Versions past EKS extended support (1.30 and older)
   * are refused; versions past standard support (1.31 to 1.33 as of this release) need
   * `upgradeSupport: UpgradeSupportType.EXTENDED`; any version but 1.36 needs `kubectlLayer`.
   *
   * @default KubernetesVersion.V1_36
   */
  readonly version?: eks.KubernetesVersion;

  /**
   * Lambda layer with `kubectl` and `helm` for the kubectl provider. kubectl must be within one
   * minor version of the cluster: pass the matching `@aws-cdk/lambda-layer-kubectl-vNN` layer when
   * you choose a version other than 1.36.
   *
   * @default - the bundled KubectlV36Layer (kubectl 1.36)
   */
  readonly kubectlLayer?: lambda.ILayerVersion;

  /**
   * The VPC to run the cluster in. It must have private subnets (with egress; with
   * `ClusterNetwork.isolated()`, isolated subnets and nothing else) in at least two availability
   * zones: the control plane's network interfaces, the nodes and the kubectl handler are placed
   * only there. Flow logs and the default security group of a VPC you bring stay your
   * responsibility, and the warning `cdk-hardened-eks:userVpc` says so.
   *
   * @default - a new VPC over up to three availability zones (two in an environment-agnostic
   * stack): private subnets for everything, public
   * subnets only for NAT gateways (none with `ClusterNetwork.isolated()`), flow logs for ALL traffic into a KMS-encrypted log group, and a
   * default security group without rules
   */
  readonly vpc?: ec2.IVpc;

  /**
   * How the VPC reaches AWS services: through NAT gateways, or with no internet path at all
   * (`ClusterNetwork.isolated()`: isolated subnets and VPC endpoints for everything the cluster
   * calls). With `vpc`, isolated needs a VPC whose subnets are all isolated.
   *
   * @default ClusterNetwork.natEgress()
   */
  readonly network?: ClusterNetwork;

  /**
   * Retention of the flow log group of the VPC the library creates. Only valid without `vpc`.
   * Less than one year leaves the warning `cdk-hardened-eks:shortLogRetention`.
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * Who can reach the Kubernetes API endpoint.
   *
   * @default ClusterEndpointAccess.PRIVATE
   */
  readonly endpointAccess?: ClusterEndpointAccess;

  /**
   * Retention of the control-plane log group. Less than one year leaves the warning
   * `cdk-hardened-eks:shortLogRetention`; INFINITE is rejected (an unmanaged log group).
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly controlPlaneLogRetention?: logs.RetentionDays;

  /**
   * Customer managed KMS key for envelope encryption of Kubernetes Secrets. A key defined in the
   * app must have rotation on (else the synth fails); for an imported key, rotation and retention
   * are yours to ensure.
   *
   * @default - a new key with rotation on, retained on stack deletion
   */
  readonly secretsEncryptionKey?: kms.IKey;

  /**
   * IAM roles that get cluster-admin access through an EKS access entry with the
   * AmazonEKSClusterAdminPolicy. The identity that deploys the stack gets no access of its own.
   *
   * @default - none: only the kubectl provider can reach the cluster, and a warning says so
   */
  readonly clusterAdmins?: iam.IRole[];

  /**
   * A break-glass IAM role with cluster-admin access, for emergencies. Kept apart from
   * `clusterAdmins` so that its use can be singled out by audit-log alarms
   * (`breakGlassAdminRole` is exposed for them).
   *
   * @default - none
   */
  readonly breakGlassAdminRole?: iam.IRole;

  /**
   * Whether EKS refuses to delete the cluster until the protection is turned off.
   * Turning it off leaves the warning `cdk-hardened-eks:deletionProtectionOff`.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * The support period the cluster's upgrade policy allows.
   *
   * @default UpgradeSupportType.STANDARD
   */
  readonly upgradeSupport?: UpgradeSupportType;

  /**
   * Whether the cluster gets a default node group (a HardenedNodeGroup with id
   * `DefaultNodeGroup`), so pods have somewhere to run. Add more with `addNodeGroup`.
   *
   * @default true
   */
  readonly defaultNodeGroup?: boolean;

  /**
   * Options of the default node group (size, instance types, labels, ...). Only valid when
   * `defaultNodeGroup` is not false.
   *
   * @default - two to four m7i.large on-demand nodes
   */
  readonly defaultNodeGroupOptions?: HardenedNodeGroupOptions;

  /**
   * Version of the `vpc-cni` managed add-on, for example `v1.20.4-eksbuild.1`.
   *
   * @default - the default version EKS picks for the cluster's Kubernetes version at create time
   */
  readonly vpcCniAddonVersion?: string;

  /**
   * When the VPC CNI starts enforcing NetworkPolicies on a new pod. In STRICT mode a pod has no
   * network until the policies that select it are in place, and a pod no policy selects has none
   * at all: namespaces added with `addNamespace` have their policies, and the library adds
   * kube-system policies for CoreDNS and the EBS CSI driver; pods of any other namespace (and
   * other kube-system components) need NetworkPolicies of your own. STANDARD lets new pods talk
   * freely until their policies arrive, and leaves the warning
   * `cdk-hardened-eks:standardNetworkPolicyMode`. Strict mode needs vpc-cni v1.17.1 or later.
   *
   * @default NetworkPolicyEnforcingMode.STRICT
   */
  readonly networkPolicyEnforcingMode?: NetworkPolicyEnforcingMode;

  /**
   * Version of the `coredns` managed add-on.
   *
   * @default - the default version EKS picks for the cluster's Kubernetes version at create time
   */
  readonly coreDnsAddonVersion?: string;

  /**
   * Version of the `kube-proxy` managed add-on.
   *
   * @default - the default version EKS picks for the cluster's Kubernetes version at create time
   */
  readonly kubeProxyAddonVersion?: string;

  /**
   * Version of the `eks-pod-identity-agent` managed add-on.
   *
   * @default - the default version EKS picks for the cluster's Kubernetes version at create time
   */
  readonly podIdentityAgentAddonVersion?: string;

  /**
   * Repository prefixes in the account's regional ECR registry that every namespace may pull
   * images from beside its own repositories (`<registry>/<namespace>/...`), for example
   * `['base-images']`. A namespace's `allowedImageRegistries` replaces both.
   *
   * @default - none: each namespace pulls only from its own repositories
   */
  readonly sharedImageRepositories?: string[];

  /**
   * Whether the cluster gets persistent storage: the `aws-ebs-csi-driver` managed add-on with its
   * own Pod Identity role, and one default StorageClass `encrypted-gp3` that encrypts every volume
   * with a customer managed key of its own. Namespaces still allow `persistentVolumeClaim`
   * volumes only when they name them in `additionalVolumeTypes`.
   *
   * @default true
   */
  readonly storage?: boolean;

  /**
   * Options of the persistent storage (the volume key, the add-on version). Only valid when
   * `storage` is not false.
   *
   * @default - a new volume key, the add-on at EKS's default version
   */
  readonly storageOptions?: ClusterStorageOptions;

  /**
   * Ship the audit events of the control-plane log group out of CloudWatch Logs (to S3 through
   * Firehose by default). Turning it off leaves the warning `cdk-hardened-eks:auditLogNotShipped`.
   *
   * @default true
   */
  readonly auditLogShipping?: boolean;

  /**
   * Where shipped audit events go and how long they are kept. Only valid when `auditLogShipping`
   * is not false.
   *
   * @default - a bucket in this stack, seven years, no Object Lock
   */
  readonly auditLog?: AuditLogOptions;

  /**
   * The alarms on risky audit events, each of which can be tuned or turned off.
   *
   * @default - all detections on, notifying a new encrypted SNS topic
   */
  readonly auditDetections?: AuditDetectionsOptions;

  /**
   * Turn on GuardDuty EKS Protection (audit log monitoring, and runtime monitoring with the agent
   * managed by GuardDuty), on a new detector or on the account's existing one. A detector is per
   * account and region: if one exists, pass `GuardDutyDetector.existing(id)`.
   *
   * @default - GuardDuty is not configured by the cluster
   */
  readonly guardDuty?: GuardDutyDetector;
}

/**
 * An Amazon EKS cluster hardened at the AWS layer, on aws-cdk-lib's aws-eks-v2 `Cluster`.
 *
 * What it does by default:
 *
 * - private API endpoint; public access only from named CIDRs, with a warning;
 * - all five control-plane log types into `/aws/eks/<name>/cluster`, created by the stack before
 *   the cluster: KMS-encrypted with a key only CloudWatch Logs may use for that group, one year
 *   retention, retained on delete;
 * - envelope encryption of Secrets with a rotating customer managed key;
 * - access entries only, no admin for the deploying identity, admins granted explicitly;
 * - deletion protection and a standard-support upgrade policy;
 * - managed add-ons vpc-cni (NetworkPolicy enforcement on), coredns, kube-proxy and the Pod
 *   Identity agent, at EKS's default versions unless pinned;
 * - managed node groups only (no Auto Mode), in private subnets.
 */
export class HardenedEksCluster extends Construct implements IHardenedCluster {
  /** The underlying aws-eks-v2 cluster (escape hatch). */
  public readonly cluster: eks.Cluster;

  /** The VPC the cluster runs in. */
  public readonly vpc: ec2.IVpc;

  /** The key that encrypts Kubernetes Secrets. */
  public readonly secretsKey: kms.IKey;

  /** The control-plane log group `/aws/eks/<clusterName>/cluster`. */
  public readonly controlPlaneLogGroup: logs.ILogGroup;

  /** The cluster's name. */
  public readonly clusterName: string;

  /** The cluster's Kubernetes minor version, for example '1.36'. */
  public readonly kubernetesVersion: string;

  /** Repository prefixes in the account's ECR registry that every namespace may pull from. */
  public readonly sharedImageRepositories: string[];

  /** The default node group, unless `defaultNodeGroup` is false. */
  public readonly defaultNodeGroup?: HardenedNodeGroup;

  /** The break-glass admin role, when one is configured. */
  public readonly breakGlassAdminRole?: iam.IRole;

  /** The role the VPC CNI (aws-node) gets through EKS Pod Identity; the nodes do not have its permissions. */
  public readonly vpcCniRole: iam.IRole;

  /** Where the audit events are shipped (bucket, delivery stream); undefined when `auditLogShipping` is false. */
  public readonly auditLog?: AuditLogShipping;

  /** The alarms on risky audit events and their SNS topic. */
  public readonly auditDetections: AuditDetections;

  /** GuardDuty EKS Protection, when `guardDuty` is set. */
  public readonly guardDuty?: GuardDutyEksProtection;

  /**
   * The security group of the kubectl provider's functions (HTTPS out only). VPC endpoints of your
   * own (`ClusterNetwork.isolated({ createEndpoints: false })`) must admit it on 443.
   */
  public readonly kubectlSecurityGroup: ec2.ISecurityGroup;


  /** The VPC endpoints, when the network is isolated. */
  private readonly endpoints?: IsolatedEndpoints;
  /** The network has no internet path. */
  private readonly isolated: boolean;
  /** Services of the isolated network's additional endpoints (the user's own, which Karpenter's must not repeat). */
  private readonly additionalEndpointServices: string[];
  private _karpenter?: Karpenter;

  /** The EBS CSI driver, its role, the volume key and the default StorageClass, unless `storage` is false. */
  public readonly storage?: ClusterStorage;

  private _nodeVolumeKey?: kms.Key;
  private _openIdConnectProvider?: iam.IOidcProvider;
  private readonly serviceAccounts = new Map<string, ScopedServiceAccount>();
  private readonly namespaces = new Map<string, HardenedNamespace>();
  private readonly namespaceEntries = new Map<string, eks.CfnAccessEntry>();
  private readonly clusterAdminArns = new Set<string>();
  private admissionPolicy?: eks.KubernetesManifest;
  private readonly nodeGroupPrerequisites: Construct[] = [];
  private readonly coreDnsAddon: eks.Addon;
  private nodeGroupCount = 0;
  /** Node groups without a NoSchedule or NoExecute taint, where system pods such as Karpenter's controller can run. */
  private untaintedNodeGroups = 0;

  constructor(scope: Construct, id: string, props: HardenedEksClusterProps = {}) {
    super(scope, id);

    const version = props.version ?? DEFAULT_KUBERNETES_VERSION;
    const endpointAccess = props.endpointAccess ?? ClusterEndpointAccess.PRIVATE;
    const logRetention = props.controlPlaneLogRetention ?? DEFAULT_CONTROL_PLANE_LOG_RETENTION;
    const clusterName = props.clusterName ?? Names.uniqueResourceName(this, {
      maxLength: 100, separator: '-', allowedSpecialCharacters: '-_',
    });
    this.clusterName = clusterName;
    this.kubernetesVersion = version.version;
    this.sharedImageRepositories = [...(props.sharedImageRepositories ?? [])];

    const networkPolicyMode = props.networkPolicyEnforcingMode ?? NetworkPolicyEnforcingMode.STRICT;
    this.validate(props, version, endpointAccess, networkPolicyMode);

    // Network: ours, or the user's (which must have private subnets, checked above).
    const isolated = props.network?.hasNoInternetPath === true;
    this.isolated = isolated;
    this.additionalEndpointServices = (props.network?.additionalInterfaceEndpoints ?? []).map((e) => e.shortName);
    let ownVpc: ec2.Vpc | undefined;
    if (props.vpc) {
      this.vpc = props.vpc;
    } else {
      ownVpc = createHardenedVpc(this, {
        flowLogGroupName: `/aws/vpc-flow-logs/${clusterName}`,
        flowLogRetention: props.flowLogRetention ?? DEFAULT_FLOW_LOG_RETENTION,
        isolated,
      }).vpc;
      this.vpc = ownVpc;
    }
    this.endpoints = isolated && props.network!.createsEndpoints
      ? createIsolatedEndpoints(this, this.vpc, props.network!.additionalInterfaceEndpoints) : undefined;

    this.secretsKey = props.secretsEncryptionKey ?? createLibraryKey(this, 'SecretsKey', `Envelope encryption of Kubernetes Secrets in EKS cluster ${clusterName}`);

    // EKS would create this log group itself (unencrypted, never expiring) unless it exists first.
    const controlPlaneLogs = createEncryptedLogGroup(this, {
      keyId: 'ControlPlaneLogKey',
      logGroupId: 'ControlPlaneLogGroup',
      logGroupName: `/aws/eks/${clusterName}/cluster`,
      retention: logRetention,
      keyDescription: `Encrypts the control-plane log group of EKS cluster ${clusterName}`,
    });
    this.controlPlaneLogGroup = controlPlaneLogs.logGroup;

    const kubectlSecurityGroup = createKubectlSecurityGroup(this, this.vpc, clusterName);
    this.kubectlSecurityGroup = kubectlSecurityGroup;

    const kubectlHandlerRole = createKubectlHandlerRole(this, clusterName);

    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName,
      version,
      vpc: this.vpc,
      vpcSubnets: [{ subnetType: isolated ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      endpointAccess: endpointAccess.isPublic
        ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...endpointAccess.publicCidrs)
        : eks.EndpointAccess.PRIVATE,
      clusterLogging: [...CONTROL_PLANE_LOG_TYPES],
      secretsEncryptionKey: this.secretsKey,
      bootstrapClusterCreatorAdminPermissions: false,
      // The managed add-ons below replace the self-managed ones EKS would otherwise install.
      bootstrapSelfManagedAddons: false,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      kubectlProviderOptions: {
        kubectlLayer: props.kubectlLayer ?? new KubectlV36Layer(this, 'KubectlLayer'),
        securityGroups: [kubectlSecurityGroup],
        // The library owns this role's policies: nothing aws-cdk-lib grants lands on it.
        role: kubectlHandlerRole.withoutPolicyUpdates(),
      },
      // The output would print a command that assumes a public endpoint and an admin role.
      outputConfigCommand: false,
    });
    this.cluster.clusterSecurityGroup.addIngressRule(kubectlSecurityGroup, ec2.Port.tcp(443), 'kubectl handler to the cluster endpoint');
    const kubectlProvider = hardenKubectlProvider(this, this.cluster, { clusterName, handlerRole: kubectlHandlerRole, logRetention });
    if (isolated) {
      // aws-eks-v2 warns that isolated kubectl subnets need endpoints; the library creates them (or
      // the user said theirs exist, which HardenedEks-IsolatedClusterEndpoints checks).
      Annotations.of(this.cluster).acknowledgeWarning('@aws-cdk/aws-eks:isolatedSubnetsForKubectlPrivateSubnets',
        'ClusterNetwork.isolated() creates the VPC endpoints the kubectl provider needs');
    }
    refuseChartAssets(this, this.cluster);
    const endpointPaths = this.endpoints
      ? admitToEndpoints(this, this.endpoints, this.cluster.clusterSecurityGroup, kubectlSecurityGroup) : undefined;
    if (endpointPaths) {
      this.nodeGroupPrerequisites.push(...endpointPaths.forAll);
      kubectlProvider.handler.node.defaultChild!.node.addDependency(...endpointPaths.forAll);
      kubectlProvider.onEvent.node.defaultChild!.node.addDependency(...endpointPaths.forAll);
    }
    // aws-cdk-lib's default-security-group cleanup runs in the VPC too, in the kubectl group (HTTPS
    // out only), once the VPC has a way out: NAT routes, or the endpoints (an isolated VPC without
    // the library's endpoints keeps it outside, where it needs none).
    if (ownVpc && (!isolated || endpointPaths)) {
      placeDefaultSecurityGroupCleanupInVpc(ownVpc, kubectlSecurityGroup, endpointPaths?.forKubectl
        ?? ownVpc.privateSubnets.map((subnet) => subnet.internetConnectivityEstablished));
    }
    const cfnCluster = this.cluster.node.defaultChild as eks.CfnCluster;
    // Created first, or EKS creates its own unencrypted, never-expiring group and ours fails.
    cfnCluster.node.addDependency(controlPlaneLogs.logGroup);
    cfnCluster.deletionProtection = props.deletionProtection ?? true;
    cfnCluster.upgradePolicy = { supportType: props.upgradeSupport ?? UpgradeSupportType.STANDARD };
    cfnCluster.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const addons = createManagedAddons(this, props, networkPolicyMode);
    this.nodeGroupPrerequisites.push(...addons.nodeGroupPrerequisites);
    this.vpcCniRole = addons.vpcCniRole;
    this.coreDnsAddon = addons.coreDns;
    if (props.storage !== false) {
      this.storage = new ClusterStorage(this, 'Storage', { ...props.storageOptions, cluster: this });
    }
    // CoreDNS and the EBS CSI driver use the pod network: in strict mode their pods have no
    // network until a policy selects them, so the policies come first.
    const systemPolicies = new eks.KubernetesManifest(this, 'SystemNetworkPolicies', {
      cluster: this.cluster,
      manifest: renderSystemNetworkPolicies({
        dnsResolverCidrs: vpcResolverCidrs(props.vpc ? props.vpc.vpcCidrBlock : DEFAULT_VPC_CIDR),
        ebsCsiDriver: this.storage !== undefined,
      }),
      overwrite: true,
      // Fixed names: an update converges without `kubectl apply --prune`.
      prune: false,
    });
    this.coreDnsAddon.node.addDependency(systemPolicies);
    this.storage?.addon.node.addDependency(systemPolicies);
    // On an existing cluster the CNI switching to strict mode would otherwise cut CoreDNS off until
    // the policies arrive.
    for (const prerequisite of addons.nodeGroupPrerequisites) { prerequisite.node.addDependency(systemPolicies); }
    if (props.defaultNodeGroup !== false) {
      this.defaultNodeGroup = this.addNodeGroup('DefaultNodeGroup', props.defaultNodeGroupOptions);
    }

    for (const admin of props.clusterAdmins ?? []) {
      // Named after the role's ARN, not its construct path: moving the role's construct must not
      // replace the access entry (EKS refuses a second entry for the same principal).
      this.grantClusterAdmin(`ClusterAdmin${shortHash(resolvedArn(admin))}`, admin);
    }
    if (props.breakGlassAdminRole) {
      this.breakGlassAdminRole = props.breakGlassAdminRole;
      this.clusterAdminArns.add(resolvedArn(props.breakGlassAdminRole));
      declareAdmin(this.cluster.grantClusterAdmin('BreakGlassAdmin', props.breakGlassAdminRole.roleArn), 'break-glass admin role');
    }
    this.auditDetections = new AuditDetections(this, 'AuditDetections', {
      ...props.auditDetections,
      logGroup: this.controlPlaneLogGroup,
      clusterName,
      breakGlassRole: props.breakGlassAdminRole,
      manifestApplierRole: kubectlHandlerRole,
    });
    if (props.auditLogShipping !== false) {
      this.auditLog = new AuditLogShipping(this, 'AuditLog', {
        ...props.auditLog,
        logGroup: this.controlPlaneLogGroup,
        logGroupRetention: logRetention,
        clusterName,
        alarmTopic: this.auditDetections.alarmTopic,
      });
    }
    if (props.guardDuty) {
      this.guardDuty = new GuardDutyEksProtection(this, 'GuardDuty', { detector: props.guardDuty });
    }
    // Silence is only news once the cluster exists and logs.
    this.auditDetections.alarms.auditEventsStopped?.node.addDependency(cfnCluster);
    const shipping = this.auditLog;
    const ownArchive = shipping?.accessLogsBucket !== undefined;
    this.auditDetections.watchEvidence({
      logGroupNames: [this.controlPlaneLogGroup.logGroupName, kubectlProvider.logGroup.logGroupName,
        ...(shipping?.deliveryErrorLogGroup ? [shipping.deliveryErrorLogGroup.logGroupName] : [])],
      clusterNames: [clusterName],
      bucketNames: ownArchive ? [shipping!.bucket!.bucketName, shipping!.accessLogsBucket!.bucketName] : [],
      keyArns: [
        controlPlaneLogs.key.keyArn, this.secretsKey.keyArn,
        ...(ownArchive ? [shipping!.bucketKey!.keyArn] : []),
        ...(shipping?.streamKey ? [shipping.streamKey.keyArn] : []),
        // Without its key the topic cannot deliver a single alarm.
        ...(this.auditDetections.topicKey ? [this.auditDetections.topicKey.keyArn] : []),
        ...(shipping?.accessLogsKey ? [shipping.accessLogsKey.keyArn] : []),
        kubectlProvider.logKey.keyArn,
      ],
      // The kubectl handler is cluster admin: new code there is a new admin.
      functionNames: [kubectlProvider.handler.functionName, kubectlProvider.onEvent.functionName],
      functionRoleArns: [kubectlHandlerRole.roleArn],
      deliveryRoleArns: shipping?.deliveryRole ? [shipping.deliveryRole.roleArn] : [],
      deliveryStreamNames: shipping?.deliveryStream ? [shipping.deliveryStream.ref] : [],
      alarmNames: shipping?.deliveryAlarm ? [shipping.deliveryAlarm.alarmName] : [],
      accountWide: true,
    });

    // aws-eks-v2's own entry for the kubectl provider's role: cluster admin by design.
    const kubectlEntry = this.cluster.node.tryFindChild('ClusterAdminRoleAccess');
    if (kubectlEntry) { declareAdmin(kubectlEntry, 'kubectl provider (aws-eks-v2) applies manifests'); }

    const facts = factsOf(this, clusterName);
    facts.clusterName = Token.isUnresolved(clusterName) ? '(name set at deploy time)' : clusterName;
    facts.publicEndpoint = endpointAccess.isPublic;
    facts.userSecretsKey = props.secretsEncryptionKey !== undefined;
    facts.userVpc = props.vpc !== undefined;
    facts.controlPlaneLogRetentionDays = logRetention;
    facts.deletionProtection = props.deletionProtection !== false;
    facts.extendedSupport = props.upgradeSupport === UpgradeSupportType.EXTENDED;
    facts.networkPolicyMode = networkPolicyMode;
    facts.isolatedNetwork = isolated;
    facts.clusterAdmins = (props.clusterAdmins ?? []).length;
    facts.breakGlass = props.breakGlassAdminRole !== undefined;
    facts.auditShipping = !this.auditLog ? 'off'
      : props.auditLog?.logsDestinationArn !== undefined ? 'logs-destination'
        : props.auditLog?.bucket ? 'existing-bucket' : 'stack-bucket';
    facts.auditRetentionDays = this.auditLog?.retentionDays;
    facts.auditObjectLock = props.auditLog?.objectLock;
    facts.auditDetections = Object.keys(this.auditDetections.alarms);
    facts.auditDetectionsOff = [...this.auditDetections.disabled];
    facts.auditOwnTopic = props.auditDetections?.alarmTopic !== undefined;
    facts.guardDuty = props.guardDuty ? (props.guardDuty.detectorId === undefined ? 'new-detector' : 'existing-detector') : undefined;
    attachReport(this);

    applyAcknowledgements([
      ...clusterPlumbingAcknowledgements(this.cluster, kubectlProvider),
      ...(ownVpc ? natRouteAcknowledgements(ownVpc) : []),
      ...cloudFormationValidatorAcknowledgements(this.cluster),
      ...cniRoleAcknowledgements(addons.vpcCniRole),
    ]);
    warnAboutWeakenings(this, props, endpointAccess, logRetention);
  }

  private validate(props: HardenedEksClusterProps, version: eks.KubernetesVersion, endpointAccess: ClusterEndpointAccess,
    networkPolicyMode: NetworkPolicyEnforcingMode): void {
    const problems = new PropProblems();
    checkClusterName(problems, props.clusterName);
    checkVersionAndLayer(problems, version.version, props.kubectlLayer !== undefined, BUNDLED_KUBECTL_MINOR,
      props.upgradeSupport === UpgradeSupportType.EXTENDED);
    checkPublicCidrs(problems, endpointAccess.isPublic, endpointAccess.publicCidrs);
    checkRetention(problems, 'controlPlaneLogRetention', props.controlPlaneLogRetention);
    checkRetention(problems, 'flowLogRetention', props.flowLogRetention);
    // The cluster always names its manifest applier in the patterns.
    checkAuditDetectionsOptions(problems, 'auditDetections.', props.auditDetections ?? {}, props.breakGlassAdminRole !== undefined, true);
    if (props.auditLogShipping === false && props.auditLog !== undefined) {
      problems.add('auditLog', 'options while auditLogShipping is false',
        'auditLog configures shipping, which auditLogShipping: false turns off. Remove one of the two.');
    } else if (props.auditLog) {
      checkAuditLogOptions(problems, 'auditLog.', props.auditLog,
        props.controlPlaneLogRetention ?? DEFAULT_CONTROL_PLANE_LOG_RETENTION, Stack.of(this).region);
    }
    if (props.vpc && props.flowLogRetention !== undefined) {
      problems.add('flowLogRetention', props.flowLogRetention,
        'Flow logs are created only for the VPC the library creates. Remove flowLogRetention, or configure flow logs on your own VPC.');
    }
    if (props.vpc) { checkVpc(problems, props.vpc, props.network?.hasNoInternetPath === true); }
    if (props.network) { checkNetwork(problems, props.network, props.vpc !== undefined); }
    const key = props.secretsEncryptionKey?.node.defaultChild;
    if (key instanceof kms.CfnKey && key.enableKeyRotation !== true) {
      problems.add('secretsEncryptionKey', props.secretsEncryptionKey!.node.path,
        'The key does not rotate. Create it with enableKeyRotation: true, or leave secretsEncryptionKey unset for a rotating key of the library.');
    }
    checkAddonVersion(problems, 'vpcCniAddonVersion', props.vpcCniAddonVersion);
    checkStrictModeVersion(problems, props.vpcCniAddonVersion, networkPolicyMode);
    checkAddonVersion(problems, 'coreDnsAddonVersion', props.coreDnsAddonVersion);
    checkAddonVersion(problems, 'kubeProxyAddonVersion', props.kubeProxyAddonVersion);
    checkAddonVersion(problems, 'podIdentityAgentAddonVersion', props.podIdentityAgentAddonVersion);
    for (const repository of props.sharedImageRepositories ?? []) {
      if (!Token.isUnresolved(repository) && !/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(repository)) {
        problems.add('sharedImageRepositories', repository,
          "Each entry is a repository prefix in the account's ECR registry, without the registry, a leading or trailing '/', or a tag, for example 'base-images' or 'platform/tools'.");
      }
    }
    if (props.storage === false && props.storageOptions !== undefined) {
      problems.add('storageOptions', 'options with storage: false',
        'There is no storage to apply them to. Remove storageOptions, or leave storage on.');
    }
    checkAddonVersion(problems, 'storageOptions.ebsCsiAddonVersion', props.storageOptions?.ebsCsiAddonVersion);
    const volumeKey = props.storageOptions?.volumeKey?.node.defaultChild;
    if (volumeKey instanceof kms.CfnKey && volumeKey.enableKeyRotation !== true) {
      problems.add('storageOptions.volumeKey', props.storageOptions!.volumeKey!.node.path,
        'The key does not rotate. Create it with enableKeyRotation: true, or leave volumeKey unset for a rotating key of the library.');
    }
    if (props.defaultNodeGroup === false && props.defaultNodeGroupOptions !== undefined) {
      problems.add('defaultNodeGroupOptions', 'options with defaultNodeGroup: false',
        'There is no default node group to apply them to. Remove defaultNodeGroupOptions, or call addNodeGroup(id, options).');
    }
    const seen = new Set<string>();
    for (const admin of props.clusterAdmins ?? []) {
      const arn = resolvedArn(admin);
      if (seen.has(arn)) {
        problems.add('clusterAdmins', admin.node.path, 'Each role may appear once (two entries name the same role ARN); remove the duplicate.');
      }
      seen.add(arn);
    }
    problems.throwIfAny(this.node.path);
  }

  /**
   * Adds a hardened Bottlerocket managed node group to the cluster.
   *
   * @param id construct id of the node group (part of its resources' logical ids)
   * @param options size, instance types, labels, taints and Bottlerocket settings
   */
  public addNodeGroup(id: string, options: HardenedNodeGroupOptions = {}): HardenedNodeGroup {
    const nodeGroup = new HardenedNodeGroup(this, id, { ...options, cluster: this });

    // Nodes become Ready only once the CNI, kube-proxy and the Pod Identity agent can run.
    nodeGroup.nodegroup.node.addDependency(...this.nodeGroupPrerequisites);
    // CoreDNS and the EBS CSI controller need nodes to become healthy: they wait for the first node
    // group, whichever it is.
    // PreferNoSchedule only steers pods away; the controller can still be scheduled there.
    if (!options.dedicated && (options.taints ?? []).every((t) => t.effect === eks.TaintEffect.PREFER_NO_SCHEDULE)) { this.untaintedNodeGroups++; }
    if (this.nodeGroupCount++ === 0) {
      this.coreDnsAddon.node.addDependency(nodeGroup.nodegroup);
      this.storage?.addon.node.addDependency(nodeGroup.nodegroup);
    }
    return nodeGroup;
  }

  /**
   * Adds Karpenter: the controller (pinned chart, Pod Identity, scoped IAM policy), interruption
   * handling, and a node role for the node pools added with `karpenter.addNodePool`. In a cluster
   * without an internet path it sets Karpenter's isolatedVPC and adds SQS and SSM endpoints.
   *
   * @param options chart version and mirrors, controller replicas, Bottlerocket version
   */
  public addKarpenter(options: KarpenterOptions = {}): Karpenter {
    if (this._karpenter) {
      new PropProblems().throwIfAnyWith(`${this.node.path}.addKarpenter()`, 'addKarpenter', 'called twice',
        'A cluster runs one Karpenter; add node pools to the first with karpenter.addNodePool(id, options).');
    }
    const karpenter = new Karpenter(this, 'Karpenter', { ...options, cluster: this, isolatedNetwork: this.isolated });
    // The controller runs on the managed node groups' nodes, and Karpenter's nodes need what theirs
    // need: node pools wait for the controller chart, so waiting for it is enough.
    karpenter.chart.node.addDependency(...this.nodeGroupPrerequisites);
    if (this.endpoints) {
      const endpoints = createKarpenterEndpoints(this, this.vpc, this.endpoints, this.additionalEndpointServices);
      karpenter.chart.node.addDependency(...endpoints);
    }
    // Checked when the app synthesizes: node groups may be added after Karpenter.
    karpenter.node.addValidation({
      validate: () => (this.untaintedNodeGroups > 0 ? [] : [new HardenedEksValidationError(`${this.node.path}.addKarpenter()`, [{
        prop: 'defaultNodeGroup',
        received: 'no managed node group without taints',
        fix: 'Karpenter\'s controller runs only on managed node group nodes (never on nodes it launches) and tolerates no taint, so it would never ' +
          'be scheduled. Keep the default node group, or add one with addNodeGroup(id, options) without taints or dedicated.',
      }]).message]),
    });
    this._karpenter = karpenter;
    return karpenter;
  }

  /** Karpenter, once added with addKarpenter. */
  public get karpenter(): Karpenter | undefined {
    return this._karpenter;
  }

  /**
   * Grants an IAM role cluster-admin access (AmazonEKSClusterAdminPolicy, cluster scope) through an
   * EKS access entry, and declares the entry an admin one for HardenedEksChecks.
   *
   * @param id construct id of the access entry (keep it stable: a new id replaces the entry)
   * @param role the role that gets cluster-admin access
   */
  public grantClusterAdmin(id: string, role: iam.IRole): eks.AccessEntry {
    if (this.namespaceEntries.has(resolvedArn(role))) {
      new PropProblems().throwIfAnyWith(`${this.node.path}.grantClusterAdmin(${id})`, 'role', role.node.path,
        'This role already has namespace access; EKS allows one access entry per principal. Grant it either cluster admin or namespace access.');
    }
    this.clusterAdminArns.add(resolvedArn(role));
    const entry = this.cluster.grantClusterAdmin(id, role.roleArn);
    declareAdmin(entry, 'granted with HardenedEksCluster.grantClusterAdmin or clusterAdmins');
    return entry;
  }

  /**
   * Grants an IAM role access to one namespace through an EKS access entry. VIEW and EDIT put the
   * role in the Kubernetes group bound to the namespace's own `cdk-hardened-eks-view` / `-edit`
   * Roles (the namespace must come from addNamespace); ADMIN attaches AmazonEKSAdminPolicy scoped
   * to the namespace. Never cluster-wide, never `system:masters`. One entry per role collects all
   * its namespaces.
   *
   * @param id construct id of the access entry (used when the role has no entry yet)
   * @param role the role that gets access
   * @param namespace the namespace (kube-system only with allowKubeSystem)
   * @param level what the role may do there
   * @param allowKubeSystem accept kube-system as the namespace
   */
  public grantNamespaceAccess(id: string, role: iam.IRole, namespace: string, level: NamespaceAccessLevel, allowKubeSystem?: boolean): void {
    const problems = new PropProblems();
    if (!Token.isUnresolved(namespace) && !isDns1123Label(namespace)) {
      problems.add('namespace', namespace, "A namespace is a DNS-1123 label: up to 63 lowercase letters, digits and '-'.");
    }
    if (namespace === 'kube-system' && !allowKubeSystem) {
      problems.add('namespace', namespace, 'Access to kube-system reaches the cluster\'s own components; pass allowKubeSystem: true to grant it on purpose.');
    }
    if (!Object.values(NamespaceAccessLevel).includes(level)) {
      problems.add('level', level, 'Use NamespaceAccessLevel.VIEW, EDIT or ADMIN.');
    }
    const arn = resolvedArn(role);
    if (this.clusterAdminArns.has(arn)) {
      problems.add('role', role.node.path, 'This role is already a cluster admin; EKS allows one access entry per principal, and namespace access would add nothing.');
    }
    problems.throwIfAny(`${this.node.path}.grantNamespaceAccess(${id})`);

    factsOf(this).namespaceGrants++;
    let entry = this.namespaceEntries.get(arn);
    if (!entry) {
      entry = new eks.CfnAccessEntry(this, id, {
        clusterName: this.clusterName,
        principalArn: role.roleArn,
        type: 'STANDARD',
        kubernetesGroups: [],
        accessPolicies: [],
      });
      entry.node.addDependency(this.cluster);
      this.namespaceEntries.set(arn, entry);
    }
    if (level === NamespaceAccessLevel.ADMIN) {
      factsOf(this).namespaceAdminGrants++;
      Annotations.of(this).addWarningV2(WARNINGS.namespaceAdminAccess,
        `grantNamespaceAccess(${id}) gives ADMIN in ${namespace}: the role may add Roles, RoleBindings and NetworkPolicies of its own there, ` +
        'and NetworkPolicies that open traffic (the library\'s own baseline objects stay out of its reach). VIEW or EDIT add none.');
      // Everything in the namespace, RBAC included: the EKS access policy, scoped to the namespace.
      (entry.accessPolicies as eks.CfnAccessEntry.AccessPolicyProperty[]).push({
        policyArn: namespaceAccessPolicy(level, namespace).policy,
        accessScope: { type: 'namespace', namespaces: [namespace] },
      });
    } else {
      // VIEW and EDIT: the group bound to the namespace's own Roles (no Secret listing, no exec, no
      // RBAC changes), which are narrower than AmazonEKSViewPolicy / AmazonEKSEditPolicy.
      (entry.kubernetesGroups as string[]).push(namespaceGroup(namespace, level === NamespaceAccessLevel.VIEW ? 'view' : 'edit'));
      this.node.addValidation({
        validate: () => (this.namespaces.has(namespace) ? [] : [
          `grantNamespaceAccess(${id}): ${level} access works through the Roles of a namespace added with addNamespace, and ${namespace} is not one. ` +
          `Add it with addNamespace('${namespace}'), use NamespaceAccessLevel.ADMIN, or bind the group ${namespaceGroup(namespace, level === NamespaceAccessLevel.VIEW ? 'view' : 'edit')} yourself.`,
        ]),
      });
    }
  }

  /**
   * Adds a Kubernetes service account with an IAM role of its own (IRSA by default, or EKS Pod
   * Identity).
   *
   * @param id construct id
   * @param options namespace, name and identity type
   */
  public addServiceAccount(id: string, options: ScopedServiceAccountOptions): ScopedServiceAccount {
    const key = `${options.namespace}/${options.name}`;
    if (this.serviceAccounts.has(key)) {
      new PropProblems().throwIfAnyWith(`${this.node.path}.addServiceAccount(${id})`, 'name', key,
        'A service account with this namespace and name already exists in the cluster; reuse it.');
    }
    const serviceAccount = new ScopedServiceAccount(this, id, { ...options, cluster: this });
    // Checked when the app synthesizes: the namespace may be added after the service account.
    const namespace = options.namespace;
    if (namespace !== 'kube-system' && options.namespaceManagedElsewhere !== true && !Token.isUnresolved(namespace)) {
      serviceAccount.node.addValidation({
        validate: () => (this.namespaces.has(namespace) ? [] : [new HardenedEksValidationError(`${this.node.path}.addServiceAccount(${id})`, [{
          prop: 'namespace',
          received: JSON.stringify(namespace),
          fix: `No namespace ${namespace} was added to this cluster, so the service account would fail at deploy time. ` +
            `Add it with addNamespace('${namespace}'), or pass namespaceManagedElsewhere: true if another stack or tool creates it.`,
        }]).message]),
      });
    }

    this.serviceAccounts.set(key, serviceAccount);
    const hardened = this.namespaces.get(namespace);
    if (hardened) { this.connect(hardened, serviceAccount); }
    return serviceAccount;
  }

  /**
   * Adds a hardened namespace: Pod Security restricted, the library's admission policy, default-deny
   * NetworkPolicies, quota and limits, view/edit Roles. All of its objects go to the cluster in one
   * KubernetesManifest, after the admission policy.
   *
   * @param name the namespace's name (a DNS-1123 label, not a reserved one)
   * @param options openings, quotas, registries and volume types
   */
  public addNamespace(name: string, options: HardenedNamespaceOptions = {}): HardenedNamespace {
    if (this.namespaces.has(name)) {
      new PropProblems().throwIfAnyWith(`${this.node.path}.addNamespace(${name})`, 'name', name, 'This namespace was already added; add it once.');
    }
    const namespace = new HardenedNamespace(this, `Namespace-${name}`, { ...options, cluster: this, name });

    namespace.manifest.node.addDependency(this.admissionPolicyManifest());
    this.namespaces.set(name, namespace);
    if (this.namespaces.size === MANY_NAMESPACES + 1) {
      Annotations.of(this).addWarningV2(WARNINGS.manyNamespaces,
        `More than ${MANY_NAMESPACES} namespaces in one cluster stack: each adds about 10 KB of template, and CloudFormation stops at 1 MB ` +
        '(about 80 namespaces with the default cluster). Keep tenants below that, or run several clusters.');
    }
    for (const serviceAccount of this.serviceAccounts.values()) {
      if (serviceAccount.serviceAccountNamespace === name) { this.connect(namespace, serviceAccount); }
    }
    return namespace;
  }

  /** A service account in a library namespace: created after it, and Pod Identity reachable from it. */
  private connect(namespace: HardenedNamespace, serviceAccount: ScopedServiceAccount): void {
    serviceAccount.manifest.node.addDependency(namespace.manifest);
    if (serviceAccount.identity === ServiceAccountIdentity.POD_IDENTITY) { namespace.allowPodIdentityAgent(); }
  }

  /** The ValidatingAdmissionPolicies and their bindings, created with the first namespace. */
  private admissionPolicyManifest(): eks.KubernetesManifest {
    if (!this.admissionPolicy) {
      // The role that applies the library's manifests is the one identity (beside kube-system's
      // controllers and EKS) that may change a namespace's baseline.
      const stack = Stack.of(this);
      const applier = this.cluster.kubectlProvider!.role!;
      this.admissionPolicy = new eks.KubernetesManifest(this, 'AdmissionPolicy', {
        cluster: this.cluster,
        manifest: renderAdmissionPolicies({ applierSessionPrefix: `arn:${stack.partition}:sts::${stack.account}:assumed-role/${applier.roleName}/` }),
        overwrite: true,
        // A fixed set of policy names: an update converges without `kubectl apply --prune`, whose
        // default allow-list would leave admission policies alone anyway.
        prune: false,
      });
    }
    return this.admissionPolicy;
  }

  /**
   * The cluster's IAM OIDC provider, always a native `AWS::IAM::OIDCProvider` (whatever the app's
   * `@aws-cdk/aws-eks:useNativeOidcProvider` flag says). Created on first use; aws-eks-v2 reuses it.
   */
  public get openIdConnectProvider(): iam.IOidcProvider {
    if (!this._openIdConnectProvider) {
      const provider = new eks.OidcProviderNative(this.cluster, 'OidcProviderNative', {
        url: this.cluster.clusterOpenIdConnectIssuerUrl,
      });
      // aws-eks-v2 memoizes its provider in this field; setting it first makes every later use
      // (its own ServiceAccount, addServiceAccount) share ours instead of creating a second one.
      (this.cluster as any)._openIdConnectProvider = provider;
      this._openIdConnectProvider = provider;
    }
    return this._openIdConnectProvider;
  }

  /**
   * The customer managed key that encrypts the EBS volumes of every node group of this cluster.
   * Created with the first node group; rotation on, retained. Its key policy lets the account's
   * Auto Scaling service-linked role (which launches managed nodes) use it.
   */
  public get nodeVolumeKey(): kms.IKey {
    this._nodeVolumeKey ??= createNodeVolumeKey(this, this.clusterName);
    return this._nodeVolumeKey;
  }

}

/** The role ARN as CloudFormation will see it, as a string (tokens rendered as their intrinsic). */
function resolvedArn(role: iam.IRole): string {
  return JSON.stringify(Stack.of(role).resolve(role.roleArn));
}

/** A short, stable hash of a string (not for security; for construct ids). */
function shortHash(value: string): string {
  return stableHash(value, 8).toUpperCase();
}

/** Marks an access entry as an admin one the library grants on purpose (read by HardenedEksChecks). */
function declareAdmin(entry: Construct, why: string): void {
  const cfn = entry.node.defaultChild;
  if (cfn instanceof CfnResource) { cfn.addMetadata(DECLARED_ADMIN_METADATA, why); }
}

