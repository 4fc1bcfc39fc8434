import { Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { DEDICATED_NODE_KEY } from '../private/defaults';
import { PropProblems } from '../private/errors';
import { isLabelKey, isLabelValue } from '../private/names';

/** CPU architecture of a node group's Bottlerocket AMI. */
export type Architecture = 'x86_64' | 'arm64';

/**
 * Instance families built on the Xen hypervisor rather than Nitro. Bottlerocket's EKS variants
 * target Nitro instances (ENA networking, NVMe EBS), so these are refused.
 */
const XEN_FAMILIES = new Set([
  'c1', 'c3', 'c4', 'cc2', 'cg1', 'cr1', 'd2', 'f1', 'g2', 'g3', 'g3s', 'h1', 'hi1', 'hs1', 'i2', 'i3',
  'm1', 'm2', 'm3', 'm4', 'p2', 'p3', 'r3', 'r4', 't1', 't2', 'x1', 'x1e',
]);

const INSTANCE_TYPE = /^([a-z]+)(\d+)([a-z0-9-]*)\.([a-z0-9-]+)$/;

/** The family (`m7g`), or undefined when the string is not an instance type. */
function parseInstanceType(value: string): { family: string; suffix: string; size: string } | undefined {
  const m = INSTANCE_TYPE.exec(value);
  return m ? { family: `${m[1]}${m[2]}${m[3]}`, suffix: m[3], size: m[4] } : undefined;
}

/**
 * Families with accelerators that Bottlerocket's NVIDIA variants do not drive: AMD GPUs, AWS
 * Inferentia and Trainium (Neuron), FPGAs, Gaudi, video transcoders.
 */
const OTHER_ACCELERATOR_FAMILIES = /^(g4ad|inf\d|trn\d|f\d|dl\d|vt\d)/;

/** The accelerator an instance type carries: NVIDIA GPUs, another kind, or none. */
export function acceleratorOf(instanceType: string): 'nvidia' | 'other' | undefined {
  const parsed = parseInstanceType(instanceType);
  if (!parsed) { return undefined; }
  if (OTHER_ACCELERATOR_FAMILIES.test(parsed.family)) { return 'other'; }
  // g4dn, g5, g5g, g6, g6e, g6f, gr6, p4d, p5, p5e, p6-b200 ...: the G, Gr and P families are NVIDIA.
  return /^(g|gr|p)\d/.test(parsed.family) ? 'nvidia' : undefined;
}

/** Whether an instance type is an AWS Graviton (arm64) type. */
export function isGraviton(instanceType: string): boolean {
  const parsed = parseInstanceType(instanceType);
  if (!parsed) { return false; }
  return parsed.family === 'a1' || parsed.suffix.includes('g');
}

export function checkInstanceTypes(problems: PropProblems, types: string[], architecture: Architecture, fips: boolean): void {
  if (types.length === 0) {
    problems.add('instanceTypes', '[]', 'Give at least one instance type, or leave instanceTypes unset for the default.');
  }
  const known = types.filter((t) => !Token.isUnresolved(t) && parseInstanceType(t) !== undefined);
  const nvidia = known.filter((t) => acceleratorOf(t) === 'nvidia');
  if (nvidia.length > 0 && nvidia.length < known.length) {
    problems.add('instanceTypes', types,
      `NVIDIA GPU types (${nvidia.join(', ')}) boot Bottlerocket's NVIDIA variant and the others its standard one; a node group has one AMI type. ` +
      'Put GPU and non-GPU instance types in separate node groups.');
  }
  if (nvidia.length > 0 && fips) {
    problems.add('fips', true,
      'Bottlerocket has no FIPS variant with NVIDIA drivers that this release can vouch for. Use fips: false for the GPU node group, or non-GPU instance types.');
  }
  for (const type of types) {
    if (Token.isUnresolved(type)) { continue; }
    const parsed = parseInstanceType(type);
    if (!parsed) {
      problems.add('instanceTypes', type, "An EC2 instance type looks like 'm7i.large'.");
      continue;
    }
    if (parsed.family.startsWith('mac')) {
      problems.add('instanceTypes', type, 'Mac instances cannot be EKS nodes. Use a current generation such as m7i, c7i or m7g.');
      continue;
    }
    if (acceleratorOf(type) === 'other') {
      problems.add('instanceTypes', type,
        `${parsed.family} carries accelerators (AMD GPU, Inferentia, Trainium, FPGA or similar) that Bottlerocket's EKS variants here do not drive; ` +
        'only NVIDIA GPU types (g4dn, g5, g6, p4d, p5 ...) get the NVIDIA variant. Use one of those, or run these instances in a node group you manage yourself.');
      continue;
    }
    if (XEN_FAMILIES.has(parsed.family) && !(parsed.family === 'i3' && parsed.size === 'metal')) {
      problems.add('instanceTypes', type,
        `${parsed.family} is not a Nitro instance family, which Bottlerocket nodes need. Use a current generation such as m7i, c7i or m7g.`);
      continue;
    }
    const arm = isGraviton(type);
    if (architecture === 'x86_64' && arm) {
      problems.add('instanceTypes', type, `${type} is a Graviton (arm64) type. Set architecture: NodeArchitecture.ARM_64, or use an x86_64 type such as m7i.large.`);
    } else if (architecture === 'arm64' && !arm) {
      problems.add('instanceTypes', type, `${type} is an x86_64 type but architecture is ARM_64. Use a Graviton type such as m7g.large.`);
    }
  }
}

export function checkSizes(problems: PropProblems, minSize: number, maxSize: number, desiredSize: number | undefined): void {
  const sizes: Array<[string, number | undefined]> = [['minSize', minSize], ['maxSize', maxSize], ['desiredSize', desiredSize]];
  for (const [name, value] of sizes) {
    if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < 0)) {
      problems.add(name, value, 'Use a whole number of at least 0.');
    }
  }
  if ([minSize, maxSize].some((v) => Token.isUnresolved(v))) { return; }
  if (maxSize < 1) {
    problems.add('maxSize', maxSize, 'EKS needs maxSize of at least 1.');
  }
  if (minSize > maxSize) {
    problems.add('minSize', minSize, `minSize must not be larger than maxSize (${maxSize}). Lower minSize or raise maxSize.`);
  }
  if (desiredSize !== undefined && !Token.isUnresolved(desiredSize) && (desiredSize < minSize || desiredSize > maxSize)) {
    problems.add('desiredSize', desiredSize, `desiredSize must lie between minSize (${minSize}) and maxSize (${maxSize}).`);
  }
}


