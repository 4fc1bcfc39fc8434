import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isKubernetesManifest, readManifest } from './manifests';
import { HardenedEksRule } from './rule';

/**
 * A manifest (or part of one) the other manifest rules could not read, so could not check:
 * not JSON once deploy-time values are set aside, entries that are not objects or have no kind;
 * and Helm charts (`NotChecked::HelmChart`) and Kubernetes patches (`NotChecked::KubernetesPatch`),
 * whose objects only exist in the cluster.
 */
export const manifestUnreadable: HardenedEksRule = {
  id: 'ManifestUnreadable',
  level: NagMessageLevel.WARN,
  info: 'A Kubernetes manifest in the app could not be read, so HardenedEks could not check it.',
  explanation: 'No CIS item: this finding says a check could not run. The manifest rules check what they can read at synth time. A manifest built from deploy-time values in non-string ' +
    'positions, or entries without a kind, cannot be checked; review it by hand and acknowledge this finding with the reason, or build ' +
    'the manifest from literal values.',
  check(node: CfnResource): NagRuleResult {
    // Helm charts are rendered in the cluster and patches change live objects: neither can be read here.
    if (node.cfnResourceType === 'Custom::AWSCDK-EKS-HelmChart') { return ['NotChecked::HelmChart']; }
    if (node.cfnResourceType === 'Custom::AWSCDK-EKS-KubernetesPatch') { return ['NotChecked::KubernetesPatch']; }
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const { unreadable } = readManifest(node);
    return unreadable.length === 0 ? NagRuleCompliance.COMPLIANT : unreadable.map((why) => `Unreadable::${why}`);
  },
};
