import { MANAGED_BY_LABEL } from '../private/defaults';

/**
 * The ValidatingAdmissionPolicy that closes what Pod Security Admission leaves open, as plain
 * Kubernetes objects. Pure: no construct, no token.
 *
 * It checks Pods and the pod templates of Deployments, ReplicaSets, StatefulSets, DaemonSets,
 * Jobs and CronJobs (PSA checks Pods only, so a bad template is otherwise accepted and fails
 * later), across containers, initContainers and ephemeralContainers. Expressions use only core
 * CEL and the CEL strings extension, so an off-the-shelf evaluator can run them offline.
 */

/** Name of the policy and of its binding. */
export const ADMISSION_POLICY_NAME = 'cdk-hardened-eks-workload-security';

/**
 * Namespace annotations that carry each namespace's settings. They live on the Namespace object,
 * which namespace-scoped roles (and the EKS edit/admin access policies) cannot change, so a tenant
 * cannot loosen its own admission rules.
 */
export const ADMISSION_ANNOTATIONS = {
  allowedVolumes: 'cdk-hardened-eks.io/allowed-volume-types',
  allowedRegistries: 'cdk-hardened-eks.io/allowed-registries',
  requireDigests: 'cdk-hardened-eks.io/require-image-digests',
} as const;

/** `annotation 'key' of the request's namespace, or ''` in CEL. */
function annotation(key: string): string {
  return `(has(namespaceObject.metadata.annotations) && '${key}' in namespaceObject.metadata.annotations`
    + ` ? namespaceObject.metadata.annotations['${key}'] : '')`;
}

/** The namespace label that opts a namespace into the policy. Only the library sets it. */
export const ADMISSION_LABEL_KEY = 'cdk-hardened-eks.io/admission';
export const ADMISSION_LABEL_VALUE = 'enforced';

/** Volume types every namespace may use (the old restricted PodSecurityPolicy's list). */
export const BASE_VOLUME_TYPES: readonly string[] = ['configMap', 'secret', 'projected'];

/** Namespaces the binding never matches, whatever their labels. */
export const NEVER_BOUND_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease', 'default'];

/** One check of the policy: a CEL expression that must be true, and how a denial reads. */
export interface PolicyValidation {
  readonly expression: string;
  readonly messageExpression: string;
}

/** Names of the policy's variables, in evaluation order. */
export const POLICY_VARIABLES: ReadonlyArray<{ name: string; expression: string }> = [
  {
    name: 'podSpec',
    expression: "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)",
  },
  {
    name: 'containers',
    expression: 'variables.podSpec.containers'
      + ' + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])'
      + ' + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])',
  },
  {
    name: 'allowedVolumes',
    expression: `${JSON.stringify(BASE_VOLUME_TYPES).replace(/"/g, "'")}`
      + ` + (${annotation(ADMISSION_ANNOTATIONS.allowedVolumes)} != '' ? ${annotation(ADMISSION_ANNOTATIONS.allowedVolumes)}.split(',') : [])`,
  },
  {
    name: 'allowedRegistries',
    expression: `${annotation(ADMISSION_ANNOTATIONS.allowedRegistries)} != '' ? ${annotation(ADMISSION_ANNOTATIONS.allowedRegistries)}.split(',') : []`,
  },
  {
    name: 'requireDigests',
    expression: `${annotation(ADMISSION_ANNOTATIONS.requireDigests)} == 'true'`,
  },
];

/** `names of the containers for which <cond> holds`, for messages. */
function offenders(cond: string): string {
  return `variables.containers.filter(c, ${cond}).map(c, c.name).join(', ')`;
}

const SELINUX_OK = (o: string) => `(!has(${o}.user) && !has(${o}.role) && (!has(${o}.type) || ${o}.type == 'container_t'))`;
const PRIVILEGED = 'has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged';
const NO_ESCALATION = 'has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false';
const CAPABILITIES_OK = 'has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop)'
  + " && c.securityContext.capabilities.drop.exists(d, d == 'ALL')"
  + " && (!has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(a, a == 'NET_BIND_SERVICE'))";
const HOST_PORT = 'has(c.ports) && c.ports.exists(p, has(p.hostPort) && p.hostPort != 0)';
const CONTAINER_SELINUX_OK = `!has(c.securityContext) || !has(c.securityContext.seLinuxOptions) || ${SELINUX_OK('c.securityContext.seLinuxOptions')}`;
const REGISTRY_OK = "variables.allowedRegistries.exists(r, c.image.startsWith(r + '/'))";
const TAG_OK = "c.image.matches('(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[a-f0-9]{64})$') && !c.image.matches(':latest(@sha256:[a-f0-9]{64})?$')";
const DIGEST_OK = "!variables.requireDigests || c.image.matches('@sha256:[a-f0-9]{64}$')";
const POD_SELINUX = 'variables.podSpec.securityContext.seLinuxOptions';
const VOLUME_OK = 'v.all(k, k == \'name\' || k in variables.allowedVolumes)';
const KIND = "object.kind + ' ' + object.metadata.name";
const hostFlag = (field: string) => `(has(variables.podSpec.${field}) && variables.podSpec.${field})`;

