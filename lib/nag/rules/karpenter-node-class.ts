import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { parseUserDataSettings, weakeningSettings } from './bottlerocket-user-data';
import { isKubernetesManifest, readManifest } from './manifests';
import { HardenedEksRule, list } from './rule';

/** Whether an object is a Karpenter EC2NodeClass (any API version of karpenter.k8s.aws). */
export function isEc2NodeClass(object: Record<string, any>): boolean {
  return object.kind === 'EC2NodeClass' && typeof object.apiVersion === 'string' && object.apiVersion.startsWith('karpenter.k8s.aws/');
}

/** Bottlerocket's OS and data volumes: both must be in the mappings, or EC2 takes the missing one from the AMI. */
const BOTTLEROCKET_DEVICES = ['/dev/xvda', '/dev/xvdb'];

/**
 * What the user data of an EC2NodeClass weakens (the node groups' checks: Karpenter keeps static
 * pods and merges node labels from it, so those matter here as much), or why it could not be read.
 */
function userDataFindings(userData: unknown): string[] {
  if (userData === undefined) { return []; }
  const { settings, unreadable } = parseUserDataSettings(typeof userData === 'string' ? userData : undefined);
  return unreadable ? [unreadable] : weakeningSettings(settings!);
}

/** A pinned Bottlerocket alias: `bottlerocket@v1.64.0` or `bottlerocket@1.64.0`. */
const PINNED_BOTTLEROCKET = /^bottlerocket@v?\d+\.\d+\.\d+$/;

/**
 * Karpenter EC2NodeClasses in the app's manifests (the library's and any added through the
 * escape hatch) that let pods reach the instance metadata service (`Imds::`: tokens optional, a
 * hop limit above 1, or IMDS over IPv6), launch volumes unencrypted (`Unencrypted::`) or with the
 * AWS managed key (`AwsManagedKey::`: no kmsKeyID, or no block device mappings, so Karpenter's
 * defaults; a Bottlerocket volume left out of the mappings is `Unencrypted::`, as EC2 takes it
 * from the AMI), boot something other than a pinned Bottlerocket release (`NotBottlerocket::`,
 * also for an `amiFamily` other than Bottlerocket; `UnpinnedAmi::` for `bottlerocket@latest`),
 * give nodes public IP addresses (`PublicIp::`), or carry user data that weakens the node
 * (`UserData::<ref>::<setting>`, the settings HardenedEks-BottlerocketUserData reports for node
 * groups; `Unparseable` or `Unresolved` when it cannot be read).
 */
export const karpenterNodeClass: HardenedEksRule = {
  id: 'KarpenterNodeClass',
  level: NagMessageLevel.ERROR,
  info: 'A Karpenter EC2NodeClass lets pods reach instance metadata, leaves volumes without a customer managed key, boots an unpinned or non-Bottlerocket AMI, assigns public IPs, or weakens the node in its user data.',
  explanation: 'CIS Amazon EKS Benchmark 3.x and EKS Best Practices (nodes): nodes Karpenter launches need the same hardening as managed ones. IMDSv2 with hop ' +
    'limit 1 keeps pods away from the node role\'s credentials; volumes encrypted with a key of your own can be audited and revoked; Bottlerocket ' +
    '(SELinux enforcing, dm-verity, no shell) pinned to a release changes only when you raise the pin (bottlerocket@latest rolls every node to ' +
    'each new release unreviewed); nodes belong in private subnets without public addresses; user data keeps kernel lockdown, no admin ' +
    'or superpowered host container, no unsafe sysctls and no static pods (which no admission policy sees). Use HardenedEksCluster.addKarpenter().addNodePool(), ' +
    'or set metadataOptions, blockDeviceMappings with encrypted and kmsKeyID, amiSelectorTerms [{ alias: bottlerocket@<version> }] and ' +
    'associatePublicIPAddress: false.',
  check(node: CfnResource): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const classes = readManifest(node).objects.filter(({ object }) => isEc2NodeClass(object));
    if (classes.length === 0) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    for (const { object, ref } of classes) {
      const spec = object.spec ?? {};
      // Fields left out take the CRD's defaults: tokens required, hop limit 1, IPv6 off.
      const imds = spec.metadataOptions ?? {};
      const hop = imds.httpPutResponseHopLimit;
      if ((imds.httpTokens !== undefined && imds.httpTokens !== 'required')
        || (hop !== undefined && !(typeof hop === 'number' && hop <= 1))
        || (imds.httpProtocolIPv6 !== undefined && imds.httpProtocolIPv6 !== 'disabled')) {
        findings.push(`Imds::${ref}`);
      }
      const mappings = list(spec.blockDeviceMappings) as Array<Record<string, any>>;
      if (mappings.length === 0) {
        findings.push(`AwsManagedKey::${ref}`);
      } else if (mappings.some((m) => m?.ebs?.encrypted !== true) || BOTTLEROCKET_DEVICES.some((d) => !mappings.some((m) => m?.deviceName === d))) {
        findings.push(`Unencrypted::${ref}`);
      } else if (mappings.some((m) => typeof m.ebs.kmsKeyID !== 'string' || m.ebs.kmsKeyID === '' || /(^|:)alias\/aws\/ebs$/.test(m.ebs.kmsKeyID))) {
        findings.push(`AwsManagedKey::${ref}`);
      }
      const terms = list(spec.amiSelectorTerms) as Array<Record<string, any>>;
      const aliases = terms.map((t) => t?.alias);
      if (terms.length !== 1 || typeof aliases[0] !== 'string' || !aliases[0].startsWith('bottlerocket@')
        || (spec.amiFamily !== undefined && spec.amiFamily !== 'Bottlerocket')) {
        findings.push(`NotBottlerocket::${ref}`);
      } else if (!PINNED_BOTTLEROCKET.test(aliases[0])) {
        findings.push(`UnpinnedAmi::${ref}`);
      }
      if (spec.associatePublicIPAddress === true) {
        findings.push(`PublicIp::${ref}`);
      }
      for (const setting of userDataFindings(spec.userData)) {
        findings.push(`UserData::${ref}::${setting}`);
      }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
