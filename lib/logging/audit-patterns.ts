import { ADMISSION_POLICY_NAME } from '../manifests/admission-policy';

import { KARPENTER_DEFAULTS } from '../private/defaults';

/**
 * CloudWatch Logs JSON filter patterns over Kubernetes audit events (audit.k8s.io/v1 `Event`), one
 * per detection. Pure functions: options in, pattern text out, tested against real audit events.
 *
 * Written to CloudWatch Logs' documented semantics: string values compare whole and case
 * sensitively, `*` is a wildcard only at the start or end of a value, `[*]` selects any array
 * element (at most three per pattern), a field that is absent never matches `=` or `!=`, and a
 * pattern holds at most two `%regex%` values and 1024 characters.
 */

/** The longest filter pattern CloudWatch Logs accepts. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

/**
 * kube-controller-manager's service accounts that detections leave out by name, each where its
 * controller acts. Only these can be left out (controllerUser takes no other name), and a pod
 * running as one of them is a detection of its own (controllerAccountPodPattern).
 */
const CONTROLLER_ACCOUNTS = ['clusterrole-aggregation-controller', 'generic-garbage-collector', 'namespace-controller', 'resourcequota-controller',
  'legacy-service-account-token-cleaner', 'certificate-controller'] as const;

/** The Kubernetes user of one of kube-controller-manager's service accounts. */
function controllerUser(name: typeof CONTROLLER_ACCOUNTS[number]): string {
  return `system:serviceaccount:kube-system:${name}`;
}

/** Control-plane and EKS identities that read Secrets as part of running the cluster. */
export const DEFAULT_SECRET_READERS: readonly string[] = [
  // kube-controller-manager, and the controllers it runs under their own service accounts that
  // list or watch Secrets (namespace deletion, garbage collection, quota counting, token cleanup).
  'system:kube-controller-manager',
  controllerUser('namespace-controller'),
  controllerUser('generic-garbage-collector'),
  controllerUser('resourcequota-controller'),
  controllerUser('legacy-service-account-token-cleaner'),
  // The API server itself, and kubelets fetching the Secrets of pods on their node (the Node
  // authorizer limits each kubelet to those).
  'system:apiserver',
  'system:node:*',
  // EKS's own components (for example eks:kms-storage-migrator re-encrypting Secrets).
  'eks:*',
];

/** A quoted filter-pattern string, escaping what JSON escapes. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function anyOf(selector: string, values: readonly string[]): string {
  return values.map((v) => `${selector} = ${quote(v)}`).join(' || ');
}

/** The Karpenter controller's Kubernetes user, as the library installs it. */
const KARPENTER_CONTROLLER_USER = `system:serviceaccount:${KARPENTER_DEFAULTS.namespace}:${KARPENTER_DEFAULTS.serviceAccount}`;

/** Requests that write or delete an object. */
const WRITES = `(${anyOf('$.verb', ['create', 'update', 'patch', 'delete', 'deletecollection'])})`;

/**
 * A shell or a tunnel into a workload, by any door: `kubectl exec`, `attach`, `port-forward` and
 * `debug` (ephemeral containers) on a pod; the API server's proxy to a node's kubelet
 * (`nodes/<node>/proxy/exec/...`, `/run`, `/attach`), to a pod or to a Service; and a pod created
 * with an interactive container (stdin or a TTY: `kubectl run -it`, `kubectl debug --copy-to`).
 */
export function execIntoPodPattern(): string {
  return `{ (($.objectRef.resource = "pods") && (${anyOf('$.objectRef.subresource', ['exec', 'attach', 'portforward', 'ephemeralcontainers'])})) ` +
    `|| (($.objectRef.subresource = "proxy") && (${anyOf('$.objectRef.resource', ['nodes', 'pods', 'services'])})) ` +
    '|| (($.objectRef.resource = "pods") && ($.verb = "create") && ($.objectRef.subresource NOT EXISTS) ' +
    '&& ($.requestObject.spec.containers[*].stdin IS TRUE || $.requestObject.spec.containers[*].tty IS TRUE)) }';
}

/**
 * Any request the API server attributed to an unauthenticated caller, or refused for lack of
 * credentials (401: on EKS 1.32 and later such events carry an empty `user`); not the anonymous
 * health probes the API server allows (`/healthz`, `/livez`, `/readyz`).
 */
