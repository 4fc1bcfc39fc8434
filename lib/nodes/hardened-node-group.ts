import { Annotations, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  BottlerocketSettings, checkBottlerocketSettings, KernelLockdown, renderUserData, warnAboutBottlerocketSettings,
} from './bottlerocket-settings';
import { InstanceMetadataAccess } from './instance-metadata-access';
import { acceleratorOf, Architecture, checkDataVolumeSize, checkDedicated, checkInstanceTypes, checkLabels, checkSizes, checkTaints } from './validation';
import { IDedicatedNodes, IHardenedCluster } from '../core/hardened-cluster';
import { applyAcknowledgements, nodeRoleAcknowledgements } from '../nag/acknowledgements';
import { DEDICATED_NODE_KEY, NODE_GROUP_DEFAULTS, WARNINGS } from '../private/defaults';
import { PropProblems } from '../private/errors';
import { factsOf } from '../report/facts';

/**
 * CPU architecture of a node group.
 */
export enum NodeArchitecture {
  /** Intel and AMD instance types. The default. */
  X86_64 = 'x86_64',
  /** AWS Graviton instance types. */
  ARM_64 = 'arm64',
}

/**
 * Options of a hardened Bottlerocket managed node group. Names shared with aws-eks-v2's
 * `NodegroupOptions` mean the same thing.
 */
export interface HardenedNodeGroupOptions {
  /**
   * Instance types, all of one architecture and Nitro-based.
   *
   * @default - [m7i.large] for x86_64, [m7g.large] for arm64
   */
  readonly instanceTypes?: ec2.InstanceType[];

  /**
   * CPU architecture of the Bottlerocket AMI.
   *
   * @default NodeArchitecture.X86_64
   */
  readonly architecture?: NodeArchitecture;

  /**
   * Use Bottlerocket's FIPS variant (FIPS 140-3 validated cryptographic modules).
   *
   * @default false
   */
  readonly fips?: boolean;

  /**
   * Minimum number of nodes.
   *
   * @default 2
   */
  readonly minSize?: number;

  /**
   * Maximum number of nodes.
   *
   * @default 4
   */
  readonly maxSize?: number;

  /**
   * Number of nodes at creation. EKS leaves later changes to an autoscaler.
   *
   * @default - minSize
   */
  readonly desiredSize?: number;

  /**
   * Kubernetes labels on every node, for example `{ 'example.com/pool': 'high-security' }`.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Kubernetes taints on every node, for example a `dedicated=high-security:NoSchedule` taint so
   * only workloads that tolerate it are scheduled here.
   *
   * @default - none
   */
  readonly taints?: eks.TaintSpec[];

  /**
   * Dedicate the node group to the namespaces bound to it (`addNamespace(name, { nodeGroups: [this] })`):
   * every node gets the label and the NoSchedule taint `cdk-hardened-eks.io/dedicated=<value>`.
   * Pods of a bound namespace must select the label and may tolerate the taint; the admission
   * policies refuse that toleration everywhere else. A label value: up to 63 letters, digits,
   * '-', '_' and '.'.
   *
   * @default - not dedicated
   */
  readonly dedicated?: string;

  /**
   * On-demand or spot capacity.
   *
   * @default CapacityType.ON_DEMAND
   */
  readonly capacityType?: eks.CapacityType;

  /**
   * How many nodes may be unavailable during an update.
   *
   * @default 1
   */
  readonly maxUnavailable?: number;

  /**
   * Bottlerocket AMI release version, for example `1.50.0-8fa4a4c5`. Pin it to control when
   * nodes change; EKS uses the latest release for the cluster version otherwise.
   *
   * @default - the latest Bottlerocket release for the cluster version, at create time
   */
  readonly releaseVersion?: string;

  /**
   * Size of the data volume (/dev/xvdb: images, container storage, logs) in GiB.
   *
   * @default 50
   */
  readonly dataVolumeSize?: number;

  /**
   * Typed Bottlerocket settings, merged with the library's hardening.
   *
   * @default - the hardening defaults only
   */
  readonly bottlerocket?: BottlerocketSettings;

  /**
   * Who can reach the instance metadata service.
   *
   * @default InstanceMetadataAccess.NODE_ONLY
   */
  readonly instanceMetadataAccess?: InstanceMetadataAccess;