/**
 * Label key prefixes a kubelet may set on its own node (the NodeRestriction admission plugin
 * rejects other kubernetes.io / k8s.io keys, and the node would fail to register).
 */
const KUBELET_ALLOWED_PREFIXES = ['node.kubernetes.io', 'kubelet.kubernetes.io'];

function isRestrictedPrefix(key: string): boolean {
  const prefix = key.includes('/') ? key.split('/')[0] : '';
  const restricted = prefix === 'kubernetes.io' || prefix === 'k8s.io' || prefix.endsWith('.kubernetes.io') || prefix.endsWith('.k8s.io');
  return restricted && !KUBELET_ALLOWED_PREFIXES.some((allowed) => prefix === allowed || prefix.endsWith(`.${allowed}`));
}

export function checkLabels(problems: PropProblems, labels: Record<string, string>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (!isLabelKey(key)) {
      problems.add('labels', key,
        "A label key is an optional DNS-subdomain prefix and '/', then 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, for example 'example.com/pool'.");
    } else if (isRestrictedPrefix(key)) {
      problems.add('labels', key,
        'Nodes may not label themselves under kubernetes.io or k8s.io (the NodeRestriction admission plugin rejects it) except node.kubernetes.io/ and kubelet.kubernetes.io/. Use your own prefix.');
    }
    if (typeof value !== 'string' || (value !== '' && !isLabelValue(value))) {
      problems.add('labels', `${key}=${String(value)}`, "A label value is empty or 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.");
    }
  }
}

const TAINT_EFFECTS = Object.values(eks.TaintEffect) as string[];

export function checkTaints(problems: PropProblems, taints: eks.TaintSpec[]): void {
  for (const taint of taints) {
    const key = taint.key ?? '';
    if (!isLabelKey(key)) {
      problems.add('taints', key, "A taint key has the form of a label key, for example 'dedicated' or 'example.com/dedicated'.");
    }
    if (taint.value !== undefined && taint.value !== '' && !isLabelValue(taint.value)) {
      problems.add('taints', `${key}=${taint.value}`, "A taint value is empty or 1-63 letters, digits, '-', '_' or '.'.");
    }
    if (taint.effect === undefined || !TAINT_EFFECTS.includes(taint.effect)) {
      problems.add('taints', `${key}:${String(taint.effect)}`,
        'A taint needs an effect: TaintEffect.NO_SCHEDULE, TaintEffect.PREFER_NO_SCHEDULE or TaintEffect.NO_EXECUTE.');
    }
  }
}

/**
 * The dedicated label and taint come only from `dedicated`: a label set by hand would let pods of a
 * bound namespace onto nodes without the taint, shared with everyone.
 */
export function checkDedicated(problems: PropProblems, labels: Record<string, string>, taints: eks.TaintSpec[], dedicated: string | undefined): void {
  if (Object.keys(labels).includes(DEDICATED_NODE_KEY) || taints.some((t) => t.key === DEDICATED_NODE_KEY)) {
    problems.add('labels', DEDICATED_NODE_KEY, `${DEDICATED_NODE_KEY} is set by the dedicated option, label and taint together. Use dedicated: '<name>' instead.`);
  }
  if (dedicated !== undefined && !Token.isUnresolved(dedicated) && !isLabelValue(dedicated)) {
    problems.add('dedicated', dedicated, "Use a Kubernetes label value: up to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit.");
  }
}

/** The Bottlerocket data volume (/dev/xvdb) in GiB: container images live there. */
export function checkDataVolumeSize(problems: PropProblems, size: number | undefined): void {
  if (size !== undefined && !Token.isUnresolved(size) && (!Number.isInteger(size) || size < 20 || size > 16384)) {
    problems.add('dataVolumeSize', size, 'Use 20 to 16384 GiB; container images live on this volume.');
  }
}