export function anonymousRequestPattern(): string {
  return '{ (($.user.username = "system:anonymous") || ($.user.groups[*] = "system:unauthenticated") || ($.responseStatus.code = 401)) ' +
    '&& ($.requestURI != "/healthz") && ($.requestURI != "/livez") && ($.requestURI != "/readyz") }';
}

/** The username EKS gives an IAM role's sessions: `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`. */
export function roleSessions(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:sts::${account}:assumed-role/${roleName}/*`;
}

/**
 * Cluster-wide RBAC written: a ClusterRole or ClusterRoleBinding (or a Role or RoleBinding in
 * kube-system, where the controllers' service accounts live) created, changed or deleted (a
 * new `*` role, a role given `escalate`, `bind` or `impersonate`, an aggregated role that widens
 * `admin` or `edit`, `admin` or `edit` bound cluster-wide). Left out by exact name: the API
 * server's start-up reconciliation, the clusterrole-aggregation controller, EKS's add-on manager,
 * and the library's manifest applier.
 */
export function clusterRbacChangePattern(applierSessions?: string): string {
  return '{ (($.objectRef.resource = "clusterroles" || $.objectRef.resource = "clusterrolebindings") ' +
    '|| (($.objectRef.resource = "roles" || $.objectRef.resource = "rolebindings") && $.objectRef.namespace = "kube-system")) ' +
    `&& ${WRITES} ` +
    `&& ($.user.username != "system:apiserver") && ($.user.username != ${quote(controllerUser('clusterrole-aggregation-controller'))}) ` +
    `&& ($.user.username != "eks:addon-manager")${applierSessions ? ` && ($.user.username != ${quote(applierSessions)})` : ''} }`;
}

/**
 * New credentials or identities: any impersonated request (the impersonator is in `user`, the
 * target in `impersonatedUser`), a CertificateSigningRequest approved by anyone but the controllers
 * that approve node certificates, a token minted for a kube-system service account by anyone but a
 * kubelet or kube-controller-manager.
 */
export function credentialMintingPattern(): string {
  return '{ ($.impersonatedUser.username = "*") ' +
    '|| (($.objectRef.resource = "certificatesigningrequests") && ($.objectRef.subresource = "approval") ' +
    `&& ($.user.username != "system:kube-controller-manager") && ($.user.username != ${quote(controllerUser('certificate-controller'))}) ` +
    '&& ($.user.username != "eks:certificate-controller")) ' +
    '|| (($.objectRef.resource = "serviceaccounts") && ($.objectRef.subresource = "token") && ($.objectRef.namespace = "kube-system") ' +
    '&& ($.user.username != "system:node:*") && ($.user.username != "system:kube-controller-manager")) }';
}

/**
 * A pod in kube-system that runs as one of kube-controller-manager's service accounts, which the
 * other detections leave out by name: its kubelet would mint the token (quietly, as kubelets do),
 * and the pod would then act unseen as that controller. Controllers run inside the control plane,
 * never as pods, so no such pod is legitimate. Either way of naming the account counts
 * (`serviceAccountName`, and the deprecated `serviceAccount`).
 */
const CONTROLLER_ACCOUNTS_REGEX = CONTROLLER_ACCOUNTS.map((a) => `^${a}$`).join('|');

export function controllerAccountPodPattern(): string {
  return '{ ($.objectRef.resource = "pods") && ($.objectRef.namespace = "kube-system") && ($.verb = "create") ' +
    `&& ($.requestObject.spec.serviceAccountName = %${CONTROLLER_ACCOUNTS_REGEX}% || $.requestObject.spec.serviceAccount = %${CONTROLLER_ACCOUNTS_REGEX}%) }`;
}

/**
 * The guard rails loosened: admission policies (validating or mutating), their bindings or
 * admission webhooks written or deleted; a Namespace's labels or annotations changed (Pod Security
 * level, the library's admission settings), through any subresource but the namespace controller's
 * finalizing; a NetworkPolicy written or deleted (an allow-all policy undoes a default deny as
 * surely as deleting it); a Karpenter NodePool or EC2NodeClass written or deleted (a node class
 * with a hop limit of 2 hands pods the node role) by anyone but Karpenter's own controller, which
 * writes their status and finalizers. The library's manifest applier and EKS's add-on manager are
 * left out by exact name.
 */
export function guardRailChangePattern(applierSessions?: string): string {
  // `validating*` and `mutating*`: the admission webhook configurations, admission policies and
  // their bindings (every resource of admissionregistration.k8s.io), in a pattern short enough
  // for CloudWatch's 1024 characters.
  return '{ (((' + anyOf('$.objectRef.resource', ['validating*', 'mutating*', 'networkpolicies']) + `) && ${WRITES}) ` +
    `|| ((${anyOf('$.objectRef.resource', ['nodepools', 'ec2nodeclasses'])}) && ${WRITES} && ($.user.username != ${quote(KARPENTER_CONTROLLER_USER)})) ` +
    '|| (($.objectRef.resource = "namespaces") && ($.verb = "update" || $.verb = "patch") ' +
    `&& ($.objectRef.subresource NOT EXISTS || $.user.username != ${quote(controllerUser('namespace-controller'))}))) ` +
    `${applierSessions ? `&& ($.user.username != ${quote(applierSessions)}) ` : ''}&& ($.user.username != "eks:addon-manager") }`;
}

/** The field a forbidden-burst rule counts by: who made the request. */
export const FORBIDDEN_PRINCIPAL_KEY = '$.user.username';

/**
 * The Contributor Insights rule body that counts 403 Forbidden responses per principal (a metric
 * filter cannot alarm per principal without knowing the principals in advance).
 */
export function forbiddenByPrincipalRule(logGroupName: string): Record<string, unknown> {
  return {
    Schema: { Name: 'CloudWatchLogRule', Version: 1 },
    LogGroupNames: [logGroupName],
    LogFormat: 'JSON',
    Contribution: {
      Keys: [FORBIDDEN_PRINCIPAL_KEY],
      Filters: [{ Match: '$.responseStatus.code', EqualTo: 403 }],
    },
    AggregateOn: 'Count',
  };
}

/**
 * A ClusterRoleBinding or RoleBinding created or changed so that it grants `cluster-admin`, or
 * names the `system:masters` group. The API server's own start-up reconciliation of the default
 * `cluster-admin` binding is left out. A successful write whose event carries neither object
 * counts too: the API server drops the objects of an oversized event, and an attacker padding a
 * binding must not slip through.
 */
export function clusterAdminBindingPattern(): string {
  return '{ ($.objectRef.resource = "clusterrolebindings" || $.objectRef.resource = "rolebindings") ' +
    '&& ($.verb = "create" || $.verb = "update" || $.verb = "patch") ' +
    '&& ($.user.username != "system:apiserver") ' +
    '&& ($.requestObject.roleRef.name = "cluster-admin" || $.responseObject.roleRef.name = "cluster-admin" ' +
    '|| $.requestObject.subjects[*].name = "system:masters" || $.responseObject.subjects[*].name = "system:masters" ' +
    '|| ($.responseStatus.code < 300 && $.requestObject NOT EXISTS && $.responseObject NOT EXISTS)) }';
}

/**
 * Secret contents reaching a principal outside `allowed` (exact names, or prefixes ending in `*`):
 * `get`, `list`, `watch`, and `update`, `patch`, `delete` and `deletecollection`, whose responses
 * carry the Secrets too (a dry-run `deletecollection` reads a namespace's Secrets and deletes none).
 */
export function secretReadPattern(allowed: readonly string[]): string {
  const exclusions = allowed.map((a) => ` && $.user.username != ${quote(a)}`).join('');
  return '{ ($.objectRef.resource = "secrets") && ($.verb = "get" || $.verb = "list" || $.verb = "watch" || $.verb = "update" || $.verb = "patch" ' +
    '|| $.verb = "delete" || $.verb = "deletecollection")' +
    `${exclusions} }`;
}

/**
 * A request refused by the library's admission controls: its ValidatingAdmissionPolicy (HTTP 422,
 * or 403 when it sets a reason) or Pod Security Admission (403, "violates PodSecurity").
 */
export function admissionDenialPattern(): string {
  return '{ ($.responseStatus.code = 403 || $.responseStatus.code = 422) ' +
    `&& ($.responseStatus.message = %${ADMISSION_POLICY_NAME}% || $.responseStatus.message = %violates\\sPodSecurity%) }`;
}

/**
 * A request made with the break-glass role. EKS names an IAM role's requests after the assumed-role
 * session: `arn:<partition>:sts::<account>:assumed-role/<role name>/<session>`.
 */
export function roleUsePattern(partition: string, account: string, roleName: string): string {
  return `{ $.user.username = ${quote(roleSessions(partition, account, roleName))} }`;
}