/** The policy's checks. Messages name the object, the containers or volumes, and the field. */
export const POLICY_VALIDATIONS: readonly PolicyValidation[] = [
  {
    expression: `variables.containers.all(c, !(${PRIVILEGED}))`,
    messageExpression: `${KIND} + ': containers ' + ${offenders(PRIVILEGED)} + ' set securityContext.privileged; privileged containers are refused'`,
  },
  {
    expression: `variables.containers.all(c, ${NO_ESCALATION})`,
    messageExpression: `${KIND} + ': containers ' + ${offenders(`!(${NO_ESCALATION})`)} + ' must set securityContext.allowPrivilegeEscalation to false'`,
  },
  {
    expression: `variables.containers.all(c, ${CAPABILITIES_OK})`,
    messageExpression: `${KIND} + ': containers ' + ${offenders(`!(${CAPABILITIES_OK})`)}`
      + " + ' must drop ALL capabilities (securityContext.capabilities.drop) and add none but NET_BIND_SERVICE'",
  },
  {
    expression: '!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.hostPath))',
    messageExpression: `${KIND} + ': hostPath volumes are refused: ' + variables.podSpec.volumes.filter(v, has(v.hostPath)).map(v, v.name).join(', ')`,
  },
  {
    expression: `!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, ${VOLUME_OK})`,
    messageExpression: `${KIND} + ': volumes ' + variables.podSpec.volumes.filter(v, !(${VOLUME_OK})).map(v, v.name).join(', ')`
      + " + ' use a type this namespace does not allow (allowed: ' + variables.allowedVolumes.join(', ') + ')'",
  },
  {
    expression: `!${hostFlag('hostNetwork')} && !${hostFlag('hostPID')} && !${hostFlag('hostIPC')}`,
    messageExpression: `${KIND} + ': spec.hostNetwork, spec.hostPID and spec.hostIPC must not be true'`,
  },
  {
    expression: `variables.containers.all(c, !(${HOST_PORT}))`,
    messageExpression: `${KIND} + ': containers ' + ${offenders(HOST_PORT)} + ' set ports[].hostPort; host ports are refused'`,
  },
  {
    expression: `(!has(variables.podSpec.securityContext) || !has(${POD_SELINUX}) || ${SELINUX_OK(POD_SELINUX)})`
      + ` && variables.containers.all(c, ${CONTAINER_SELINUX_OK})`,
    messageExpression: `${KIND} + ': seLinuxOptions may not set user or role, and type only container_t ('`
      + ` + (has(variables.podSpec.securityContext) && has(${POD_SELINUX}) && !${SELINUX_OK(POD_SELINUX)} ? 'spec.securityContext; ' : '')`
      + ` + 'containers: ' + ${offenders(`!(${CONTAINER_SELINUX_OK})`)} + ')'`,
  },
  {
    expression: "has(variables.podSpec.serviceAccountName) && variables.podSpec.serviceAccountName != '' && variables.podSpec.serviceAccountName != 'default'",
    messageExpression: `${KIND} + ': spec.serviceAccountName must name a service account of its own, not the default one'`,
  },
  {
    expression: `variables.containers.all(c, ${REGISTRY_OK})`,
    messageExpression: `${KIND} + ': containers ' + ${offenders(`!(${REGISTRY_OK})`)}`
      + " + ' use an image from a registry this namespace does not allow (allowed: ' + variables.allowedRegistries.join(', ') + ')'",
  },
  {
    expression: `variables.containers.all(c, ${TAG_OK})`,
    messageExpression: `${KIND} + ': containers ' + ${offenders(`!(${TAG_OK})`)} + ' use an untagged or :latest image; pin a tag or a digest'`,
  },
  {
    expression: `variables.containers.all(c, ${DIGEST_OK})`,
    messageExpression: `${KIND} + ': containers ' + ${offenders(`!(${DIGEST_OK})`)} + ' must pin their image by digest (@sha256:...) in this namespace'`,
  },
];

/**
 * Updates that leave the pod spec as it was are not checked again: controllers scale ReplicaSets
 * and remove finalizers with plain updates, and a namespace whose settings were tightened must not
 * stall those. Any change to the pod spec or pod template (an ephemeral container included) is
 * checked.
 */
export const POLICY_MATCH_CONDITIONS: ReadonlyArray<{ name: string; expression: string }> = [
  {
    name: 'creates-or-changes-pod-spec',
    expression: "request.operation != 'UPDATE' || oldObject == null || "
      + "(object.kind == 'Pod' ? object.spec != oldObject.spec : "
      + "(object.kind == 'CronJob' ? object.spec.jobTemplate != oldObject.spec.jobTemplate : object.spec.template != oldObject.spec.template))",
  },
];

/** The kinds the policy checks. */
export const CHECKED_RESOURCES: ReadonlyArray<{ apiGroups: string[]; resources: string[] }> = [
  { apiGroups: [''], resources: ['pods', 'pods/ephemeralcontainers'] },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
];

/** The policy and its binding. */
export function renderAdmissionPolicy(): Record<string, unknown>[] {
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: ADMISSION_POLICY_NAME, labels: { ...MANAGED_BY_LABEL } },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: CHECKED_RESOURCES.map((r) => ({
          apiGroups: r.apiGroups, apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: r.resources,
        })),
      },
      matchConditions: POLICY_MATCH_CONDITIONS.map((c) => ({ ...c })),
      variables: POLICY_VARIABLES.map((v) => ({ ...v })),
      validations: POLICY_VALIDATIONS.map((v) => ({ ...v, reason: 'Forbidden' })),
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: ADMISSION_POLICY_NAME, labels: { ...MANAGED_BY_LABEL } },
    spec: {
      policyName: ADMISSION_POLICY_NAME,
      validationActions: ['Deny'],
      matchResources: {
        namespaceSelector: {
          matchLabels: { [ADMISSION_LABEL_KEY]: ADMISSION_LABEL_VALUE },
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...NEVER_BOUND_NAMESPACES] }],
        },
      },
    },
  };
  return [policy, binding];
}
