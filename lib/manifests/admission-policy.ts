import { DEFAULT_TOLERATION_KEYS, MANAGED_BY_LABEL } from '../private/defaults';

/**
 * The ValidatingAdmissionPolicies that close what Pod Security Admission leaves open, as plain
 * Kubernetes objects. Pure: options in, objects out (the one option, the session prefix of the
 * role that applies the library's manifests, may hold deploy-time values).
 *
 * Beside the four pod-spec policies described next there are three more: Services (no
 * externalIPs, LoadBalancer and NodePort only where allowed), ingress objects (only where
 * allowed), and the namespace baseline (what the library applied changes only through it).
 *
 * Pod Security enforces on Pods only; on workload objects it merely warns, so without these
 * policies a bad pod template is accepted and its Pods fail later, one by one. The same rules
 * therefore run on every shape of object that carries a pod spec: Pods, the pod templates of
 * Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and ReplicationControllers,
 * CronJobs' job templates, and PodTemplates. There is one policy per shape, and every expression
 * of a policy reads its pod spec at a fixed path of `object` (never through a variable that picks
 * the path by kind), so the API server's type checker sees each field an expression uses. One
 * list of rules generates all four policies, so they cannot drift apart. Expressions use only core
 * CEL and the strings extension, so an off-the-shelf evaluator can run them offline.
 */

/**
 * Name of the policy for Pods, and the prefix of the others. Each binding has its policy's name.
 * Admission denials quote it, which the audit detections match on.
 */
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
  allowLoadBalancers: 'cdk-hardened-eks.io/allow-load-balancers',
  allowNodePorts: 'cdk-hardened-eks.io/allow-node-ports',
  allowIngress: 'cdk-hardened-eks.io/allow-ingress',
  allowedTolerationKeys: 'cdk-hardened-eks.io/allowed-toleration-keys',
  nodeSelectors: 'cdk-hardened-eks.io/node-selectors',
} as const;

/** `annotation 'key' of the request's namespace, or ''` in CEL. */
function annotation(key: string): string {
  return `(has(namespaceObject.metadata.annotations) && '${key}' in namespaceObject.metadata.annotations`
    + ` ? namespaceObject.metadata.annotations['${key}'] : '')`;
}

/** The namespace label that opts a namespace into the policies. Only the library sets it. */
export const ADMISSION_LABEL_KEY = 'cdk-hardened-eks.io/admission';
export const ADMISSION_LABEL_VALUE = 'enforced';

/** Volume types every namespace may use (the old restricted PodSecurityPolicy's list). */
export const BASE_VOLUME_TYPES: readonly string[] = ['configMap', 'secret', 'projected'];

/**
 * Every volume type of the Kubernetes 1.36 Volume object (its fields but `name`). The volume
 * check names each one, since a typed object cannot be iterated for its keys; a test compares
 * this list with the 1.36 schema.
 */
export const VOLUME_TYPES: readonly string[] = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral',
  'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath', 'image', 'iscsi', 'nfs',
  'persistentVolumeClaim', 'photonPersistentDisk', 'portworxVolume', 'projected', 'quobyte', 'rbd', 'scaleIO', 'secret',
  'storageos', 'vsphereVolume',
];

/** Namespaces the bindings never match, whatever their labels. */
export const NEVER_BOUND_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease', 'default'];

/** One check of a policy: a CEL expression that must be true, and how a denial reads. */
export interface PolicyValidation {
  readonly expression: string;
  readonly messageExpression: string;
}

/** One shape of object with a pod spec, and the policy that checks it. */
export interface PolicyShape {
  /** Name of the policy and of its binding. */
  readonly policyName: string;
  /** The kinds of this shape (for tests and docs). */
  readonly kinds: readonly string[];
  /** The resources the policy matches. */
  readonly resources: ReadonlyArray<{ apiGroups: string[]; resources: string[] }>;
  /** CEL path of the pod spec, from `object`. */
  readonly podSpec: string;
  /** CEL path, from `object`, of what an update must change to be checked again. */
  readonly changed: string;
}

