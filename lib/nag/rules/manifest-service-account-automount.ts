import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isKubernetesManifest, readManifest } from './manifests';
import { HardenedEksRule } from './rule';

/** The annotation that declares, with a reason, that a service account mounts its token on purpose. */
export const AUTOMOUNT_DECLARED_ANNOTATION = 'cdk-hardened-eks.io/automount-token-reason';

/**
 * ServiceAccounts that leave token automount on (the Kubernetes default when the field is absent)
 * without declaring why in the annotation `cdk-hardened-eks.io/automount-token-reason`.
 */
export const manifestServiceAccountAutomount: HardenedEksRule = {
  id: 'ManifestServiceAccountAutomount',
  level: NagMessageLevel.ERROR,
  info: 'A Kubernetes ServiceAccount in the app mounts its token into every pod, undeclared.',
  explanation: 'CIS Amazon EKS Benchmark 4.1.6 (service account tokens only mounted where necessary): a mounted token lets any process ' +
    'in the pod call the Kubernetes API as the service account. Set automountServiceAccountToken: false, or declare the need with the ' +
    `annotation ${AUTOMOUNT_DECLARED_ANNOTATION}.`,
  check(node: CfnResource): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    for (const { object, ref } of readManifest(node).objects) {
      if (object.kind !== 'ServiceAccount' || object.automountServiceAccountToken === false) { continue; }
      if (object.metadata?.annotations?.[AUTOMOUNT_DECLARED_ANNOTATION] === undefined) { findings.push(`Automount::${ref}`); }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
