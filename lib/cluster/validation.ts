import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NetworkPolicyEnforcingMode } from './network-policy-mode';
import { canonicalIpv4Cidr } from '../private/cidr';
import { PropProblems } from '../private/errors';

export { canonicalIpv4Cidr };

/**
 * Pure checks of HardenedEksCluster's props. Each adds to `problems` and returns nothing, so the
 * constructor can report every problem in one error. Unresolved tokens are skipped: their value
 * is only known at deploy time.
 */

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;
const CLUSTER_NAME_MAX = 100;

export function checkClusterName(problems: PropProblems, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) { return; }
  if (name.length === 0 || name.length > CLUSTER_NAME_MAX || !CLUSTER_NAME.test(name)) {
    problems.add('clusterName', name,
      `An EKS cluster name is 1-${CLUSTER_NAME_MAX} characters of letters, digits, '-' and '_', starting with a letter or digit. ` +
      'Pass such a name, or leave clusterName unset to derive a stable one from the construct path.');
  }
}

/** Minor versions EKS no longer creates clusters for (past extended support). */
const UNSUPPORTED_MINORS_BELOW = 31;

/**
 * Minor versions past the end of EKS standard support when this release was made (checked
 * 2026-11; a static table, no clock at synth). A cluster on one of them needs
 * `upgradeSupport: EXTENDED`: with a STANDARD upgrade policy EKS would upgrade the control plane
 * on its own. Update this table with each release.
 */
export const PAST_STANDARD_SUPPORT = ['1.31', '1.32', '1.33'];

export function checkVersionAndLayer(problems: PropProblems, version: string, hasLayer: boolean, bundledMinor: string, extendedSupport: boolean): void {
  if (Token.isUnresolved(version)) { return; }
  const match = /^1\.(\d+)$/.exec(version);
  if (!match) {
    problems.add('version', version, "Use a Kubernetes minor version such as KubernetesVersion.V1_36 ('1.<minor>').");
    return;
  }
  const minor = Number(match[1]);
  if (minor < UNSUPPORTED_MINORS_BELOW) {
    problems.add('version', version,
      `Kubernetes ${version} is past Amazon EKS extended support, so EKS cannot create such a cluster. ` +
      `Use KubernetesVersion.V1_${bundledMinor.split('.')[1]} (the default) or another version EKS still supports.`);
    return;
  }
  if (PAST_STANDARD_SUPPORT.includes(version) && !extendedSupport) {
    problems.add('version', version,
      `Kubernetes ${version} is past EKS standard support; with the STANDARD upgrade policy EKS would upgrade the control plane by itself. ` +
      `Use KubernetesVersion.V1_${bundledMinor.split('.')[1]} (the default), or set upgradeSupport: UpgradeSupportType.EXTENDED (paid, warned).`);
  }
  if (version !== bundledMinor && !hasLayer) {
    problems.add('kubectlLayer', undefined,
      `The library bundles a kubectl layer for Kubernetes ${bundledMinor} only, and kubectl must be within one minor version of the cluster. ` +
      `For a ${version} cluster pass kubectlLayer: the layer of the @aws-cdk/lambda-layer-kubectl-v${minor} package where it is published ` +
      `(or one you build with kubectl 1.${minor - 1} to 1.${minor + 1}), or use version ${bundledMinor}.`);
  }
}

/**
 * The widest public CIDR accepted (/8: 16 million addresses). Wider ranges, such as two /1 ranges
 * that together cover the internet, are refused like 0.0.0.0/0.
 */
export const MIN_PUBLIC_PREFIX = 8;


/**
 * Checks the public endpoint CIDRs: at least one, each a canonical IPv4 CIDR, none open to the
 * whole internet.
 */
export function checkPublicCidrs(problems: PropProblems, isPublic: boolean, cidrs: string[]): void {
  if (!isPublic) { return; }
  if (cidrs.length === 0) {
    problems.add('endpointAccess', 'publicAndPrivate([])',
      'A public endpoint needs the CIDR ranges allowed to reach it, for example ClusterEndpointAccess.publicAndPrivate([\'203.0.113.0/24\']). ' +
      'Or use ClusterEndpointAccess.PRIVATE (the default).');
    return;
  }
  for (const cidr of cidrs) {
    if (Token.isUnresolved(cidr)) { continue; }
    const prefix = Number(cidr.trim().split('/')[1]);
    if (cidr.trim().endsWith('/0') || cidr.trim() === '::/0' || (Number.isInteger(prefix) && prefix < MIN_PUBLIC_PREFIX && cidr.includes('.'))) {
      problems.add('endpointAccess', cidr,
        `A Kubernetes API open to the whole internet (or to more than a /${MIN_PUBLIC_PREFIX}) is never accepted. Name the ranges that need access (a VPN or bastion egress range), ` +
        'or keep the endpoint PRIVATE and reach it from inside the VPC.');
      continue;
    }
    const canonical = canonicalIpv4Cidr(cidr);
    if (canonical === undefined) {
      problems.add('endpointAccess', cidr, "Each public CIDR must be an IPv4 CIDR block such as '203.0.113.0/24'.");
    } else if (canonical !== cidr) {
      problems.add('endpointAccess', cidr,
        `The address has bits set beyond the /${cidr.split('/')[1]} prefix. Did you mean '${canonical}'? ` +
        'Write the network address, or use /32 for a single host.');
    }
  }
}

