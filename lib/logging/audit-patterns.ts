import { ADMISSION_POLICY_NAME } from '../manifests/admission-policy';

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

/** Control-plane and EKS identities that read Secrets as part of running the cluster. */
export const DEFAULT_SECRET_READERS: readonly string[] = [
  // kube-controller-manager, and the controllers it runs under their own service accounts that
  // list or watch Secrets (namespace deletion, garbage collection, quota counting, token cleanup).
  'system:kube-controller-manager',
  'system:serviceaccount:kube-system:namespace-controller',
  'system:serviceaccount:kube-system:generic-garbage-collector',
  'system:serviceaccount:kube-system:resourcequota-controller',
  'system:serviceaccount:kube-system:legacy-service-account-token-cleaner',
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

/** `kubectl exec`, `attach`, `port-forward` and `debug` (ephemeral containers) into a pod. */
export function execIntoPodPattern(): string {
  return `{ ($.objectRef.resource = "pods") && (${anyOf('$.objectRef.subresource', ['exec', 'attach', 'portforward', 'ephemeralcontainers'])}) }`;
}

/** Any request the API server attributed to an unauthenticated caller. */
export function anonymousRequestPattern(): string {
  return '{ ($.user.username = "system:anonymous") || ($.user.groups[*] = "system:unauthenticated") }';
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
 * `get`, `list` or `watch` of Secrets by a principal outside `allowed` (exact names, or prefixes
 * ending in `*`).
 */
export function secretReadPattern(allowed: readonly string[]): string {
  const exclusions = allowed.map((a) => ` && $.user.username != ${quote(a)}`).join('');
  return `{ ($.objectRef.resource = "secrets") && ($.verb = "get" || $.verb = "list" || $.verb = "watch")${exclusions} }`;
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
  return `{ $.user.username = ${quote(`arn:${partition}:sts::${account}:assumed-role/${roleName}/*`)} }`;
}