/** The four shapes, one policy each. */
export const POLICY_SHAPES: readonly PolicyShape[] = [
  {
    policyName: ADMISSION_POLICY_NAME,
    kinds: ['Pod'],
    resources: [{ apiGroups: [''], resources: ['pods', 'pods/ephemeralcontainers'] }],
    podSpec: 'object.spec',
    changed: 'object.spec',
  },
  {
    policyName: `${ADMISSION_POLICY_NAME}-templates`,
    kinds: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController'],
    resources: [
      { apiGroups: [''], resources: ['replicationcontrollers'] },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
      { apiGroups: ['batch'], resources: ['jobs'] },
    ],
    podSpec: 'object.spec.template.spec',
    changed: 'object.spec.template',
  },
  {
    policyName: `${ADMISSION_POLICY_NAME}-cronjobs`,
    kinds: ['CronJob'],
    resources: [{ apiGroups: ['batch'], resources: ['cronjobs'] }],
    podSpec: 'object.spec.jobTemplate.spec.template.spec',
    changed: 'object.spec.jobTemplate',
  },
  {
    policyName: `${ADMISSION_POLICY_NAME}-podtemplates`,
    kinds: ['PodTemplate'],
    resources: [{ apiGroups: [''], resources: ['podtemplates'] }],
    podSpec: 'object.template.spec',
    changed: 'object.template',
  },
];

/** The namespace's settings, read from the request's Namespace: the same in every policy. */
export const NAMESPACE_VARIABLES: ReadonlyArray<{ name: string; expression: string }> = [
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
  {
    name: 'allowedTolerationKeys',
    expression: `${JSON.stringify(DEFAULT_TOLERATION_KEYS).replace(/"/g, "'").replace(/,/g, ', ')}`
      + ` + (${annotation(ADMISSION_ANNOTATIONS.allowedTolerationKeys)} != '' ? ${annotation(ADMISSION_ANNOTATIONS.allowedTolerationKeys)}.split(',') : [])`,
  },
  {
    // `key=value` labels of the node groups the namespace is bound to; a pod must select one.
    name: 'nodeSelectors',
    expression: `${annotation(ADMISSION_ANNOTATIONS.nodeSelectors)} != '' ? ${annotation(ADMISSION_ANNOTATIONS.nodeSelectors)}.split(',') : []`,
  },
];

/** The three container lists of a pod spec; only `containers` is required. */
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** `the names of the containers of the pod spec at p for which <cond> holds`, each list read at its typed path. */
function containersWhere(p: string, cond: string): string {
  return CONTAINER_LISTS.map((list) => (list === 'containers'
    ? `${p}.${list}.filter(c, ${cond}).map(c, c.name)`
    : `(has(${p}.${list}) ? ${p}.${list}.filter(c, ${cond}).map(c, c.name) : [])`)).join(' + ');
}

/** `the names of the volumes of the pod spec at p for which <cond> holds`. */
function volumesWhere(p: string, cond: string): string {
  return `has(${p}.volumes) ? ${p}.volumes.filter(v, ${cond}).map(v, v.name) : []`;
}

/**
 * SELinux options a pod may set: no user, no role, no level (Bottlerocket gives each container its
 * own MCS category pair; a pod that names a level, `s0-s0:c0.c1023` or another pod's pair, would
 * dominate or share other containers' categories), and type container_t only.
 */
const SELINUX_OK = (o: string) => `(!has(${o}.user) && !has(${o}.role) && !has(${o}.level) && (!has(${o}.type) || ${o}.type == 'container_t'))`;
/** A volume type beyond the base list that this namespace has not allowed. (A typed object cannot be iterated for its keys.) */
const VOLUME_NOT_ALLOWED = VOLUME_TYPES.filter((type) => !BASE_VOLUME_TYPES.includes(type))
  .map((type) => `(has(v.${type}) && !('${type}' in variables.allowedVolumes))`).join(' || ');
const KIND = "object.kind + ' ' + object.metadata.name";