const RETENTION_VALUES = new Set(
  Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number'),
);

export function checkRetention(problems: PropProblems, prop: string, days: number | undefined): void {
  if (days === undefined || Token.isUnresolved(days)) { return; }
  if (days === logs.RetentionDays.INFINITE) {
    problems.add(prop, 'RetentionDays.INFINITE',
      'A log group without retention grows without bound and is not a managed retention (CIS EKS 2.1.2). ' +
      'Choose a RetentionDays value (at least ONE_YEAR); ship audit logs to S3 for longer archives.');
  } else if (!RETENTION_VALUES.has(days)) {
    problems.add(prop, days, 'CloudWatch Logs accepts only the logs.RetentionDays values, for example RetentionDays.ONE_YEAR.');
  }
}

const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

export function checkAddonVersion(problems: PropProblems, prop: string, version: string | undefined): void {
  if (version === undefined || Token.isUnresolved(version)) { return; }
  if (!ADDON_VERSION.test(version)) {
    problems.add(prop, version,
      "An EKS add-on version looks like 'v1.20.4-eksbuild.1' (see `aws eks describe-addon-versions`). " +
      'Leave it unset to let EKS install its default version for the cluster version.');
  }
}

/** The first vpc-cni release that knows NETWORK_POLICY_ENFORCING_MODE. */
const STRICT_MODE_SINCE = [1, 17, 1];

/** A pinned vpc-cni older than v1.17.1 cannot run strict mode: refuse it rather than deploy a CNI that ignores the setting. */
export function checkStrictModeVersion(problems: PropProblems, version: string | undefined, mode: NetworkPolicyEnforcingMode): void {
  if (version === undefined || Token.isUnresolved(version) || !ADDON_VERSION.test(version)) { return; }
  if (mode !== NetworkPolicyEnforcingMode.STRICT) { return; }
  const parts = version.slice(1).split('-')[0].split('.').map(Number);
  const older = parts[0] !== STRICT_MODE_SINCE[0] ? parts[0] < STRICT_MODE_SINCE[0]
    : parts[1] !== STRICT_MODE_SINCE[1] ? parts[1] < STRICT_MODE_SINCE[1] : parts[2] < STRICT_MODE_SINCE[2];
  if (older) {
    problems.add('vpcCniAddonVersion', version,
      'Strict NetworkPolicy enforcement (the default networkPolicyEnforcingMode) needs vpc-cni v1.17.1 or later. ' +
      'Pin a newer version, or leave vpcCniAddonVersion unset for EKS\'s default.');
  }
}

/**
 * A VPC the user brings: subnets of the kind the network needs (private with egress, or isolated
 * and nothing else for an isolated network), in at least two availability zones.
 */
export function checkVpc(problems: PropProblems, vpc: ec2.IVpc, isolated: boolean): void {
  const where = vpc.node.path;
  if (isolated && (vpc.publicSubnets.length > 0 || vpc.privateSubnets.length > 0)) {
    problems.add('vpc', where,
      'network is ClusterNetwork.isolated(), but the VPC has public or PRIVATE_WITH_EGRESS subnets, so it has an internet path. ' +
      'Pass a VPC with PRIVATE_ISOLATED subnets only, or choose ClusterNetwork.natEgress().');
    return;
  }
  const [subnets, kind] = isolated ? [vpc.isolatedSubnets, 'isolated'] : [vpc.privateSubnets, 'private'];
  if (subnets.length === 0) {
    problems.add('vpc', where, isolated
      ? 'network is ClusterNetwork.isolated(), but the VPC has no isolated subnets. Pass a VPC with PRIVATE_ISOLATED subnets in at least two availability zones.'
      : 'The VPC has no private subnets (with egress); the control plane, nodes and kubectl handler must not sit in public subnets. ' +
        'Pass a VPC with PRIVATE_WITH_EGRESS subnets in at least two availability zones, or leave vpc unset.');
    return;
  }
  const zones = subnets.map((subnet) => subnet.availabilityZone);
  if (!zones.some((zone) => Token.isUnresolved(zone)) && new Set(zones).size < 2) {
    problems.add('vpc', where,
      `All ${kind} subnets are in one availability zone (${zones[0]}); EKS needs subnets in at least two. Add ${kind} subnets in another zone.`);
  }
}
