import { ADMISSION_ANNOTATIONS, ADMISSION_LABEL_KEY, ADMISSION_LABEL_VALUE } from './admission-policy';
import { MANAGED_BY_LABEL } from '../private/defaults';

/**
 * Everything a hardened namespace consists of, as plain Kubernetes objects. Pure: resolved
 * options in, objects out; the construct only hands them to the cluster.
 */

/** The address of the instance metadata service, never opened by a convenience option. */
export const IMDS_ADDRESS = '169.254.169.254';
/** The EKS Pod Identity agent's link-local address and port. */
export const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 };

/** DNS, over UDP and TCP. */
export const DNS_PORTS: ReadonlyArray<{ protocol: string; port: number }> = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];

/** An egress rule to the EKS Pod Identity agent on the pod's node. */
export const POD_IDENTITY_AGENT_EGRESS = {
  to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }],
  ports: [{ protocol: 'TCP', port: POD_IDENTITY_AGENT.port }],
} as const;

/** A NetworkPolicy peer: the CoreDNS pods of kube-system. */
export const COREDNS_PEER = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
} as const;

/** A namespace's options with every default filled in. */
export interface NamespaceRenderOptions {
  readonly name: string;
  /** 'restricted' or 'baseline'. */
  readonly podSecurityLevel: string;
  /** Minor Kubernetes version for the Pod Security labels, for example 'v1.36'. */
  readonly podSecurityVersion: string;
  readonly allowSameNamespaceTraffic: boolean;
  readonly allowIngressFromNamespaces: string[];
  readonly allowEgressToNamespaces: string[];
  readonly allowEgress: Array<{ cidr: string; except: string[]; ports: number[]; protocol: string }>;
  /** Whether the namespace has a Pod Identity service account (opens the agent's address). */
  readonly allowPodIdentityAgent: boolean;
  readonly additionalVolumeTypes: string[];
  /** Services of type LoadBalancer allowed (admission policy; the quota follows the same option). */
  readonly allowLoadBalancers: boolean;
  /** Services of type NodePort allowed. */
  readonly allowNodePorts: boolean;
  /** Ingresses and Gateway API objects allowed. */
  readonly allowIngress: boolean;
  /** Taint keys pods may tolerate beyond the node-condition ones. */
  readonly allowedTolerationKeys: string[];
  /** `key=value` labels of the node groups the namespace is bound to (pods must select one). */
  readonly nodeSelectors: string[];
  readonly allowedImageRegistries: string[];
  readonly requireImageDigests: boolean;
  readonly quota: Record<string, string>;
  readonly limits: {
    readonly defaultRequest: Record<string, string>;
    readonly default: Record<string, string>;
    readonly max: Record<string, string>;
  };
}

const label = () => ({ ...MANAGED_BY_LABEL });

/**
 * Names of the NetworkPolicies every namespace has, whatever its options. An option that is off
 * renders its policy closed (it selects every pod and allows nothing, which the default deny
 * already says), so turning an option off updates the policy in place and the opening is gone
 * after the next deployment. Nothing relies on `kubectl apply --prune`, which leaves
 * NetworkPolicies, Roles, quotas and admission policies alone.
 */
export const NETWORK_POLICY_NAMES = [
  'default-deny', 'allow-dns', 'allow-same-namespace', 'allow-from-namespaces', 'allow-to-namespaces', 'allow-egress', 'allow-pod-identity-agent',
] as const;

/**
 * The objects of one namespace that go to the cluster with the Namespace, in order: the Namespace,
 * its NetworkPolicies (every name of NETWORK_POLICY_NAMES, open or closed), its ResourceQuota and
 * LimitRange. Not the `default` ServiceAccount, which the serviceaccount controller creates as
 * soon as the Namespace exists (see renderNamespaceAccessObjects).
 */
export function renderNamespaceObjects(o: NamespaceRenderOptions): Record<string, unknown>[] {
  const ns = o.name;
  const meta = (name: string) => ({ name, namespace: ns, labels: label() });
  const opening = (name: string, open: boolean, policyTypes: string[], rules: Record<string, unknown>) =>
    networkPolicy(ns, name, { podSelector: {}, policyTypes, ...(open ? rules : {}) });
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: {
          ...label(),
          [ADMISSION_LABEL_KEY]: ADMISSION_LABEL_VALUE,
          ...Object.fromEntries(['enforce', 'audit', 'warn'].flatMap((mode) => [
            [`pod-security.kubernetes.io/${mode}`, o.podSecurityLevel],
            [`pod-security.kubernetes.io/${mode}-version`, o.podSecurityVersion],
          ])),
        },
        annotations: {
          [ADMISSION_ANNOTATIONS.allowedVolumes]: o.additionalVolumeTypes.join(','),
          [ADMISSION_ANNOTATIONS.allowedRegistries]: o.allowedImageRegistries.join(','),
          [ADMISSION_ANNOTATIONS.requireDigests]: String(o.requireImageDigests),
          [ADMISSION_ANNOTATIONS.allowLoadBalancers]: String(o.allowLoadBalancers),
          [ADMISSION_ANNOTATIONS.allowNodePorts]: String(o.allowNodePorts),
          [ADMISSION_ANNOTATIONS.allowIngress]: String(o.allowIngress),
          [ADMISSION_ANNOTATIONS.allowedTolerationKeys]: o.allowedTolerationKeys.join(','),
          [ADMISSION_ANNOTATIONS.nodeSelectors]: o.nodeSelectors.join(','),
        },
      },
    },
    networkPolicy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    networkPolicy(ns, 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [COREDNS_PEER], ports: DNS_PORTS }],
    }),
    opening('allow-same-namespace', o.allowSameNamespaceTraffic, ['Ingress', 'Egress'], {
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    }),
    opening('allow-from-namespaces', o.allowIngressFromNamespaces.length > 0, ['Ingress'], {
      ingress: [{ from: [namespacesNamed(o.allowIngressFromNamespaces)] }],
    }),
    opening('allow-to-namespaces', o.allowEgressToNamespaces.length > 0, ['Egress'], {
      egress: [{ to: [namespacesNamed(o.allowEgressToNamespaces)] }],
    }),
    opening('allow-egress', o.allowEgress.length > 0, ['Egress'], {
      egress: o.allowEgress.map((rule) => ({
        to: [{ ipBlock: { cidr: rule.cidr, ...(rule.except.length > 0 ? { except: rule.except } : {}) } }],
        ...(rule.ports.length > 0 ? { ports: rule.ports.map((port) => ({ protocol: rule.protocol, port })) } : {}),
      })),
    }),
    renderPodIdentityAgentPolicy(ns, o.allowPodIdentityAgent),
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: meta('cdk-hardened-eks-quota'),
      spec: { hard: { ...o.quota } },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: meta('cdk-hardened-eks-limits'),
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { ...o.limits.defaultRequest },
          default: { ...o.limits.default },
          max: { ...o.limits.max },
        }],
      },
    },
  ];
}