/**
 * The container checks: the variable that lists the offending containers, what makes a container
 * offend, and how the denial ends after `containers <names>`.
 */
const CONTAINER_CHECKS: ReadonlyArray<{ variable: string; offends: string; message: string }> = [
  {
    variable: 'privilegedContainers',
    offends: 'has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged',
    message: 'set securityContext.privileged; privileged containers are refused',
  },
  {
    variable: 'escalatingContainers',
    offends: '!has(c.securityContext) || !has(c.securityContext.allowPrivilegeEscalation) || c.securityContext.allowPrivilegeEscalation',
    message: 'must set securityContext.allowPrivilegeEscalation to false',
  },
  {
    variable: 'capableContainers',
    offends: '!has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.drop)'
      + " || !c.securityContext.capabilities.drop.exists(d, d == 'ALL')"
      + " || (has(c.securityContext.capabilities.add) && c.securityContext.capabilities.add.exists(a, a != 'NET_BIND_SERVICE'))",
    message: 'must drop ALL capabilities (securityContext.capabilities.drop) and add none but NET_BIND_SERVICE',
  },
  {
    variable: 'hostPortContainers',
    offends: 'has(c.ports) && c.ports.exists(p, has(p.hostPort) && p.hostPort != 0)',
    message: 'set ports[].hostPort; host ports are refused',
  },
  {
    variable: 'seLinuxContainers',
    offends: `has(c.securityContext) && has(c.securityContext.seLinuxOptions) && !${SELINUX_OK('c.securityContext.seLinuxOptions')}`,
    message: '',
  },
  {
    variable: 'foreignImageContainers',
    offends: "!variables.allowedRegistries.exists(r, c.image.startsWith(r + '/'))",
    message: "use an image from a registry this namespace does not allow (allowed: ' + variables.allowedRegistries.join(', ') + ')",
  },
  {
    variable: 'unpinnedImageContainers',
    offends: "!c.image.matches('(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[a-f0-9]{64})$') || c.image.matches(':latest(@sha256:[a-f0-9]{64})?$')",
    message: 'use an untagged or :latest image; pin a tag or a digest',
  },
  {
    variable: 'undigestedImageContainers',
    offends: "variables.requireDigests && !c.image.matches('@sha256:[a-f0-9]{64}$')",
    message: 'must pin their image by digest (@sha256:...) in this namespace',
  },
];

/**
 * The variables of a policy whose pod spec is at CEL path `p`: the namespace's settings, then
 * the offending containers and volumes of each check, each read at the typed path (so the API
 * server's type checker sees every field) and evaluated once for the check and its message.
 */
export function policyVariables(p: string): Array<{ name: string; expression: string }> {
  return [
    ...NAMESPACE_VARIABLES.map((v) => ({ ...v })),
    ...CONTAINER_CHECKS.map((check) => ({ name: check.variable, expression: containersWhere(p, check.offends) })),
    { name: 'hostPathVolumes', expression: volumesWhere(p, 'has(v.hostPath)') },
    {
      // Tolerations of a taint the namespace was not granted; one without a key tolerates every taint.
      name: 'foreignTolerations',
      expression: `has(${p}.tolerations) ? ${p}.tolerations.filter(t, !has(t.key) || t.key == '' || !(t.key in variables.allowedTolerationKeys))`
        + ".map(t, has(t.key) && t.key != '' ? t.key : '(every taint)') : []",
    },
    { name: 'disallowedVolumes', expression: volumesWhere(p, VOLUME_NOT_ALLOWED) },
  ];
}

/**
 * The checks of a policy whose pod spec is at CEL path `p`. Messages name the object, the
 * containers or volumes, and the field.
 */
