import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import * as TOML from 'smol-toml';
import { deployedProperties, flattenJoin, HardenedEksRule, isNodegroup, launchTemplateOf, UNRESOLVED } from './rule';
import { DEDICATED_NODE_KEY } from '../../private/defaults';

/**
 * Bottlerocket user data that weakens the node: the admin host container enabled, kernel lockdown
 * `none`, or unsafe sysctls allowed for pods. The TOML is parsed, so formatting (dotted keys,
 * inline tables, table headers, comments) cannot hide a setting.
 *
 * Granular: `Setting::host-containers.admin.enabled`, `Setting::host-containers.<name>.superpowered`
 * (any other enabled superpowered host container), `Setting::kernel.lockdown`,
 * `Setting::kubernetes.allowed-unsafe-sysctls`, `Setting::kubernetes.static-pods` (pods no
 * admission policy sees), `Setting::kubernetes.node-labels` / `node-taints` (the dedicated key set
 * by hand); and, when it could not be checked,
 * `UserData::Unparseable` (not TOML), `UserData::Unresolved` (deploy-time values inside) or
 * `UserData::LaunchTemplateNotInApp`.
 */
export const bottlerocketUserData: HardenedEksRule = {
  id: 'BottlerocketUserData',
  level: NagMessageLevel.ERROR,
  info: 'The Bottlerocket user data of the EKS managed node group weakens the node, or could not be checked.',
  explanation: 'CIS Bottlerocket Benchmark 1.5.2 asks for kernel lockdown (integrity); the admin host container runs privileged with ' +
    'a root shell on the host, and unsafe sysctls let pods change kernel settings shared with other pods (EKS Best Practices, pod security). ' +
    'Keep settings.host-containers.admin.enabled false, settings.kernel.lockdown integrity or confidentiality, and allowed-unsafe-sysctls empty.',
  check(node: CfnResource): NagRuleResult {
    if (!isNodegroup(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const amiType = deployedProperties(node).AmiType;
    if (typeof amiType !== 'string' || !amiType.startsWith('BOTTLEROCKET_')) { return NagRuleCompliance.NOT_APPLICABLE; }
    const { referenced, template } = launchTemplateOf(node);
    if (referenced && !template) { return ['UserData::LaunchTemplateNotInApp']; }
    const userData = template ? deployedProperties(template).LaunchTemplateData?.UserData : undefined;
    if (userData === undefined) { return NagRuleCompliance.COMPLIANT; }
    const { settings, unreadable } = parseUserDataSettings(decodeUserData(userData));
    if (unreadable) { return [`UserData::${unreadable}`]; }
    const findings = weakeningSettings(settings!).map((setting) => `Setting::${setting}`);
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};

/**
 * The settings of parsed Bottlerocket user data that weaken a node: the admin host container, any
 * other enabled superpowered host container, kernel lockdown `none`, unsafe sysctls for pods,
 * static pods, and node labels or taints with the library's dedicated key.
 */
export function weakeningSettings(settings: Record<string, any>): string[] {
  const found: string[] = [];
  if (settings['host-containers']?.admin?.enabled === true) { found.push('host-containers.admin.enabled'); }
  // Any host container that runs superpowered is an admin container under another name.
  for (const [name, container] of Object.entries<any>(settings['host-containers'] ?? {})) {
    if (name !== 'admin' && container?.enabled === true && container?.superpowered === true) {
      found.push(`host-containers.${name}.superpowered`);
    }
  }
  if (settings.kernel?.lockdown === 'none') { found.push('kernel.lockdown'); }
  const kubernetes = settings.kubernetes ?? {};
  const unsafe = kubernetes['allowed-unsafe-sysctls'];
  if (Array.isArray(unsafe) && unsafe.length > 0) { found.push('kubernetes.allowed-unsafe-sysctls'); }
  // Static pods run without any admission policy seeing them.
  if (kubernetes['static-pods'] !== undefined) { found.push('kubernetes.static-pods'); }
  // The dedicated label or taint comes only from the dedicated option, label and taint together.
  for (const table of ['node-labels', 'node-taints']) {
    if (Object.keys(kubernetes[table] ?? {}).includes(DEDICATED_NODE_KEY)) { found.push(`kubernetes.${table}`); }
  }
  return found;
}

/**
 * The `settings` table of Bottlerocket user data, or why it could not be read: `Unresolved` when a
 * deploy-time value sits inside (it could be any setting's value), `Unparseable` when it is not TOML.
 */
export function parseUserDataSettings(text: string | undefined): { settings?: Record<string, any>; unreadable?: 'Unresolved' | 'Unparseable' } {
  if (text !== undefined && text.includes(UNRESOLVED)) { return { unreadable: 'Unresolved' }; }
  try {
    return text === undefined ? { unreadable: 'Unparseable' } : { settings: (TOML.parse(text) as any).settings ?? {} };
  } catch {
    return { unreadable: 'Unparseable' };
  }
}

/**
 * The user data as text: `Fn::Base64` of a string (or of an `Fn::Join` whose unresolved parts
 * become a placeholder), or a base64 literal. `undefined` when it cannot be read.
 */
export function decodeUserData(userData: unknown): string | undefined {
  if (typeof userData === 'string') {
    return Buffer.from(userData, 'base64').toString('utf8');
  }
  return flattenJoin((userData as any)?.['Fn::Base64']);
}