/**
 * The objects of one namespace applied once its `default` ServiceAccount exists: that account
 * without token automount, then the view and edit Roles and their bindings. Applying `default` in
 * the same `kubectl apply` as its Namespace races the serviceaccount controller (kubectl reads
 * it, finds nothing, the controller creates it, kubectl's create fails with AlreadyExists); the
 * construct applies these only after it has seen the account, so kubectl patches it. The Roles
 * come with it, so no tenant can start a pod before automount is off.
 */
export function renderNamespaceAccessObjects(ns: string): Record<string, unknown>[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns, labels: label() },
      automountServiceAccountToken: false,
    },
    ...renderRbac(ns),
  ];
}

/**
 * The NetworkPolicy that lets pods reach the EKS Pod Identity agent on their node; closed unless
 * the namespace has a Pod Identity service account.
 */
export function renderPodIdentityAgentPolicy(ns: string, open: boolean): Record<string, unknown> {
  return networkPolicy(ns, 'allow-pod-identity-agent', {
    podSelector: {},
    policyTypes: ['Egress'],
    ...(open ? { egress: [POD_IDENTITY_AGENT_EGRESS] } : {}),
  });
}

/** A NetworkPolicy peer: every pod of the named namespaces. */
function namespacesNamed(names: string[]): Record<string, unknown> {
  return { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...names] }] } };
}

/**
 * The egress of a system pod that calls AWS APIs with Pod Identity credentials: HTTPS anywhere (AWS
 * APIs through NAT or endpoints, and the API server at the `kubernetes` Service address), the Pod
 * Identity agent, and CoreDNS.
 */
export function awsApiClientEgress(): unknown[] {
  return [
    { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    POD_IDENTITY_AGENT_EGRESS,
    { to: [COREDNS_PEER], ports: DNS_PORTS },
  ];
}

/** A NetworkPolicy of the library (its managed-by label on it). */
export function networkPolicy(ns: string, name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns, labels: label() }, spec };
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete'];

/** What VIEW may read: most namespaced objects, never Secrets. */
const VIEW_RULES = [
  { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'endpoints', 'configmaps', 'persistentvolumeclaims', 'serviceaccounts', 'events', 'resourcequotas', 'limitranges'], verbs: READ },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies', 'ingresses'], verbs: READ },
];

/**
 * What EDIT may change on top: workloads and their configuration. Secrets can be read one by one
 * and written, never listed or watched. Not NetworkPolicies, quotas, service accounts or RBAC
 * (the platform's), not exec/attach/port-forward.
 */
const EDIT_RULES = [
  ...VIEW_RULES,
  { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims'], verbs: WRITE },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', ...WRITE] },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'deployments/scale', 'statefulsets/scale'], verbs: WRITE },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: WRITE },
];

/** The Kubernetes group that gets a level in a namespace (for access entries' kubernetesGroups). */
export function namespaceGroup(ns: string, level: 'view' | 'edit'): string {
  return `cdk-hardened-eks:${ns}:${level}`;
}

function renderRbac(ns: string): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  // `kubectl apply` reads the object's Namespace first; without this each applied object is a 403.
  // A Role grants it because the API server authorizes a request for a namespace within that
  // namespace; resourceNames keeps it to this one.
  const ownNamespace = { apiGroups: [''], resources: ['namespaces'], resourceNames: [ns], verbs: ['get'] };
  for (const [level, rules] of [['view', VIEW_RULES], ['edit', EDIT_RULES]] as const) {
    const name = `cdk-hardened-eks-${level}`;
    objects.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns, labels: label() },
        rules: [{ ...ownNamespace, resourceNames: [...ownNamespace.resourceNames] }, ...rules.map((r) => ({ ...r }))],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace: ns, labels: label() },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: namespaceGroup(ns, level) }],
      },
    );
  }
  return objects;
}