export function policyValidations(p: string): PolicyValidation[] {
  const oldSpec = `oldObject${p.slice('object'.length)}`;
  const hostFlag = (field: string) => `(has(${p}.${field}) && ${p}.${field})`;
  const podSeLinux = `${p}.securityContext.seLinuxOptions`;
  const podSeLinuxBad = `has(${p}.securityContext) && has(${podSeLinux}) && !${SELINUX_OK(podSeLinux)}`;
  const containerCheck = (variable: string) => {
    const check = CONTAINER_CHECKS.find((c) => c.variable === variable)!;
    return {
      expression: `size(variables.${variable}) == 0`,
      messageExpression: `${KIND} + ': containers ' + variables.${variable}.join(', ') + ' ${check.message}'`,
    };
  };
  return [
    containerCheck('privilegedContainers'),
    containerCheck('escalatingContainers'),
    containerCheck('capableContainers'),
    {
      expression: 'size(variables.hostPathVolumes) == 0',
      messageExpression: `${KIND} + ': hostPath volumes are refused: ' + variables.hostPathVolumes.join(', ')`,
    },
    {
      expression: 'size(variables.disallowedVolumes) == 0',
      messageExpression: `${KIND} + ': volumes ' + variables.disallowedVolumes.join(', ')`
        + " + ' use a type this namespace does not allow (allowed: ' + variables.allowedVolumes.join(', ') + ')'",
    },
    {
      expression: `!${hostFlag('hostNetwork')} && !${hostFlag('hostPID')} && !${hostFlag('hostIPC')}`,
      messageExpression: `${KIND} + ': spec.hostNetwork, spec.hostPID and spec.hostIPC must not be true'`,
    },
    containerCheck('hostPortContainers'),
    {
      expression: `!(${podSeLinuxBad}) && size(variables.seLinuxContainers) == 0`,
      messageExpression: `${KIND} + ': seLinuxOptions may not set user, role or level, and type only container_t ('`
        + ` + (${podSeLinuxBad} ? 'spec.securityContext; ' : '') + 'containers: ' + variables.seLinuxContainers.join(', ') + ')'`,
    },
    {
      expression: `has(${p}.serviceAccountName) && ${p}.serviceAccountName != '' && ${p}.serviceAccountName != 'default'`,
      messageExpression: `${KIND} + ': spec.serviceAccountName must name a service account of its own, not the default one'`,
    },
    {
      // A nodeName skips the scheduler (and with it taints and node selection). A Pod's nodeName is
      // set by the scheduler's binding, so on update it may stay as it was; nothing may add one.
      expression: `!has(${p}.nodeName) || ${p}.nodeName == '' || (request.operation == 'UPDATE' && has(${oldSpec}.nodeName) && ${oldSpec}.nodeName == ${p}.nodeName)`,
      messageExpression: `${KIND} + ': spec.nodeName is refused; let the scheduler place the pod'`,
    },
    {
      expression: 'size(variables.foreignTolerations) == 0',
      messageExpression: `${KIND} + ': tolerations of ' + variables.foreignTolerations.join(', ') + ' are refused; this namespace may tolerate '`
        + " + variables.allowedTolerationKeys.join(', ')",
    },
    {
      // A namespace bound to dedicated node groups runs there only.
      expression: `size(variables.nodeSelectors) == 0 || (has(${p}.nodeSelector) && variables.nodeSelectors.exists(s,`
        + ` s.split('=')[0] in ${p}.nodeSelector && ${p}.nodeSelector[s.split('=')[0]] == s.split('=')[1]))`,
      messageExpression: `${KIND} + ': spec.nodeSelector must select one of this namespace\\'s node groups: ' + variables.nodeSelectors.join(' or ')`,
    },
    {
      // system-node-critical and system-cluster-critical preempt anything, CoreDNS and the CNI included.
      expression: `!has(${p}.priorityClassName) || !${p}.priorityClassName.startsWith('system-')`,
      messageExpression: `${KIND} + ': spec.priorityClassName ' + ${p}.priorityClassName + ' is reserved for the cluster\\'s own components'`,
    },
    containerCheck('foreignImageContainers'),
    containerCheck('unpinnedImageContainers'),
    containerCheck('undigestedImageContainers'),
  ];
}

