import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isKubernetesManifest, ManifestObject, readManifest } from './manifests';
import { HardenedEksRule, memoized } from './rule';
import { MANAGED_BY_LABEL } from '../../private/defaults';

/** Provisioners of EBS volumes: the EBS CSI driver, EKS Auto Mode's, and the old in-tree one. */
const EBS_PROVISIONERS = new Set(['ebs.csi.aws.com', 'ebs.csi.eks.amazonaws.com', 'kubernetes.io/aws-ebs']);

const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

function isDefaultClass(object: Record<string, any>): boolean {
  return DEFAULT_CLASS_ANNOTATIONS.some((a) => object.metadata?.annotations?.[a] === 'true');
}

function isLibraryObject(object: Record<string, any>): boolean {
  return Object.entries(MANAGED_BY_LABEL).every(([k, v]) => object.metadata?.labels?.[k] === v);
}

/** Every StorageClass marked default in the stack's manifests. */
function defaultClassesOf(stack: Stack): ManifestObject[] {
  return memoized(stack, 'defaultStorageClasses', () => stack.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && isKubernetesManifest(c))
    .flatMap((c) => readManifest(c).objects)
    .filter(({ object }) => object.kind === 'StorageClass' && isDefaultClass(object)));
}

/**
 * StorageClasses of EBS volumes in the app's manifests that do not encrypt (`Unencrypted::`), that
 * encrypt with the AWS managed key (`AwsManagedKey::`: no `kmsKeyId`, or `alias/aws/ebs`), and
 * default classes beside another one (`SecondDefault::`; with the library's own default class
 * present, only the others are reported).
 */
export const manifestStorageClass: HardenedEksRule = {
  id: 'ManifestStorageClass',
  level: NagMessageLevel.ERROR,
  info: 'A StorageClass in the app provisions unencrypted EBS volumes, encrypts them with the AWS managed key, or is a second default class.',
  explanation: 'EKS Best Practices (data encryption) and CIS Amazon EKS Benchmark 5.3: volumes of a StorageClass without encrypted: "true" ' +
    'hold tenant data in clear on EBS; the AWS managed aws/ebs key cannot be restricted or audited per cluster and is shared by the whole ' +
    'account. A second default class decides which key a claim without a class gets by creation order. Set encrypted: "true" and a ' +
    'kmsKeyId of your own key, and mark one class default (HardenedEksCluster\'s encrypted-gp3 is).',
  check(node: CfnResource): NagRuleResult {
    if (!isKubernetesManifest(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const classes = readManifest(node).objects.filter(({ object }) => object.kind === 'StorageClass');
    if (classes.length === 0) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings: string[] = [];
    const defaults = defaultClassesOf(Stack.of(node));
    const libraryDefault = defaults.some(({ object }) => isLibraryObject(object));
    for (const { object, ref } of classes) {
      if (EBS_PROVISIONERS.has(object.provisioner)) {
        const parameters = object.parameters ?? {};
        const kmsKeyId = parameters.kmsKeyId;
        if (parameters.encrypted !== 'true') {
          findings.push(`Unencrypted::${ref}`);
        } else if (typeof kmsKeyId !== 'string' || kmsKeyId === '' || /(^|:)alias\/aws\/ebs$/.test(kmsKeyId)) {
          findings.push(`AwsManagedKey::${ref}`);
        }
      }
      if (isDefaultClass(object) && defaults.length > 1 && !(libraryDefault && isLibraryObject(object))) {
        findings.push(`SecondDefault::${ref}`);
      }
    }
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
