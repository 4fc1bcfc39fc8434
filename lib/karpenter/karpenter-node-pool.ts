import { Annotations, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import type { Karpenter } from './karpenter';
import { KARPENTER_LABELS, renderEc2NodeClass, renderNodePool, RequirementObject, TaintObject } from './karpenter-objects';
import { IDedicatedNodes } from '../core/hardened-cluster';
import { parseNonNegativeQuantity } from '../manifests/quantity';
import {
  BottlerocketSettings, checkBottlerocketSettings, KernelLockdown, renderUserData, warnAboutBottlerocketSettings,
} from '../nodes/bottlerocket-settings';
import { NodeArchitecture } from '../nodes/hardened-node-group';
import { checkDataVolumeSize, checkDedicated, checkInstanceTypes, checkLabels, checkTaints } from '../nodes/validation';
import { DEDICATED_NODE_KEY, KARPENTER_BOUNDS, KARPENTER_DEFAULTS, WARNINGS } from '../private/defaults';
import { durationSeconds } from '../private/durations';
import { PropProblems } from '../private/errors';
import { isDns1123Label, isLabelKey, isLabelValue } from '../private/names';
import { factsOf } from '../report/facts';

/**
 * Capacity a node pool may launch (`karpenter.sh/capacity-type`).
 */
export enum KarpenterCapacityType {
  /** On-demand instances. The default. */
  ON_DEMAND = 'on-demand',
  /** Spot instances: reclaimed with two minutes notice, which the interruption queue delivers. */
  SPOT = 'spot',
}

/**
 * Operator of a node pool requirement.
 */
export enum KarpenterRequirementOperator {
  IN = 'In',
  NOT_IN = 'NotIn',
  EXISTS = 'Exists',
  DOES_NOT_EXIST = 'DoesNotExist',
  GT = 'Gt',
  LT = 'Lt',
}

/**
 * A requirement on the instances a node pool launches (NodePool `spec.template.spec.requirements`).
 */
export interface KarpenterRequirement {
  /** A well-known label, for example `karpenter.k8s.aws/instance-family` or `node.kubernetes.io/instance-type`. */
  readonly key: string;
  /** How the values apply. */
  readonly operator: KarpenterRequirementOperator;
  /**
   * Values (one number for Gt and Lt; none for Exists and DoesNotExist).
   *
   * @default - none
   */
  readonly values?: string[];
  /**
   * How many distinct values of the key the candidate instance types must span (flexibility for spot).
   *
   * @default - no minimum
   */
  readonly minValues?: number;
}

/**
 * The most a node pool may launch in total (NodePool `spec.limits`), as Kubernetes quantities.
 */
export interface KarpenterLimits {
  /**
   * vCPUs across the pool's nodes, for example '64'.
   *
   * @default '64'
   */
  readonly cpu?: string;
  /**
   * Memory across the pool's nodes, for example '256Gi'.
   *
   * @default '256Gi'
   */
  readonly memory?: string;
}

/**
 * How Karpenter consolidates a node pool (`spec.disruption.consolidationPolicy`).
 */
export enum KarpenterConsolidationPolicy {
  /** Remove empty nodes and replace underused ones with cheaper ones. The default. */
  WHEN_EMPTY_OR_UNDERUTILIZED = 'WhenEmptyOrUnderutilized',
  /** Remove empty nodes only. */
  WHEN_EMPTY = 'WhenEmpty',
}

/**
 * Why Karpenter disrupts a node, for disruption budgets.
 */
export enum KarpenterDisruptionReason {
  UNDERUTILIZED = 'Underutilized',
  EMPTY = 'Empty',
  DRIFTED = 'Drifted',
}

/**
 * A disruption budget (`spec.disruption.budgets[]`): how many nodes Karpenter may disrupt at once.
 */
export interface KarpenterDisruptionBudget {
  /** A count or a percentage of the pool's nodes, for example '10%' or '0'. */
  readonly nodes: string;
  /**
   * Cron schedule (UTC) when the budget applies; needs `duration`.
   *
   * @default - always
   */
  readonly schedule?: string;
  /**
   * How long the budget applies after each scheduled start, in hours and minutes, for example '8h'.
   *
   * @default - always
   */
  readonly duration?: string;
  /**
   * Reasons the budget limits.
   *
   * @default - all reasons
   */
  readonly reasons?: KarpenterDisruptionReason[];
}

/**
 * Disruption settings of a node pool (`spec.disruption`).
 */
export interface KarpenterDisruption {
  /**
   * What consolidation may do.
   *
   * @default KarpenterConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED
   */
  readonly consolidationPolicy?: KarpenterConsolidationPolicy;
  /**
   * How long a node must be consolidatable before Karpenter acts (a duration such as '1m'), or
   * 'Never'.
   *
   * @default '1m'
   */
  readonly consolidateAfter?: string;
  /**
   * Disruption budgets.
   *
   * @default - one budget of 10% of the nodes
   */
  readonly budgets?: KarpenterDisruptionBudget[];
}

/**
 * Options of a Karpenter node pool: a NodePool and its EC2NodeClass. Names follow Karpenter's fields.
 */
export interface KarpenterNodePoolOptions {
  /**
   * CPU architecture of the nodes (the `kubernetes.io/arch` requirement; the Bottlerocket alias
   * resolves the AMI per architecture).
   *
   * @default NodeArchitecture.X86_64
   */
  readonly architecture?: NodeArchitecture;

  /**
   * Capacity types the pool may launch. SPOT leaves the warning `cdk-hardened-eks:spotCapacity`.
   *
   * @default [KarpenterCapacityType.ON_DEMAND]
   */
  readonly capacityTypes?: KarpenterCapacityType[];

  /**
   * Requirements beside the library's (architecture, Linux, Nitro hypervisor, capacity type). A
   * requirement on `karpenter.k8s.aws/instance-category` or `instance-generation` replaces the
   * default one; instance types named with `node.kubernetes.io/instance-type` must be Nitro
   * types of the pool's architecture. Refused: the keys the library sets, keys in `karpenter.sh`
   * and `kubernetes.io/hostname` (Karpenter's CRD refuses them), and `minValues` above the number
   * of values.
   *
   * @default - categories c, m and r; generation 6 or newer
   */
  readonly requirements?: KarpenterRequirement[];

  /**
   * The most the pool may launch in total. Always rendered: a pool without limits scales until the
   * account's quotas stop it.
   *
   * @default - cpu '64', memory '256Gi'
   */
  readonly limits?: KarpenterLimits;

  /**
   * Render no limits at all. A weakening: leaves the warning `cdk-hardened-eks:unboundedNodePool`.
   *
   * @default false
   */
  readonly allowUnlimited?: boolean;

  /**
   * How long a node lives before Karpenter replaces it (fresh Bottlerocket, no drift), as a
   * duration of 1h to 2160h (90 days) such as '504h', or 'Never' (leaves the warning
   * `cdk-hardened-eks:nodesNeverExpire`). Known at synth time.
   *
   * @default '504h' (21 days, as EKS Auto Mode)
   */
  readonly expireAfter?: string;

  /**
   * How long a draining node waits for its pods (PodDisruptionBudgets and
   * do-not-disrupt annotations included) before it is terminated, so expiry always happens: 1m to
   * 168h (7 days), known at synth time.
   *
   * @default '24h'
   */
  readonly terminationGracePeriod?: string;

  /**
   * Consolidation and disruption budgets.
   *
   * @default - consolidate empty and underused nodes after 1m, at most 10% of the nodes at once
   */
  readonly disruption?: KarpenterDisruption;

  /**
   * Kubernetes labels on every node (keys under `kubernetes.io`, `k8s.io`, `karpenter.sh`,
   * `karpenter.k8s.aws` and the dedicated key are refused).
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Taints on every node (keys in `karpenter.sh` and the dedicated key are refused).
   *
   * @default - none
   */
  readonly taints?: eks.TaintSpec[];

  /**
   * Taints a node starts with, which a daemon removes once it has set the node up (keys in
   * `karpenter.sh` and the dedicated key are refused).
   *
   * @default - none
   */
  readonly startupTaints?: eks.TaintSpec[];

  /**
   * Dedicate the pool to the namespaces bound to it (`addNamespace(name, { nodeGroups: [pool] })`):
   * every node gets the label and NoSchedule taint `cdk-hardened-eks.io/dedicated=<value>`, as
   * with HardenedNodeGroup's `dedicated`.
   *
   * @default - not dedicated
   */
  readonly dedicated?: string;

  /**
   * Priority among node pools that fit a pod (higher first), 1 to 100.
   *
   * @default - no weight
   */
  readonly weight?: number;

  /**
   * Typed Bottlerocket settings, merged with the library's hardening, as for managed node groups.
   * Karpenter sets the cluster, label, taint and max-pods settings itself.
   *
   * @default - the hardening defaults only
   */
  readonly bottlerocket?: BottlerocketSettings;

  /**
   * Bottlerocket release of this pool, for example 'v1.64.0'.
   *
   * @default - the Karpenter construct's bottlerocketVersion
   */
  readonly bottlerocketVersion?: string;

  /**
   * Size of the data volume (/dev/xvdb) in GiB, 20 to 16384.
   *
   * @default 50
   */
  readonly dataVolumeSize?: number;

  /**
   * Tags on the instances, volumes and network interfaces Karpenter launches (the tags Karpenter
   * sets itself, which the controller's policy relies on, are refused).
   *
   * @default - Karpenter's own tags only
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Properties of a KarpenterNodePool.
 */
export interface KarpenterNodePoolProps extends KarpenterNodePoolOptions {
  /** The Karpenter installation the pool belongs to. */
  readonly karpenter: Karpenter;
}

/**
 * A Karpenter NodePool and its EC2NodeClass, both named after the construct id, applied in one
 * manifest once the CRDs exist.
 *
 * What it does by default:
 *
 * - EC2NodeClass: Bottlerocket pinned by alias version; IMDSv2 required with hop limit 1 and IPv6
 *   IMDS off; /dev/xvda and /dev/xvdb gp3, encrypted with the cluster's node volume key;
 *   detailed monitoring; no public IP; the cluster's private subnets and security group by id;
 *   the pre-created instance profile; user data from the same typed Bottlerocket settings as the
 *   managed node groups;
 * - NodePool: on-demand, Nitro-only instances of one architecture (c, m, r; generation 6 or
 *   newer); limits of 64 vCPUs and 256 GiB; nodes replaced after 21 days and drained within 24
 *   hours; consolidation of at most 10% of the nodes at once.
 */
export class KarpenterNodePool extends Construct implements IDedicatedNodes {
  /** Name of the NodePool and of its EC2NodeClass. */
  public readonly nodePoolName: string;

  /** The manifest holding the EC2NodeClass and the NodePool. */
  public readonly manifest: eks.KubernetesManifest;

  /** The Bottlerocket settings the nodes boot with, as TOML (Karpenter adds its own settings). */
  public readonly userData: string;

  /** The value of the `cdk-hardened-eks.io/dedicated` label and taint of its nodes, when dedicated. */
  public readonly dedicated?: string;

  constructor(scope: Construct, id: string, props: KarpenterNodePoolProps) {
    super(scope, id);
    const karpenter = props.karpenter;
    const cluster = karpenter.cluster;
    const architecture = props.architecture ?? NodeArchitecture.X86_64;
    const capacityTypes = props.capacityTypes ?? [KarpenterCapacityType.ON_DEMAND];
    this.validate(id, props, architecture, capacityTypes);
    this.nodePoolName = id;
    this.dedicated = props.dedicated;

    this.userData = renderUserData({ settings: props.bottlerocket ?? {}, controlContainer: false });

    const nodeClass = renderEc2NodeClass({
      name: id,
      instanceProfile: karpenter.instanceProfile.instanceProfileName,
      amiAlias: `bottlerocket@${props.bottlerocketVersion ?? karpenter.bottlerocketVersion}`,
      subnetIds: karpenter.nodeSubnets.map((s) => s.subnetId),
      securityGroupIds: [cluster.cluster.clusterSecurityGroupId],
      volumeKeyArn: cluster.nodeVolumeKey.keyArn,
      volumes: [
        { deviceName: '/dev/xvda', volumeSize: KARPENTER_DEFAULTS.rootVolumeSize },
        { deviceName: '/dev/xvdb', volumeSize: `${props.dataVolumeSize ?? KARPENTER_DEFAULTS.dataVolumeSize}Gi` },
      ],
      userData: this.userData,
      detailedMonitoring: true,
      tags: props.tags ?? {},
    });

    const taints = [...(props.taints ?? []).map(taintObject)];
    const labels = { ...props.labels };
    if (props.dedicated) {
      labels[DEDICATED_NODE_KEY] = props.dedicated;
      taints.push({ key: DEDICATED_NODE_KEY, value: props.dedicated, effect: 'NoSchedule' });
    }
    const unlimited = props.allowUnlimited === true && props.limits === undefined;
    const disruption = props.disruption ?? {};
    const nodePool = renderNodePool({
      name: id,
      nodeClassName: id,
      labels,
      requirements: requirementsOf(props, architecture, capacityTypes),
      taints,
      startupTaints: (props.startupTaints ?? []).map(taintObject),
      expireAfter: props.expireAfter ?? KARPENTER_DEFAULTS.expireAfter,
      terminationGracePeriod: props.terminationGracePeriod ?? KARPENTER_DEFAULTS.terminationGracePeriod,
      limits: unlimited ? undefined : {
        cpu: props.limits?.cpu ?? KARPENTER_DEFAULTS.limits.cpu,
        memory: props.limits?.memory ?? KARPENTER_DEFAULTS.limits.memory,
      },
      consolidationPolicy: disruption.consolidationPolicy ?? KarpenterConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
      consolidateAfter: disruption.consolidateAfter ?? KARPENTER_DEFAULTS.consolidateAfter,
      budgets: (disruption.budgets ?? [{ nodes: KARPENTER_DEFAULTS.budgetNodes }]).map((b) => ({
        nodes: b.nodes,
        ...(b.schedule !== undefined ? { schedule: b.schedule } : {}),
        ...(b.duration !== undefined ? { duration: b.duration } : {}),
        ...(b.reasons !== undefined ? { reasons: [...b.reasons] } : {}),
      })),
      weight: props.weight,
    });

    this.manifest = new eks.KubernetesManifest(this, 'Manifest', {
      cluster: cluster.cluster,
      manifest: [nodeClass, nodePool],
      overwrite: true,
      // Two objects under fixed names: an update changes them in place.
      prune: false,
    });

    const never = props.expireAfter === 'Never';
    const spot = capacityTypes.includes(KarpenterCapacityType.SPOT);
    factsOf(cluster).karpenter?.nodePools.push({
      unlimited,
      neverExpire: never,
      lockdownOff: props.bottlerocket?.kernelLockdown === KernelLockdown.NONE,
      sysctlOverride: props.bottlerocket?.overrideHardenedSysctls === true,
      bootstrapContainers: (props.bottlerocket?.bootstrapContainers ?? []).length > 0,
    });
    const warnings = Annotations.of(this);
    if (unlimited) {
      warnings.addWarningV2(WARNINGS.unboundedNodePool,
        `Node pool ${id} has no limits (allowUnlimited): a burst of pending pods can launch instances until the account's EC2 quotas stop it.`);
    }
    if (never) {
      warnings.addWarningV2(WARNINGS.nodesNeverExpire, `Node pool ${id} sets expireAfter: 'Never': its nodes keep their Bottlerocket image and state until something else replaces them.`);
    }
    if (spot) {
      warnings.addWarningV2(WARNINGS.spotCapacity, `Node pool ${id} may launch spot capacity: nodes can be reclaimed with two minutes notice.`);
    }
    warnAboutBottlerocketSettings(this, props.bottlerocket);
  }

  private validate(id: string, props: KarpenterNodePoolProps, architecture: NodeArchitecture, capacityTypes: KarpenterCapacityType[]): void {
    const problems = new PropProblems();
    if (!isDns1123Label(id)) {
      problems.add('id', id, "The id names the NodePool and its EC2NodeClass, and Karpenter puts it in the karpenter.sh/nodepool label: use up to 63 lowercase letters, digits and '-', such as 'general'.");
    }
    if (!Object.values(NodeArchitecture).includes(architecture)) {
      problems.add('architecture', architecture, 'Use NodeArchitecture.X86_64 or NodeArchitecture.ARM_64.');
    }
    if (capacityTypes.length === 0 || capacityTypes.some((c) => !Object.values(KarpenterCapacityType).includes(c))) {
      problems.add('capacityTypes', capacityTypes, 'Give KarpenterCapacityType.ON_DEMAND, SPOT or both.');
    }
    for (const r of props.requirements ?? []) {
      if (OWNED_REQUIREMENT_KEYS[r.key] !== undefined) {
        problems.add('requirements', r.key, OWNED_REQUIREMENT_KEYS[r.key]);
      } else if (inKarpenterCoreDomain(r.key) || r.key === 'kubernetes.io/hostname') {
        problems.add('requirements', r.key, 'Karpenter refuses requirements on its own karpenter.sh keys (but capacity-type) and on kubernetes.io/hostname.');
      } else if (!isLabelKey(r.key)) {
        problems.add('requirements', r.key, "A requirement key is a label key such as 'karpenter.k8s.aws/instance-family'.");
      }
      if (!Object.values(KarpenterRequirementOperator).includes(r.operator)) {
        problems.add('requirements', `${r.key} ${r.operator}`, 'Use a KarpenterRequirementOperator.');
      }
      const values = r.values ?? [];
      const noValues = r.operator === KarpenterRequirementOperator.EXISTS || r.operator === KarpenterRequirementOperator.DOES_NOT_EXIST;
      if (noValues && values.length > 0) {
        problems.add('requirements', `${r.key} ${r.operator} [${values.join(', ')}]`, `${r.operator} takes no values; remove them.`);
      } else if (!noValues && values.length === 0) {
        problems.add('requirements', `${r.key} ${r.operator}`, `${r.operator} needs values.`);
      }
      if ((r.operator === KarpenterRequirementOperator.GT || r.operator === KarpenterRequirementOperator.LT) && (values.length !== 1 || !/^\d+$/.test(values[0]))) {
        problems.add('requirements', `${r.key} ${r.operator} [${values.join(', ')}]`, `${r.operator} takes exactly one whole number.`);
      }
      for (const v of values) {
        if (!Token.isUnresolved(v) && !isLabelValue(v)) { problems.add('requirements', `${r.key}=${v}`, 'Values are label values: up to 63 letters, digits, \'-\', \'_\' and \'.\'.'); }
      }
      if (r.minValues !== undefined && (!Number.isInteger(r.minValues) || r.minValues < 1 || r.minValues > 50)) {
        problems.add('requirements', `${r.key} minValues ${r.minValues}`, 'minValues is a whole number from 1 to 50.');
      } else if (r.minValues !== undefined && r.operator === KarpenterRequirementOperator.IN && r.minValues > values.length) {
        problems.add('requirements', `${r.key} minValues ${r.minValues}`, `minValues cannot exceed the ${values.length} values given.`);
      }
      if (r.key === 'node.kubernetes.io/instance-type' && r.operator === KarpenterRequirementOperator.IN) {
        // The same check as managed node groups: Nitro, this architecture, accelerators Bottlerocket drives.
        checkInstanceTypes(problems, values, architecture, false);
      }
    }
    const limits = props.limits ?? {};
    for (const [name, value] of Object.entries(limits)) {
      if (value !== undefined && !Token.isUnresolved(value) && (parseNonNegativeQuantity(value) === undefined || parseNonNegativeQuantity(value) === 0)) {
        problems.add(`limits.${name}`, value, name === 'cpu' ? "Use a positive quantity such as '64' or '500m'." : "Use a positive quantity such as '256Gi'.");
      }
    }
    if (props.allowUnlimited && props.limits !== undefined) {
      problems.add('allowUnlimited', true, 'limits were given too; remove one of the two.');
    }
    checkDuration(problems, 'expireAfter', props.expireAfter, true, {
      min: KARPENTER_BOUNDS.minExpireAfterHours * 3600, max: KARPENTER_BOUNDS.maxExpireAfterHours * 3600,
      text: `Nodes live ${KARPENTER_BOUNDS.minExpireAfterHours}h to ${KARPENTER_BOUNDS.maxExpireAfterHours}h (90 days); 'Never' is a warned choice of its own.`,
    });
    checkDuration(problems, 'terminationGracePeriod', props.terminationGracePeriod, false, {
      min: KARPENTER_BOUNDS.minTerminationGracePeriodMinutes * 60, max: KARPENTER_BOUNDS.maxTerminationGracePeriodHours * 3600,
      text: `Use ${KARPENTER_BOUNDS.minTerminationGracePeriodMinutes}m to ${KARPENTER_BOUNDS.maxTerminationGracePeriodHours}h (7 days): long enough for PodDisruptionBudgets, short enough that expiry happens.`,
    });
    const disruption = props.disruption ?? {};
    checkDuration(problems, 'disruption.consolidateAfter', disruption.consolidateAfter, true);
    if (disruption.consolidationPolicy !== undefined && !Object.values(KarpenterConsolidationPolicy).includes(disruption.consolidationPolicy)) {
      problems.add('disruption.consolidationPolicy', disruption.consolidationPolicy, 'Use a KarpenterConsolidationPolicy.');
    }
    if (disruption.budgets !== undefined && disruption.budgets.length === 0) {
      problems.add('disruption.budgets', '[]', 'Give at least one budget, or leave budgets unset for 10% of the nodes at once.');
    }
    for (const b of disruption.budgets ?? []) {
      if (!/^(\d+|\d{1,2}%|100%)$/.test(b.nodes)) {
        problems.add('disruption.budgets', b.nodes, "nodes is a count or a percentage, such as '1' or '10%'.");
      }
      if ((b.schedule === undefined) !== (b.duration === undefined)) {
        problems.add('disruption.budgets', `schedule ${b.schedule ?? '-'}, duration ${b.duration ?? '-'}`, 'schedule and duration go together.');
      }
      if (b.schedule !== undefined && !/^(@(yearly|annually|monthly|weekly|daily|midnight|hourly))$|^(\S+\s+){4}\S+$/.test(b.schedule.trim())) {
        problems.add('disruption.budgets', b.schedule, "schedule is a cron expression such as '0 9 * * mon-fri'.");
      }
      checkDuration(problems, 'disruption.budgets.duration', b.duration, false, undefined, BUDGET_DURATION);
    }
    checkLabels(problems, props.labels ?? {});
    checkTaints(problems, props.taints ?? []);
    checkTaints(problems, props.startupTaints ?? []);
    for (const t of [...props.taints ?? [], ...props.startupTaints ?? []]) {
      if (t.key !== undefined && inKarpenterCoreDomain(t.key)) {
        problems.add('taints', t.key, 'Karpenter sets and removes its own karpenter.sh taints (disrupted, unregistered); use a key of your own.');
      }
    }
    checkDedicated(problems, props.labels ?? {}, [...props.taints ?? [], ...props.startupTaints ?? []], props.dedicated);
    for (const key of Object.keys(props.labels ?? {})) {
      if (/(^|\.)(kubernetes\.io|k8s\.io|karpenter\.sh|karpenter\.k8s\.aws)\//.test(key)) {
        problems.add('labels', key, 'Karpenter and the kubelet own labels under kubernetes.io, k8s.io, karpenter.sh and karpenter.k8s.aws. Use a prefix of your own.');
      }
    }
    if (props.weight !== undefined && (!Number.isInteger(props.weight) || props.weight < 1 || props.weight > 100)) {
      problems.add('weight', props.weight, 'weight is a whole number from 1 to 100.');
    }
    checkBottlerocketSettings(problems, 'bottlerocket', props.bottlerocket ?? {});
    checkBottlerocketVersion(problems, 'bottlerocketVersion', props.bottlerocketVersion);
    checkDataVolumeSize(problems, props.dataVolumeSize);
    for (const key of Object.keys(props.tags ?? {})) {
      if (/^(eks:eks-cluster-name$|kubernetes\.io\/cluster|karpenter\.sh\/nodepool$|karpenter\.sh\/nodeclaim$|karpenter\.k8s\.aws\/ec2nodeclass$)/.test(key)) {
        problems.add('tags', key, 'Karpenter sets this tag itself, and the controller\'s IAM policy relies on it. Use a tag key of your own.');
      }
    }
    problems.throwIfAny(this.node.path);
  }
}

/** A Bottlerocket version for an EC2NodeClass alias: 'v1.64.0' (pinned; 'latest' is refused). */
export function checkBottlerocketVersion(problems: PropProblems, prop: string, version: string | undefined): void {
  if (version === undefined || Token.isUnresolved(version)) { return; }
  if (!/^v?1\.\d+\.\d+$/.test(version)) {
    problems.add(prop, version, version === 'latest'
      ? "'latest' lets every Bottlerocket release reach the nodes unreviewed. Pin a release such as 'v1.64.0' and raise it on purpose."
      : "A Bottlerocket release looks like 'v1.64.0'.");
  }
}

/** Whether a label or taint key is in Karpenter's own `karpenter.sh` domain (subdomains included). */
function inKarpenterCoreDomain(key: string): boolean {
  return key.includes('/') && /(^|\.)karpenter\.sh$/.test(key.split('/')[0]);
}

/** Requirement keys the library sets, and what to use instead. */
const OWNED_REQUIREMENT_KEYS: Readonly<Record<string, string>> = {
  [KARPENTER_LABELS.arch]: 'Set architecture instead: the library keeps one architecture per pool.',
  [KARPENTER_LABELS.os]: 'Bottlerocket nodes are Linux; the library sets this requirement.',
  [KARPENTER_LABELS.hypervisor]: 'The library requires Nitro instances; Bottlerocket nodes need them.',
  [KARPENTER_LABELS.capacityType]: 'Set capacityTypes instead.',
  [DEDICATED_NODE_KEY]: "Set dedicated: '<name>' instead.",
};

/** The pool's requirements: the library's, the defaults the user did not replace, then the user's. */
function requirementsOf(props: KarpenterNodePoolOptions, architecture: NodeArchitecture, capacityTypes: KarpenterCapacityType[]): RequirementObject[] {
  const user = props.requirements ?? [];
  const userKeys = new Set(user.map((r) => r.key));
  const defaults: RequirementObject[] = [
    { key: KARPENTER_LABELS.category, operator: 'In', values: [...KARPENTER_DEFAULTS.instanceCategories] },
    { key: KARPENTER_LABELS.generation, operator: 'Gt', values: [String(KARPENTER_DEFAULTS.instanceGenerationAbove)] },
  ].filter((r) => !userKeys.has(r.key));
  return [
    { key: KARPENTER_LABELS.arch, operator: 'In', values: [architecture === NodeArchitecture.ARM_64 ? 'arm64' : 'amd64'] },
    { key: KARPENTER_LABELS.os, operator: 'In', values: ['linux'] },
    { key: KARPENTER_LABELS.hypervisor, operator: 'In', values: ['nitro'] },
    { key: KARPENTER_LABELS.capacityType, operator: 'In', values: [...capacityTypes] },
    ...defaults,
    ...user.map((r) => ({
      key: r.key,
      operator: r.operator,
      ...(r.values !== undefined && r.values.length > 0 ? { values: [...r.values] } : {}),
      ...(r.minValues !== undefined ? { minValues: r.minValues } : {}),
    })),
  ];
}

const EFFECTS: Record<string, string> = { NO_SCHEDULE: 'NoSchedule', PREFER_NO_SCHEDULE: 'PreferNoSchedule', NO_EXECUTE: 'NoExecute' };

/** An aws-eks-v2 taint as Kubernetes spells it. */
function taintObject(t: eks.TaintSpec): TaintObject {
  return { key: t.key!, ...(t.value !== undefined ? { value: t.value } : {}), effect: EFFECTS[t.effect ?? 'NO_SCHEDULE'] ?? String(t.effect) };
}

/** Karpenter's own duration patterns (NodePool CRD, v1.14.1). */
const DURATION = /^([0-9]+(s|m|h))+$/;
const BUDGET_DURATION = /^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/;

/**
 * A duration Karpenter accepts, known at synth, within [min, max] seconds; 'Never' only where
 * `neverAllowed`.
 */
function checkDuration(problems: PropProblems, prop: string, value: string | undefined, neverAllowed: boolean,
  bounds?: { min: number; max: number; text: string }, pattern: RegExp = DURATION): void {
  if (value === undefined) { return; }
  if (Token.isUnresolved(value)) {
    problems.add(prop, value, 'Give the duration at synth time: the library and HardenedEksChecks check it against the bounds of node pools.');
    return;
  }
  if (value === 'Never' && neverAllowed) { return; }
  if (!pattern.test(value)) {
    problems.add(prop, value, `Use a duration of whole hours, minutes or seconds as Karpenter reads them, such as '24h' or '1h30m'${neverAllowed ? ", or 'Never'" : ''}.`);
    return;
  }
  const seconds = durationSeconds(value)!;
  if (bounds && (seconds < bounds.min || seconds > bounds.max)) {
    problems.add(prop, value, bounds.text);
  }
}