/**
 * Updates that leave the pod spec as it was are not checked again: controllers scale ReplicaSets
 * and remove finalizers with plain updates, and a namespace whose settings were tightened must not
 * stall those. Any change to the pod spec or pod template (an ephemeral container included) is
 * checked.
 */
export function policyMatchConditions(shape: PolicyShape): Array<{ name: string; expression: string }> {
  return [{
    name: 'creates-or-changes-pod-spec',
    expression: `request.operation != 'UPDATE' || ${shape.changed} != oldObject${shape.changed.slice('object'.length)}`,
  }];
}

/** A namespace's setting that is 'true' or not set, in CEL. */
const namespaceAllows = (key: string) => `${annotation(key)} == 'true'`;

/**
 * The policy on Services: no `externalIPs` (CVE-2020-8554: kube-proxy on every node sends traffic
 * for those addresses to the Service, so a tenant could take over the VPC resolver's or the API
 * endpoint's address; on update, only addresses already there may stay), and type LoadBalancer or
 * NodePort only where the namespace allows them (the quota refuses them too).
 */
export const SERVICE_POLICY = {
  policyName: `${ADMISSION_POLICY_NAME}-services`,
  resources: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['services'] }],
  validations: [
    {
      expression: "!has(object.spec.externalIPs) || object.spec.externalIPs.all(ip, request.operation == 'UPDATE'"
        + ' && has(oldObject.spec.externalIPs) && ip in oldObject.spec.externalIPs)',
      messageExpression: `${KIND} + ': spec.externalIPs are refused (they redirect traffic for those addresses on every node to this Service)'`,
    },
    {
      expression: `!has(object.spec.type) || object.spec.type != 'LoadBalancer' || ${namespaceAllows(ADMISSION_ANNOTATIONS.allowLoadBalancers)}`,
      messageExpression: `${KIND} + ': Services of type LoadBalancer are refused in this namespace (quota.allowLoadBalancers)'`,
    },
    {
      expression: `!has(object.spec.type) || object.spec.type != 'NodePort' || ${namespaceAllows(ADMISSION_ANNOTATIONS.allowNodePorts)}`,
      messageExpression: `${KIND} + ': Services of type NodePort are refused in this namespace (quota.allowNodePorts)'`,
    },
  ] as readonly PolicyValidation[],
};

/**
 * The policy on Ingresses and Gateway API objects: refused unless the namespace allows ingress.
 * An ingress controller that watches every namespace would otherwise expose whatever Service a
 * tenant names. (Rules for Gateway API resources match nothing where its CRDs are not installed.)
 */
export const INGRESS_POLICY = {
  policyName: `${ADMISSION_POLICY_NAME}-ingress`,
  resources: [
    { apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['ingresses'] },
    { apiGroups: ['gateway.networking.k8s.io'], apiVersions: ['*'], resources: ['gateways', 'httproutes', 'grpcroutes', 'tlsroutes', 'tcproutes', 'udproutes'] },
  ],
  validations: [
    {
      expression: namespaceAllows(ADMISSION_ANNOTATIONS.allowIngress),
      messageExpression: `${KIND} + ': ingress objects are refused in this namespace (allowIngress)'`,
    },
  ] as readonly PolicyValidation[],
};

/** The label value every object of the library carries (`app.kubernetes.io/managed-by`). */
const MANAGED_BY = Object.entries(MANAGED_BY_LABEL)[0];

/**
 * Usernames that may change or delete the objects the library puts into a namespace, in CEL:
 * sessions of the role that applies the library's manifests (EKS names an IAM role's requests
 * `arn:<partition>:sts::<account>:assumed-role/<role name>/<session>`), the controllers in
 * kube-system (the namespace controller empties a namespace that is being deleted) and EKS's own
 * components.
 */
function baselineMaintainers(applierSessionPrefix: string): string {
  return `request.userInfo.username.startsWith('${applierSessionPrefix}')`
    + " || request.userInfo.username.startsWith('system:serviceaccount:kube-system:')"
    + " || request.userInfo.username in ['system:kube-controller-manager', 'system:apiserver']"
    + " || request.userInfo.username.startsWith('eks:')";
}

