import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { controllerStatements, WILDCARD_REASONS } from './controller-policy';
import { KARPENTER_LABELS, renderKarpenterNetworkPolicy } from './karpenter-objects';
import { checkBottlerocketVersion, KarpenterNodePool, KarpenterNodePoolOptions } from './karpenter-node-pool';
import { IHardenedCluster } from '../core/hardened-cluster';
import { nodeSubnetSelection } from '../nodes/hardened-node-group';
import { createPodIdentityAssociation, podIdentityPrincipal, SERVICE_ACCOUNT_MAX_SESSION } from '../identity/scoped-service-account';
import { applyAcknowledgements, karpenterAcknowledgements, nodeRoleAcknowledgements } from '../nag/acknowledgements';
import { KARPENTER_DEFAULTS } from '../private/defaults';
import { PropProblems } from '../private/errors';
import { factsOf } from '../report/facts';

/**
 * Options of Karpenter on a hardened cluster (`cluster.addKarpenter(options)`).
 */
export interface KarpenterOptions {
  /**
   * Karpenter release: the version of the `karpenter` and `karpenter-crd` charts, which install
   * the controller image of the same version (pinned by digest in the chart).
   *
   * @default '1.14.1'
   */
  readonly version?: string;

  /**
   * OCI repository holding the `karpenter` and `karpenter-crd` charts, for example a mirror in
   * this account's regional ECR: `oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter`
   * (charts at `.../karpenter/karpenter` and `.../karpenter/karpenter-crd`). The kubectl handler
   * pulls charts only from Amazon ECR Public or this account's ECR in the stack's region.
   * Required for a cluster without an internet path.
   *
   * @default 'oci://public.ecr.aws/karpenter'
   */
  readonly chartRepository?: string;

  /**
   * Repository of the controller image, for a mirror such as
   * `111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter/controller`. The chart's digest stays,
   * so the mirror must hold the same image (a registry-to-registry copy or a pull-through cache
   * keeps the digest). Required for a cluster without an internet path.
   *
   * @default - public.ecr.aws/karpenter/controller, as the chart says
   */
  readonly imageRepository?: string;

  /**
   * Controller replicas (one leads, the others wait), spread over nodes of the managed node groups.
   *
   * @default 2
   */
  readonly replicas?: number;

  /**
   * Bottlerocket release the node pools boot (the version part of the EC2NodeClass alias
   * `bottlerocket@<version>`), for example 'v1.64.0'. A node pool can pin its own. Nodes change
   * only when this changes (Karpenter then replaces them as drifted, within the disruption budgets).
   *
   * @default 'v1.64.0'
   */
  readonly bottlerocketVersion?: string;
}

/**
 * Properties of Karpenter.
 */
export interface KarpenterProps extends KarpenterOptions {
  /** The cluster Karpenter scales. */
  readonly cluster: IHardenedCluster;

  /**
   * The cluster has no internet path: Karpenter's `settings.isolatedVPC` (no pricing API calls),
   * and the chart and image must come from mirrors. HardenedEksCluster sets it for
   * `ClusterNetwork.isolated()`.
   *
   * @default false
   */
  readonly isolatedNetwork?: boolean;
}

/**
 * Karpenter, hardened: node autoscaling for a HardenedEksCluster, on Bottlerocket nodes that get
 * the same hardening as the managed node groups.
 *
 * What it does by default:
 *
 * - the `karpenter-crd` and `karpenter` charts, version pinned, in kube-system, the controller
 *   only on managed node group nodes (never on nodes it manages), with a NetworkPolicy for strict
 *   mode (HTTPS out, Pod Identity agent, CoreDNS; nothing in);
 * - EKS Pod Identity for its service account, on a role whose policy is scoped as Karpenter's
 *   getting-started template scopes it (cluster tags on every instance, fleet and launch template
 *   call, `iam:PassRole` only for the node role and only to EC2), minus every instance profile
 *   write: the library creates the nodes' instance profile;
 * - interruption handling: an SQS queue (SQS-managed encryption, 300 s retention, TLS only, a
 *   dead-letter queue) and the five EventBridge rules Karpenter reads;
 * - a node role with AmazonEKSWorkerNodePolicy and AmazonEC2ContainerRegistryPullOnly only, and an
 *   EC2_LINUX access entry;
 * - node pools from `addNodePool`: see KarpenterNodePool.
 */
export class Karpenter extends Construct {
  /** The cluster Karpenter scales. */
  public readonly cluster: IHardenedCluster;

