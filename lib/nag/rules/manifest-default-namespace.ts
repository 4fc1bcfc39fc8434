import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isKubernetesManifest, namespaceOf, workloadsOf } from './manifests';
import { HardenedEksRule } from './rule';

/**
 * Workloads in the `default` namespace (`Namespace::`), and workloads that run as the namespace's
 * `default` service account, named or implied (`ServiceAccount::`).
 */
export const manifestDefaultNamespace: HardenedEksRule = {
  id: 'ManifestDefaultNamespace',
  level: NagMessageLevel.ERROR,
  info: 'A Kubernetes workload in the app runs in the default namespace or as the default service account.',
  explanation: 'CIS Amazon EKS Benchmark 4.5.2 (the default namespace should not be used) and 5.2.1 / 4.1.5 (dedicated service accounts, ' +
    'default service accounts not actively used): the default namespace has none of the library\'s guard rails, and the default ' +
    'service account is shared by every pod that names none, so its permissions leak to all of them.',
  check(node: CfnResource): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    for (const { object, ref, spec } of workloadsOf(node)) {
      if (namespaceOf(object) === 'default') { findings.push(`Namespace::${ref}`); }
      const account = spec.serviceAccountName ?? spec.serviceAccount;
      if (account === undefined || account === '' || account === 'default') { findings.push(`ServiceAccount::${ref}`); }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