/**
 * The policy that keeps a namespace's baseline in place: the NetworkPolicies, ResourceQuota,
 * LimitRange, Roles, RoleBindings and ServiceAccounts the library applied (they carry its
 * managed-by label) cannot be updated or deleted by anyone else, at any access level, ADMIN
 * included. A tenant can still add objects of its own.
 */
export function baselinePolicy(applierSessionPrefix: string): {
  policyName: string;
  operations: string[];
  resources: Array<{ apiGroups: string[]; resources: string[] }>;
  matchConditions: Array<{ name: string; expression: string }>;
  validations: PolicyValidation[];
} {
  return {
    policyName: `${ADMISSION_POLICY_NAME}-baseline`,
    operations: ['UPDATE', 'DELETE'],
    resources: [
      { apiGroups: [''], resources: ['serviceaccounts', 'resourcequotas', 'limitranges'] },
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'] },
    ],
    matchConditions: [{
      name: 'applied-by-the-library',
      expression: `has(oldObject.metadata.labels) && '${MANAGED_BY[0]}' in oldObject.metadata.labels`
        + ` && oldObject.metadata.labels['${MANAGED_BY[0]}'] == '${MANAGED_BY[1]}'`,
    }],
    validations: [{
      expression: baselineMaintainers(applierSessionPrefix),
      messageExpression: "oldObject.kind + ' ' + oldObject.metadata.name + ' is part of the namespace baseline of cdk-hardened-eks:"
        + " only the library\\'s deployments change or delete it'",
    }],
  };
}

/** A policy and its binding, bound to the namespaces the library labels. */
function policyAndBinding(name: string, resources: ReadonlyArray<{ apiGroups: string[]; apiVersions?: string[]; resources: string[] }>,
  spec: Record<string, unknown>, operations: string[] = ['CREATE', 'UPDATE']): Record<string, unknown>[] {
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels: { ...MANAGED_BY_LABEL } },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: resources.map((r) => ({
            apiGroups: [...r.apiGroups], apiVersions: [...(r.apiVersions ?? ['v1'])], operations: [...operations], resources: [...r.resources],
          })),
        },
        ...spec,
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels: { ...MANAGED_BY_LABEL } },
      spec: {
        policyName: name,
        validationActions: ['Deny'],
        matchResources: {
          namespaceSelector: {
            matchLabels: { [ADMISSION_LABEL_KEY]: ADMISSION_LABEL_VALUE },
            matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...NEVER_BOUND_NAMESPACES] }],
          },
        },
      },
    },
  ];
}

/** Who applies the library's manifests: the session-name prefix of its role's requests. */
export interface PolicyRenderOptions {
  /** `arn:<partition>:sts::<account>:assumed-role/<role name>/` of the kubectl provider's role. */
  readonly applierSessionPrefix: string;
}

/** The policies and their bindings, a policy first and its binding after it. */
export function renderAdmissionPolicies(options: PolicyRenderOptions): Record<string, unknown>[] {
  const baseline = baselinePolicy(options.applierSessionPrefix);
  return [
    ...POLICY_SHAPES.flatMap((shape) => policyAndBinding(shape.policyName, shape.resources, {
      matchConditions: policyMatchConditions(shape),
      variables: policyVariables(shape.podSpec),
      validations: policyValidations(shape.podSpec).map((v) => ({ ...v, reason: 'Forbidden' })),
    })),
    ...[SERVICE_POLICY, INGRESS_POLICY].flatMap((policy) => policyAndBinding(policy.policyName, policy.resources, {
      validations: policy.validations.map((v) => ({ ...v, reason: 'Forbidden' })),
    })),
    ...policyAndBinding(baseline.policyName, baseline.resources, {
      matchConditions: baseline.matchConditions,
      validations: baseline.validations.map((v) => ({ ...v, reason: 'Forbidden' })),
    }, baseline.operations),
  ];
}