  /** The IAM role of the nodes Karpenter launches. */
  public readonly nodeRole: iam.Role;

  /** The instance profile of those nodes (EC2NodeClass `instanceProfile`). */
  public readonly instanceProfile: iam.InstanceProfile;

  /** The controller's IAM role (EKS Pod Identity). */
  public readonly controllerRole: iam.Role;

  /** The queue of interruption events Karpenter reads. */
  public readonly interruptionQueue: sqs.Queue;

  /** The `karpenter-crd` chart (NodePool, NodeClaim and EC2NodeClass CRDs). */
  public readonly crdChart: eks.HelmChart;

  /** The `karpenter` chart (the controller). */
  public readonly chart: eks.HelmChart;

  /** The Bottlerocket version node pools boot unless they pin their own. */
  public readonly bottlerocketVersion: string;

  /** Subnets the nodes launch in: the cluster's private subnets. */
  public readonly nodeSubnets: ec2.ISubnet[];

  /** What a node pool must wait for before its nodes can launch and join. */
  private readonly nodePrerequisites: readonly Construct[];
  private readonly pools = new Map<string, KarpenterNodePool>();

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    this.validate(props);
    const cluster = props.cluster;
    const eksCluster = cluster.cluster;
    const stack = Stack.of(this);
    const clusterName = cluster.clusterName;
    this.cluster = cluster;
    this.bottlerocketVersion = props.bottlerocketVersion ?? KARPENTER_DEFAULTS.bottlerocketVersion;
    const version = props.version ?? KARPENTER_DEFAULTS.version;
    const repository = (props.chartRepository ?? KARPENTER_DEFAULTS.chartRepository).replace(/\/+$/, '');
    this.nodeSubnets = eksCluster.vpc.selectSubnets(nodeSubnetSelection(eksCluster.vpc)).subnets;

