import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isKubernetesManifest, readManifest } from './manifests';
import { HardenedEksRule, list } from './rule';

/** Whether an object is a Karpenter EC2NodeClass (any API version of karpenter.k8s.aws). */
export function isEc2NodeClass(object: Record<string, any>): boolean {
  return object.kind === 'EC2NodeClass' && typeof object.apiVersion === 'string' && object.apiVersion.startsWith('karpenter.k8s.aws/');
}

/** A pinned Bottlerocket alias: `bottlerocket@v1.64.0` or `bottlerocket@1.64.0`. */
const PINNED_BOTTLEROCKET = /^bottlerocket@v?\d+\.\d+\.\d+$/;

/**
 * Karpenter EC2NodeClasses in the app's manifests (the library's and any added through the
 * escape hatch) that let pods reach the instance metadata service (`Imds::`: tokens optional, a
 * hop limit above 1, or IMDS over IPv6), launch volumes unencrypted (`Unencrypted::`) or with the
 * AWS managed key (`AwsManagedKey::`: no kmsKeyID, or no block device mappings, so Karpenter's
 * defaults), boot something other than a pinned Bottlerocket release (`NotBottlerocket::`,
 * `UnpinnedAmi::` for `bottlerocket@latest`), or give nodes public IP addresses (`PublicIp::`).
 */
export const karpenterNodeClass: HardenedEksRule = {
  id: 'KarpenterNodeClass',
  level: NagMessageLevel.ERROR,
  info: 'A Karpenter EC2NodeClass lets pods reach instance metadata, leaves volumes without a customer managed key, boots an unpinned or non-Bottlerocket AMI, or assigns public IPs.',
  explanation: 'CIS Amazon EKS Benchmark 3.x and EKS Best Practices (nodes): nodes Karpenter launches need the same hardening as managed ones. IMDSv2 with hop ' +
    'limit 1 keeps pods away from the node role\'s credentials; volumes encrypted with a key of your own can be audited and revoked; Bottlerocket ' +
    '(SELinux enforcing, dm-verity, no shell) pinned to a release changes only when you raise the pin (bottlerocket@latest rolls every node to ' +
    'each new release unreviewed); nodes belong in private subnets without public addresses. Use HardenedEksCluster.addKarpenter().addNodePool(), ' +
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
      } else if (mappings.some((m) => m?.ebs?.encrypted !== true)) {
        findings.push(`Unencrypted::${ref}`);
      } else if (mappings.some((m) => typeof m.ebs.kmsKeyID !== 'string' || m.ebs.kmsKeyID === '' || /(^|:)alias\/aws\/ebs$/.test(m.ebs.kmsKeyID))) {
        findings.push(`AwsManagedKey::${ref}`);
      }
      const terms = list(spec.amiSelectorTerms) as Array<Record<string, any>>;
      const aliases = terms.map((t) => t?.alias);
      if (terms.length !== 1 || typeof aliases[0] !== 'string' || !aliases[0].startsWith('bottlerocket@')) {
        findings.push(`NotBottlerocket::${ref}`);
      } else if (!PINNED_BOTTLEROCKET.test(aliases[0])) {
        findings.push(`UnpinnedAmi::${ref}`);
      }
      if (spec.associatePublicIPAddress === true) {
        findings.push(`PublicIp::${ref}`);
      }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
