import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { containersOf, isKubernetesManifest, workloadsOf } from './manifests';
import { HardenedEksRule, list, UNRESOLVED } from './rule';

/** SELinux types that give a container the host (Bottlerocket's control_t and super_t, and spc_t). */
const PRIVILEGED_SELINUX_TYPES = new Set(['control_t', 'super_t', 'spc_t', 'unconfined_t']);

/**
 * Pods and pod templates in the app's manifests that can escape their container: privileged,
 * privilege escalation not off, capabilities not dropping ALL or adding any but NET_BIND_SERVICE,
 * hostPath volumes, host namespaces, host ports, privileged SELinux types (or user, role or an MCS level); and
 * `Unresolved::` where one of these flags is a deploy-time value. Findings:
 * `<Check>::<Kind>/<namespace>/<name>[/<container>]`.
 */
export const manifestPodSecurity: HardenedEksRule = {
  id: 'ManifestPodSecurity',
  level: NagMessageLevel.ERROR,
  info: 'A Kubernetes workload in the app can break out of its container (privileged, host access, capabilities, SELinux).',
  explanation: 'CIS Amazon EKS Benchmark 4.2.1-4.2.5 (minimize privileged containers, host PID/IPC/network, privilege escalation, ' +
    'capabilities) and the EKS Best Practices Guide (pod security): each of these is a known path from a compromised container to the node. ' +
    'The admission policy of the library refuses them at deploy time; this rule shows them at synth time.',
  check(node: CfnResource): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    for (const { ref, spec } of workloadsOf(node)) {
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
        if (spec[field] === true) { findings.push(`${field}::${ref}`); }
        if (spec[field] === UNRESOLVED) { findings.push(`Unresolved::${ref}/${field}`); }
      }
      for (const volume of list(spec.volumes) as any[]) {
        if (volume?.hostPath !== undefined) { findings.push(`HostPath::${ref}/${volume.name}`); }
      }
      if (badSeLinux(spec.securityContext?.seLinuxOptions)) { findings.push(`SELinux::${ref}`); }
      for (const c of containersOf(spec)) {
        const where = `${ref}/${c.name}`;
        const sc = c.securityContext ?? {};
        if (sc.privileged === true) { findings.push(`Privileged::${where}`); }
        if (sc.privileged === UNRESOLVED) { findings.push(`Unresolved::${where}/privileged`); }
        if (sc.allowPrivilegeEscalation !== false) { findings.push(`PrivilegeEscalation::${where}`); }
        if (!list(sc.capabilities?.drop).includes('ALL')) { findings.push(`CapabilitiesNotDropped::${where}`); }
        // NET_BIND_SERVICE is the one capability Pod Security restricted (and the admission policy) allows.
        if (list(sc.capabilities?.add).some((cap) => cap !== 'NET_BIND_SERVICE')) { findings.push(`CapabilitiesAdded::${where}`); }
        if ((list(c.ports) as any[]).some((p) => p?.hostPort !== undefined && p.hostPort !== 0)) { findings.push(`HostPort::${where}`); }
        if (badSeLinux(sc.seLinuxOptions)) { findings.push(`SELinux::${where}`); }
      }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};

function badSeLinux(options: any): boolean {
  if (!options || typeof options !== 'object') { return false; }
  // A level picks MCS categories, which Bottlerocket assigns per container: a chosen one can span or share others'.
  return options.user !== undefined || options.role !== undefined || options.level !== undefined || PRIVILEGED_SELINUX_TYPES.has(options.type);
}