    // Nodes: the managed node groups' policies, an instance profile the controller only reads, and
    // an access entry that lets them register.
    this.nodeRole = new iam.Role(this, 'NodeRole', {
      description: `Bottlerocket nodes Karpenter launches for EKS cluster ${clusterName}`,
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodePolicy'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
      ],
    });
    this.instanceProfile = new iam.InstanceProfile(this, 'NodeInstanceProfile', { role: this.nodeRole });
    const nodeAccess = new eks.CfnAccessEntry(this, 'NodeAccess', {
      clusterName,
      principalArn: this.nodeRole.roleArn,
      type: 'EC2_LINUX',
    });
    nodeAccess.node.addDependency(eksCluster);

    // Interruption handling.
    const deadLetters = new sqs.Queue(this, 'InterruptionDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });
    this.interruptionQueue = new sqs.Queue(this, 'InterruptionQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(KARPENTER_DEFAULTS.queueRetentionSeconds),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: KARPENTER_DEFAULTS.maxReceiveCount },
    });
    for (const rule of INTERRUPTION_RULES) {
      new events.Rule(this, rule.id, {
        description: `Karpenter interruption handling of EKS cluster ${clusterName}: ${rule.detailType}`,
        eventPattern: { source: [rule.source], detailType: [rule.detailType] },
        targets: [new targets.SqsQueue(this.interruptionQueue)],
      });
    }

    // The controller's identity.
    this.controllerRole = new iam.Role(this, 'ControllerRole', {
      description: `Karpenter controller of EKS cluster ${clusterName} (Pod Identity, ${KARPENTER_DEFAULTS.namespace}/${KARPENTER_DEFAULTS.serviceAccount})`,
      assumedBy: podIdentityPrincipal(this, clusterName, KARPENTER_DEFAULTS.namespace, KARPENTER_DEFAULTS.serviceAccount),
      maxSessionDuration: SERVICE_ACCOUNT_MAX_SESSION,
    });
    const controllerPolicy = new iam.ManagedPolicy(this, 'ControllerPolicy', {
      description: `Karpenter controller of EKS cluster ${clusterName}`,
      roles: [this.controllerRole],
      statements: controllerStatements(this, {
        clusterName,
        clusterArn: eksCluster.clusterArn,
        nodeRoleArn: this.nodeRole.roleArn,
        instanceProfileArn: this.instanceProfile.instanceProfileArn,
        queueArn: this.interruptionQueue.queueArn,
        nodeVolumeKeyArn: cluster.nodeVolumeKey.keyArn,
        subnetIds: this.nodeSubnets.map((subnet) => subnet.subnetId),
        securityGroupIds: [eksCluster.clusterSecurityGroupId],
      }),
    });
    const association = createPodIdentityAssociation(this, cluster, KARPENTER_DEFAULTS.namespace, KARPENTER_DEFAULTS.serviceAccount, this.controllerRole);

    // The controller has network from its first packet in strict mode.
    const networkPolicy = new eks.KubernetesManifest(this, 'NetworkPolicy', {
      cluster: eksCluster,
      manifest: [renderKarpenterNetworkPolicy(KARPENTER_DEFAULTS.namespace, CONTROLLER_POD_LABELS)],
      overwrite: true,
      prune: false,
    });

    this.crdChart = new eks.HelmChart(this, 'CrdChart', {
      cluster: eksCluster,
      chart: 'karpenter-crd',
      repository: `${repository}/karpenter-crd`,
      version,
      release: 'karpenter-crd',
      namespace: KARPENTER_DEFAULTS.namespace,
      createNamespace: false,
    });
    this.chart = new eks.HelmChart(this, 'Chart', {
      cluster: eksCluster,
      chart: 'karpenter',
      repository: `${repository}/karpenter`,
      version,
      release: KARPENTER_DEFAULTS.release,
      namespace: KARPENTER_DEFAULTS.namespace,
      createNamespace: false,
      // The CRDs come from karpenter-crd, which Helm upgrades (it never upgrades a chart's crds/).
      skipCrds: true,
      values: controllerValues({
        clusterName,
        clusterEndpoint: eksCluster.clusterEndpoint,
        queueName: this.interruptionQueue.queueName,
        region: stack.region,
        isolated: props.isolatedNetwork === true,
        replicas: props.replicas ?? KARPENTER_DEFAULTS.replicas,
        imageRepository: props.imageRepository,
      }),
    });
    this.chart.node.addDependency(this.crdChart, networkPolicy, association, controllerPolicy);
    // The controller too: deleting a pool must happen while Karpenter still runs, so it drains and
    // terminates the pool's nodes and lifts the EC2NodeClass's finalizer (otherwise the instances
    // outlive the stack and the deletion hangs). Whatever the chart waits for (the node add-ons,
    // endpoints), the pools wait for through it.
    this.nodePrerequisites = [this.crdChart, this.chart, nodeAccess, this.instanceProfile];

    applyAcknowledgements([
      ...nodeRoleAcknowledgements(this.nodeRole, false),
      ...karpenterAcknowledgements({ controllerPolicy, wildcardReasons: WILDCARD_REASONS, charts: [this.crdChart, this.chart] }),
    ]);
    factsOf(cluster).karpenter = { nodePools: [] };
  }

  /**
   * Adds a NodePool and its EC2NodeClass, both named `id`.
   *
   * @param id name of the NodePool and EC2NodeClass (a DNS-1123 label) and construct id
   * @param options requirements, limits, disruption, taints and Bottlerocket settings
   */
  public addNodePool(id: string, options: KarpenterNodePoolOptions = {}): KarpenterNodePool {
    if (this.pools.has(id)) {
      new PropProblems().throwIfAnyWith(`${this.node.path}.addNodePool(${id})`, 'id', id, 'A node pool with this name was already added; add it once.');
    }
    const pool = new KarpenterNodePool(this, id, { ...options, karpenter: this });
    pool.manifest.node.addDependency(...this.nodePrerequisites);
    this.pools.set(id, pool);
    return pool;
  }

  private validate(props: KarpenterProps): void {
    const problems = new PropProblems();
    const stack = Stack.of(this);
    if (props.version !== undefined && !Token.isUnresolved(props.version) && !/^1\.\d+\.\d+$/.test(props.version)) {
      problems.add('version', props.version, "Use a Karpenter v1 release such as '1.14.1' (no leading 'v').");
    }
    const repository = props.chartRepository;
    if (repository !== undefined && !Token.isUnresolved(repository)) {
      const ecr = /^oci:\/\/(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?(\/[a-z0-9._/-]+)?$/.exec(repository);
      const isPublic = /^oci:\/\/public\.ecr\.aws(\/[a-z0-9._/-]+)?$/.test(repository);
      if (!ecr && !isPublic) {
        problems.add('chartRepository', repository,
          "Use an OCI repository in this account's regional ECR, such as 'oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter', " +
          "or Amazon ECR Public ('oci://public.ecr.aws/karpenter'): the kubectl handler pulls charts from nowhere else.");
      } else if (ecr && ((!Token.isUnresolved(stack.account) && ecr[1] !== stack.account) || (!Token.isUnresolved(stack.region) && ecr[2] !== stack.region))) {
        problems.add('chartRepository', repository,
          `The kubectl handler may pull charts only from this account's ECR in this region (${stack.account}, ${stack.region}). Mirror the charts there.`);
      }
    }
    if (props.isolatedNetwork) {
      if (repository === undefined || /^oci:\/\/public\.ecr\.aws/.test(repository)) {
        problems.add('chartRepository', repository ?? KARPENTER_DEFAULTS.chartRepository,
          'The cluster has no internet path, so Amazon ECR Public is out of reach. Mirror the karpenter and karpenter-crd charts into this account\'s ' +
          "regional ECR and set chartRepository: 'oci://<account>.dkr.ecr.<region>.amazonaws.com/karpenter'.");
      }
      if (props.imageRepository === undefined || /^public\.ecr\.aws\//.test(props.imageRepository)) {
        problems.add('imageRepository', props.imageRepository ?? 'public.ecr.aws/karpenter/controller',
          'The cluster has no internet path, so nodes cannot pull the controller image from Amazon ECR Public. Copy it (digest unchanged) into ECR ' +
          "in this region and set imageRepository: '<account>.dkr.ecr.<region>.amazonaws.com/karpenter/controller'.");
      }
    }
    if (props.imageRepository !== undefined && !Token.isUnresolved(props.imageRepository)
      && (!/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/.test(props.imageRepository))) {
      problems.add('imageRepository', props.imageRepository, "An image repository without tag or digest, such as '111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter/controller'.");
    }
    if (props.replicas !== undefined && !Token.isUnresolved(props.replicas) && (!Number.isInteger(props.replicas) || props.replicas < 1 || props.replicas > 5)) {
      problems.add('replicas', props.replicas, 'Run 1 to 5 controller replicas (one leads; 2 survive losing a node).');
    }
    checkBottlerocketVersion(problems, 'bottlerocketVersion', props.bottlerocketVersion);
    problems.throwIfAny(this.node.path);
  }
}

