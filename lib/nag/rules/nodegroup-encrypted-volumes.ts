import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isNodegroup, launchTemplateOf } from './rule';

/**
 * Node volumes that are not encrypted: each EBS block device mapping of the launch template
 * without `Encrypted: true` (`Volume::/dev/xvdb`), or no launch template of the app at all
 * (`Volume::NoLaunchTemplate`: EKS's default template encrypts only if the account enables EBS
 * encryption by default, which the app cannot see).
 */
export const nodegroupEncryptedVolumes: HardenedEksRule = {
  id: 'NodegroupEncryptedVolumes',
  level: NagMessageLevel.ERROR,
  info: 'The EKS managed node group\'s EBS volumes are not all encrypted.',
  explanation: 'Node volumes hold container images, emptyDir data, logs and cached secrets of every pod on the node. ' +
    'The EKS Best Practices Guide (data encryption) asks to encrypt them at rest; use a launch template whose block device mappings set Encrypted ' +
    '(ideally with a customer managed KMS key).',
  check(node: CfnResource): NagRuleResult {
    if (!isNodegroup(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const { referenced, template } = launchTemplateOf(node);
    if (!referenced) { return ['Volume::NoLaunchTemplate']; }
    if (!template) { return ['Volume::LaunchTemplateNotInApp']; }
    const mappings: any[] = deployedProperties(template).LaunchTemplateData?.BlockDeviceMappings ?? [];
    if (mappings.length === 0) { return ['Volume::NoBlockDeviceMappings']; }
    const findings = mappings
      .filter((m) => m?.Ebs !== undefined && m.Ebs.Encrypted !== true)
      .map((m) => `Volume::${m.DeviceName}`);
    // Bottlerocket boots from /dev/xvda and keeps containers on /dev/xvdb: an unmapped one keeps
    // the account's defaults, which may be unencrypted.
    const amiType = deployedProperties(node).AmiType;
    if (typeof amiType === 'string' && amiType.startsWith('BOTTLEROCKET_')) {
      for (const device of ['/dev/xvda', '/dev/xvdb']) {
        if (!mappings.some((m) => m?.DeviceName === device)) { findings.push(`Volume::${device}:NotMapped`); }
      }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
