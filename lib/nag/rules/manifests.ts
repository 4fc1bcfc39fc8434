import { CfnResource } from 'aws-cdk-lib';
import { deployedProperties, flattenJoin, list, memoized } from './rule';

/**
 * Reading the Kubernetes objects inside `Custom::AWSCDK-EKS-KubernetesResource` custom resources
 * (what `addManifest`, `addServiceAccount`, HardenedNamespace and aws-eks-v2 itself create).
 */

/** The type of the custom resource aws-eks (v1) and aws-eks-v2 apply manifests with. */
export const KUBERNETES_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';


/** One Kubernetes object of a manifest, with a name for findings. */
export interface ManifestObject {
  readonly object: Record<string, any>;
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
  readonly ref: string;
}

/** The result of reading a custom resource's manifest. */
export interface ReadManifest {
  readonly objects: ManifestObject[];
  /** Why (part of) the manifest could not be read; empty when it was read whole. */
  readonly unreadable: string[];
}

/** Kinds without a namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'Node',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'PriorityClass', 'IngressClass', 'RuntimeClass', 'APIService', 'CSIDriver', 'EC2NodeClass', 'NodePool', 'NodeClaim',
]);

/** Whether a custom resource applies a Kubernetes manifest. */
export function isKubernetesManifest(node: CfnResource): boolean {
  return node.cfnResourceType === KUBERNETES_RESOURCE_TYPE;
}

/**
 * The objects of a manifest custom resource. Deploy-time values inside JSON strings become
 * `UNRESOLVED`; a manifest that still is not JSON, or entries that are not objects, are
 * reported in `unreadable` rather than thrown.
 */
export function readManifest(node: CfnResource): ReadManifest {
  return memoized(node, 'readManifest', () => parseManifest(node));
}

function parseManifest(node: CfnResource): ReadManifest {
  const text = flattenJoin(deployedProperties(node).Manifest);
  if (text === undefined) {
    return { objects: [], unreadable: ['the manifest is a deploy-time value as a whole'] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { objects: [], unreadable: ['the manifest is not JSON (deploy-time values outside strings?)'] };
  }
  const unreadable: string[] = [];
  const objects: ManifestObject[] = [];
  const visit = (entry: unknown, index: string) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      unreadable.push(`entry ${index} is not an object`);
      return;
    }
    const object = entry as Record<string, any>;
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      object.items.forEach((item: unknown, i: number) => visit(item, `${index}.items[${i}]`));
      return;
    }
    if (typeof object.kind !== 'string') {
      unreadable.push(`entry ${index} has no kind`);
      return;
    }
    objects.push({ object, ref: refOf(object) });
  };
  (Array.isArray(parsed) ? parsed : [parsed]).forEach((entry, i) => visit(entry, `[${i}]`));
  return { objects, unreadable };
}

/** `Kind/namespace/name` of an object, `default` when a namespaced object names no namespace. */
export function refOf(object: Record<string, any>): string {
  const name = object.metadata?.name ?? '<unnamed>';
  if (CLUSTER_SCOPED.has(object.kind)) { return `${object.kind}/${name}`; }
  return `${object.kind}/${object.metadata?.namespace ?? 'default'}/${name}`;
}

/** The namespace a namespaced object is created in (`default` when it names none). */
export function namespaceOf(object: Record<string, any>): string | undefined {
  if (CLUSTER_SCOPED.has(object.kind)) { return undefined; }
  return object.metadata?.namespace ?? 'default';
}

/** The pod spec of a Pod or a workload's pod template, or undefined. */
export function podSpecOf(object: Record<string, any>): Record<string, any> | undefined {
  switch (object.kind) {
    case 'Pod': return object.spec;
    case 'PodTemplate': return object.template?.spec;
    case 'CronJob': return object.spec?.jobTemplate?.spec?.template?.spec;
    default:
      // Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, and any other kind (an Argo
      // Rollout, say) that carries a pod template in spec.template.
      return Array.isArray(object.spec?.template?.spec?.containers) ? object.spec.template.spec : undefined;
  }
}

/** Every container of a pod spec (containers, initContainers, ephemeralContainers). */
export function containersOf(spec: Record<string, any>): Array<Record<string, any>> {
  return [...list(spec.containers), ...list(spec.initContainers), ...list(spec.ephemeralContainers)]
    .filter((c): c is Record<string, any> => c !== null && typeof c === 'object');
}

/** The Pods and pod templates of a manifest custom resource, with their object and ref. */
export function workloadsOf(node: CfnResource): Array<ManifestObject & { spec: Record<string, any> }> {
  return readManifest(node).objects
    .map((o) => ({ ...o, spec: podSpecOf(o.object) }))
    .filter((o): o is ManifestObject & { spec: Record<string, any> } => o.spec !== undefined);
}