/** The five interruption events Karpenter handles (detail-types exactly as EventBridge sends them). */
export const INTERRUPTION_RULES: ReadonlyArray<{ readonly id: string; readonly source: string; readonly detailType: string }> = [
  { id: 'ScheduledChangeRule', source: 'aws.health', detailType: 'AWS Health Event' },
  { id: 'SpotInterruptionRule', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning' },
  { id: 'RebalanceRule', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation' },
  { id: 'InstanceStateChangeRule', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification' },
  { id: 'CapacityReservationInterruptionRule', source: 'aws.ec2', detailType: 'EC2 Capacity Reservation Instance Interruption Warning' },
];

/** Labels of the controller's pods (the chart's selector labels for the release). */
export const CONTROLLER_POD_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'karpenter',
  'app.kubernetes.io/instance': KARPENTER_DEFAULTS.release,
};

/** What the chart values are rendered from. */
export interface ControllerValueOptions {
  readonly clusterName: string;
  readonly clusterEndpoint: string;
  readonly queueName: string;
  readonly region: string;
  readonly isolated: boolean;
  readonly replicas: number;
  readonly imageRepository?: string;
}

/**
 * Values of the `karpenter` chart. Pure. The controller runs only on managed node group nodes
 * (EKS labels them `eks.amazonaws.com/nodegroup`), never on a node Karpenter manages, one replica
 * per node; the region is set because pods cannot reach the instance metadata service.
 */
export function controllerValues(o: ControllerValueOptions): Record<string, unknown> {
  return {
    settings: {
      clusterName: o.clusterName,
      // Set, so the controller does not call eks:DescribeCluster at startup.
      clusterEndpoint: o.clusterEndpoint,
      interruptionQueue: o.queueName,
      isolatedVPC: o.isolated,
    },
    serviceAccount: { create: true, name: KARPENTER_DEFAULTS.serviceAccount },
    replicas: o.replicas,
    controller: {
      env: [{ name: 'AWS_REGION', value: o.region }],
      resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } },
      ...(o.imageRepository ? { image: { repository: o.imageRepository } } : {}),
    },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{
            matchExpressions: [
              { key: KARPENTER_LABELS.nodePool, operator: 'DoesNotExist' },
              { key: 'eks.amazonaws.com/nodegroup', operator: 'Exists' },
            ],
          }],
        },
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{
          topologyKey: 'kubernetes.io/hostname',
          labelSelector: { matchLabels: { ...CONTROLLER_POD_LABELS } },
        }],
      },
    },
  };
}