  /**
   * Run Bottlerocket's control host container so operators can reach nodes through AWS Systems
   * Manager, and attach AmazonSSMManagedInstanceCore to the node role. Leaves the warning
   * `cdk-hardened-eks:ssmAccess`.
   *
   * @default false
   */
  readonly enableSsmAccess?: boolean;

  /**
   * Let EKS replace nodes that report unhealthy.
   *
   * @default true
   */
  readonly enableNodeAutoRepair?: boolean;
}

/**
 * Properties of a HardenedNodeGroup.
 */
export interface HardenedNodeGroupProps extends HardenedNodeGroupOptions {
  /** The cluster the nodes join. */
  readonly cluster: IHardenedCluster;
}

/**
 * An EKS managed node group of Bottlerocket nodes, with a launch template the library owns.
 *
 * What it does by default:
 *
 * - Bottlerocket only (SELinux always enforcing, dm-verity root, no shell), x86_64 or arm64, FIPS by option;
 * - IMDSv2 required with hop limit 1: pods cannot reach the node role's credentials;
 * - no SSH key; the admin host container off; the SSM control container off unless enabled;
 * - root (/dev/xvda) and data (/dev/xvdb) volumes gp3, encrypted with the cluster's node volume key;
 * - kernel lockdown `integrity`, CIS Bottlerocket sysctls, udf and sctp blocked, seccomp default
 *   profile for every pod, pod PID limit, log rotation, all as TOML rendered by a TOML library;
 * - node role with AmazonEKSWorkerNodePolicy and AmazonEC2ContainerRegistryPullOnly only (the VPC
 *   CNI gets its permissions through its own Pod Identity role);
 * - private subnets only, on-demand capacity, node auto repair, one node unavailable at a time.
 */
export class HardenedNodeGroup extends Construct implements IDedicatedNodes {
  /** The underlying aws-eks-v2 managed node group. */
  public readonly nodegroup: eks.Nodegroup;

  /** The node IAM role. */
  public readonly role: iam.IRole;

  /** The launch template the node group uses. */
  public readonly launchTemplate: ec2.CfnLaunchTemplate;

  /** The Bottlerocket settings the nodes boot with, as TOML. */
  public readonly userData: string;

  /**
   * The value of the `cdk-hardened-eks.io/dedicated` label and taint of its nodes, when the node
   * group is dedicated to namespaces.
   */
  public readonly dedicated?: string;

  constructor(scope: Construct, id: string, props: HardenedNodeGroupProps) {
    super(scope, id);
    this.dedicated = props.dedicated;
    const architecture = (props.architecture ?? NodeArchitecture.X86_64) as Architecture;
    const instanceTypes = props.instanceTypes ?? [new ec2.InstanceType(architecture === 'arm64'
      ? NODE_GROUP_DEFAULTS.arm64InstanceType : NODE_GROUP_DEFAULTS.x86InstanceType)];
    const minSize = props.minSize ?? NODE_GROUP_DEFAULTS.minSize;
    const maxSize = props.maxSize ?? NODE_GROUP_DEFAULTS.maxSize;
    const metadataAccess = props.instanceMetadataAccess ?? InstanceMetadataAccess.NODE_ONLY;
    const bottlerocket = props.bottlerocket ?? {};

    this.validate(props, architecture, instanceTypes, minSize, maxSize, metadataAccess);

    this.userData = renderUserData({ settings: bottlerocket, controlContainer: props.enableSsmAccess === true });

    const role = new iam.Role(this, 'NodeRole', {
      description: `Bottlerocket nodes of ${this.node.path}`,
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodePolicy'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
        ...(props.enableSsmAccess ? [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')] : []),
      ],
    });
    this.role = role;

    this.launchTemplate = this.createLaunchTemplate(props.cluster.nodeVolumeKey, metadataAccess, props.dataVolumeSize);

    this.nodegroup = new eks.Nodegroup(this, 'Nodegroup', {
      cluster: props.cluster.cluster,
      nodeRole: role,
      // Neither amiType nor instanceTypes here: aws-eks-v2 guesses AMI types from its own list of
      // instance families, which knows neither the FIPS variants nor every NVIDIA family (and
      // cannot parse names such as p6-b200.48xlarge). The L1 gets both below, checked by
      // checkInstanceTypes.
      subnets: nodeSubnetSelection(props.cluster.cluster.vpc),
      minSize,
      maxSize,
      desiredSize: props.desiredSize ?? minSize,
      labels: props.dedicated ? { ...props.labels, [DEDICATED_NODE_KEY]: props.dedicated } : props.labels,
      taints: props.dedicated ? [...(props.taints ?? []), { key: DEDICATED_NODE_KEY, value: props.dedicated, effect: eks.TaintEffect.NO_SCHEDULE }] : props.taints,
      capacityType: props.capacityType ?? eks.CapacityType.ON_DEMAND,
      maxUnavailable: props.maxUnavailable ?? NODE_GROUP_DEFAULTS.maxUnavailable,
      releaseVersion: props.releaseVersion,
      launchTemplateSpec: { id: this.launchTemplate.ref, version: this.launchTemplate.attrLatestVersionNumber },
    });
    const cfnNodegroup = this.nodegroup.node.defaultChild as eks.CfnNodegroup;
    cfnNodegroup.instanceTypes = instanceTypes.map((t) => t.toString());
    const nvidia = instanceTypes.some((t) => acceleratorOf(t.toString()) === 'nvidia');
    cfnNodegroup.amiType = amiTypeFor(architecture, props.fips === true, nvidia);
    // Rendered both ways: aws-eks-v2 leaves the property out when repair is off.
    cfnNodegroup.nodeRepairConfig = { enabled: props.enableNodeAutoRepair ?? true };

    applyAcknowledgements(nodeRoleAcknowledgements(role, props.enableSsmAccess === true));
    factsOf(props.cluster).nodeGroups.push({
      path: this.node.path,
      imdsFromPods: metadataAccess !== InstanceMetadataAccess.NODE_ONLY,
      ssm: props.enableSsmAccess === true,
      lockdownOff: props.bottlerocket?.kernelLockdown === KernelLockdown.NONE,
      sysctlOverride: props.bottlerocket?.overrideHardenedSysctls === true,
      bootstrapContainers: (props.bottlerocket?.bootstrapContainers ?? []).length > 0,
    });
    this.warnAboutWeakenings(props, metadataAccess);
  }

  private validate(props: HardenedNodeGroupProps, architecture: Architecture, instanceTypes: ec2.InstanceType[],
    minSize: number, maxSize: number, metadataAccess: InstanceMetadataAccess): void {
    const problems = new PropProblems();
    checkInstanceTypes(problems, instanceTypes.map((t) => t.toString()), architecture, props.fips === true);
    checkSizes(problems, minSize, maxSize, props.desiredSize);
    checkLabels(problems, props.labels ?? {});
    checkTaints(problems, props.taints ?? []);
    checkDedicated(problems, props.labels ?? {}, props.taints ?? [], props.dedicated);
    checkBottlerocketSettings(problems, 'bottlerocket', props.bottlerocket ?? {});
    const hop = metadataAccess.hopLimit;
    if (metadataAccess !== InstanceMetadataAccess.NODE_ONLY && !Token.isUnresolved(hop) && (!Number.isInteger(hop) || hop < 2 || hop > 64)) {
      problems.add('instanceMetadataAccess', `reachableFromPods(${hop})`,
        'The hop limit for pods is 2 to 64 (2 is enough). Use InstanceMetadataAccess.NODE_ONLY to keep pods away from node credentials.');
    }
    if (props.maxUnavailable !== undefined && !Token.isUnresolved(props.maxUnavailable)
      && (!Number.isInteger(props.maxUnavailable) || props.maxUnavailable < 1 || props.maxUnavailable > 100)) {
      problems.add('maxUnavailable', props.maxUnavailable, 'EKS accepts 1 to 100 nodes unavailable during an update.');
    }
    checkDataVolumeSize(problems, props.dataVolumeSize);
    if (props.releaseVersion !== undefined && !Token.isUnresolved(props.releaseVersion) && !/^\d+\.\d+\.\d+-[0-9a-f]{8}$/.test(props.releaseVersion)) {
      problems.add('releaseVersion', props.releaseVersion, "A Bottlerocket release version looks like '1.50.0-8fa4a4c5'.");
    }
    problems.throwIfAny(this.node.path);
  }

  private createLaunchTemplate(volumeKey: kms.IKey, metadataAccess: InstanceMetadataAccess, dataVolumeSize: number | undefined): ec2.CfnLaunchTemplate {
    const volume = (deviceName: string, volumeSize?: number) => ({
      deviceName,
      ebs: { volumeType: 'gp3', volumeSize, encrypted: true, kmsKeyId: volumeKey.keyArn, deleteOnTermination: true },
    });
    // Name, plus every tag the node group ends up with (stack tags, Tags.of(...)), resolved at
    // synth after the tagging aspects ran: EKS does not copy node group tags to instances.
    const tags = (): Array<{ key: string; value: string }> => {
        const nodegroupTags = (this.nodegroup.node.defaultChild as eks.CfnNodegroup).tags.renderTags() as Record<string, string> | undefined;
        return [
          { key: 'Name', value: this.node.path },
          ...Object.entries(nodegroupTags ?? {}).filter(([key]) => key !== 'Name').map(([key, value]) => ({ key, value })),
        ];
    };
    const template = new ec2.CfnLaunchTemplate(this, 'LaunchTemplate', {
      launchTemplateData: {
        // No ImageId: EKS picks the Bottlerocket AMI and merges this TOML with its own settings.
        userData: Fn.base64(this.userData),
        metadataOptions: {
          httpTokens: 'required',
          httpEndpoint: 'enabled',
          httpPutResponseHopLimit: metadataAccess.hopLimit,
          instanceMetadataTags: 'disabled',
        },
        blockDeviceMappings: [
          // The OS volume keeps the AMI's size; only its encryption and type change.
          volume('/dev/xvda'),
          volume('/dev/xvdb', dataVolumeSize ?? NODE_GROUP_DEFAULTS.dataVolumeSize),
        ],
        monitoring: { enabled: true },
        tagSpecifications: Lazy.any({
          produce: () => ['instance', 'volume', 'network-interface'].map((resourceType) => ({ resourceType, tags: tags() })),
        }),
      },
    });
    return template;
  }

  private warnAboutWeakenings(props: HardenedNodeGroupProps, metadataAccess: InstanceMetadataAccess): void {
    const warnings = Annotations.of(this);
    if (metadataAccess !== InstanceMetadataAccess.NODE_ONLY) {
      warnings.addWarningV2(WARNINGS.imdsReachableFromPods,
        `instanceMetadataAccess lets pods reach the instance metadata service (hop limit ${metadataAccess.hopLimit}) and so the node role's credentials.`);
    }
    if (props.enableSsmAccess) {
      warnings.addWarningV2(WARNINGS.ssmAccess,
        'enableSsmAccess runs the control host container and grants the node role AmazonSSMManagedInstanceCore: SSM sessions can reach the nodes.');
    }
    warnAboutBottlerocketSettings(this, props.bottlerocket);
    if (props.capacityType === eks.CapacityType.SPOT) {
      warnings.addWarningV2(WARNINGS.spotCapacity, 'capacityType is SPOT: nodes can be reclaimed with two minutes notice.');
    }
    if (props.enableNodeAutoRepair === false) {
      warnings.addWarningV2(WARNINGS.nodeAutoRepairOff, 'enableNodeAutoRepair is false: unhealthy nodes stay in service until replaced by hand.');
    }
  }
}

/**
 * The Bottlerocket AMI type for an architecture, the FIPS choice and NVIDIA GPU instance types.
 * The NVIDIA variants are the standard ones plus the NVIDIA driver and device plugin: the same
 * settings API, SELinux policy and launch template apply.
 */
export function amiTypeFor(architecture: Architecture, fips: boolean, nvidia: boolean = false): eks.NodegroupAmiType {
  if (nvidia) {
    return architecture === 'arm64' ? eks.NodegroupAmiType.BOTTLEROCKET_ARM_64_NVIDIA : eks.NodegroupAmiType.BOTTLEROCKET_X86_64_NVIDIA;
  }
  if (architecture === 'arm64') {
    return fips ? eks.NodegroupAmiType.BOTTLEROCKET_ARM_64_FIPS : eks.NodegroupAmiType.BOTTLEROCKET_ARM_64;
  }
  return fips ? eks.NodegroupAmiType.BOTTLEROCKET_X86_64_FIPS : eks.NodegroupAmiType.BOTTLEROCKET_X86_64;
}

/**
 * Where nodes run (managed node groups and Karpenter's alike): the private subnets with NAT egress;
 * in a VPC without them (an isolated cluster), the isolated ones.
 */
export function nodeSubnetSelection(vpc: ec2.IVpc): ec2.SubnetSelection {
  return { subnetType: vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
}

/** The ARN of the account's Auto Scaling service-linked role, which launches managed nodes. */
export function autoScalingServiceLinkedRoleArn(scope: Construct): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}
