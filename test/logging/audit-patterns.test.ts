import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { insightContribution, matchesFilterPattern, patternStats } from './cloudwatch-filter';
import { HardenedEksCluster } from '../../lib';
import { ADMISSION_POLICY_NAME, POLICY_SHAPES } from '../../lib/manifests/admission-policy';
import { MAX_FILTER_PATTERN_LENGTH, quote, secretReadPattern } from '../../lib/logging/audit-patterns';
import { AUDIT_EVENTS_PATTERN } from '../../lib/private/defaults';
import { fastApp } from '../fixtures';

/** Falco's Kubernetes audit traces (minikube, 2018): one or more audit events per file, as JSON lines. */
const SAMPLES_DIR = path.join(__dirname, '..', 'testdata', 'k8s-audit-samples', 'falco-0.34.1');
const SAMPLES: Array<{ name: string; line: string }> = fs.readdirSync(SAMPLES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => fs.readFileSync(path.join(SAMPLES_DIR, f), 'utf8').split('\n').filter((l) => l.trim() !== '')
    .map((line, i) => ({ name: `${f.replace(/\.json$/, '')}#${i}`, line })));

const ACCOUNT = '111122223333';
/** The name CloudFormation gives the kubectl handler's role, in these tests. */
const APPLIER_ROLE = 'Patterns-ClusterKubectlHandlerRole-AbC123';
const APPLIER = `arn:aws:sts::${ACCOUNT}:assumed-role/${APPLIER_ROLE}/1764151200000`;

/**
 * An EKS-shaped audit event (audit.k8s.io/v1, IAM identity in user.extra), for what the Falco
 * traces lack: 403s, reads of Secrets, admission denials, IAM role sessions.
 */
function eksEvent(e: {
  verb: string; resource: string; subresource?: string; namespace?: string; name?: string;
  username?: string; groups?: string[]; code?: number; reason?: string; message?: string;
  requestObject?: object; responseObject?: object;
}): string {
  const username = e.username ?? `arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice`;
  const iamUser = username.startsWith('arn:aws:sts::');
  const code = e.code ?? 200;
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: e.requestObject || e.responseObject ? 'RequestResponse' : 'Metadata',
    auditID: '5d2ab8b4-0000-4000-8000-000000000000',
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${e.namespace ?? 'team-a'}/${e.resource}`,
    verb: e.verb,
    user: {
      username,
      uid: iamUser ? `aws-iam-authenticator:${ACCOUNT}:AROAEXAMPLE` : undefined,
      groups: e.groups ?? ['system:authenticated'],
      extra: iamUser ? {
        accessKeyId: ['ASIAEXAMPLE'],
        arn: [username],
        canonicalArn: [`arn:aws:iam::${ACCOUNT}:role/${username.split('/')[1]}`],
        principalId: ['AROAEXAMPLE'],
        sessionName: [username.split('/')[2]],
      } : undefined,
    },
    sourceIPs: ['10.0.12.34'],
    userAgent: 'kubectl/v1.36.0 (linux/amd64) kubernetes/abcdef0',
    objectRef: { resource: e.resource, subresource: e.subresource, namespace: e.namespace ?? 'team-a', name: e.name, apiVersion: 'v1' },
    responseStatus: code < 400
      ? { metadata: {}, code }
      : { metadata: {}, status: 'Failure', message: e.message ?? 'forbidden', reason: e.reason ?? 'Forbidden', code },
    requestObject: e.requestObject,
    responseObject: e.responseObject,
    requestReceivedTimestamp: '2026-11-26T10:00:00.000000Z',
    stageTimestamp: '2026-11-26T10:00:00.020000Z',
    annotations: { 'authorization.k8s.io/decision': code === 403 ? 'forbid' : 'allow', 'authorization.k8s.io/reason': '' },
  });
}

const binding = (kind: string, role: string, subjects: object[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'b' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects,
});
const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });

const CRAFTED: Record<string, string> = {
  portForward: eksEvent({ verb: 'create', resource: 'pods', subresource: 'portforward', name: 'db-0' }),
  debugContainer: eksEvent({ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', name: 'api-7d9' }),
  execDenied: eksEvent({ verb: 'create', resource: 'pods', subresource: 'exec', name: 'api-7d9', code: 403 }),
  podLogs: eksEvent({ verb: 'get', resource: 'pods', subresource: 'log', name: 'api-7d9' }),
  podGet: eksEvent({ verb: 'get', resource: 'pods', name: 'api-7d9' }),
  anonymousDenied: eksEvent({ verb: 'get', resource: 'namespaces', username: 'system:anonymous', groups: ['system:unauthenticated'], code: 403 }),
  unauthenticatedGroupOnly: eksEvent({ verb: 'list', resource: 'pods', username: 'some-proxy', groups: ['system:unauthenticated'] }),
  forbiddenList: eksEvent({ verb: 'list', resource: 'secrets', namespace: 'kube-system', code: 403,
    message: 'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "kube-system"' }),
  forbiddenOther: eksEvent({ verb: 'get', resource: 'configmaps', username: `arn:aws:sts::${ACCOUNT}:assumed-role/Ci/job`, code: 403 }),
  roleBindingPatchAdmin: eksEvent({ verb: 'patch', resource: 'rolebindings', name: 'b', requestObject: { subjects: [group('devs')] },
    responseObject: binding('RoleBinding', 'cluster-admin', [group('devs')]) }),
  bindingToMasters: eksEvent({ verb: 'create', resource: 'clusterrolebindings', name: 'b',
    requestObject: binding('ClusterRoleBinding', 'view', [group('devs'), group('system:masters')]) }),
  bindingUpdateAdmin: eksEvent({ verb: 'update', resource: 'clusterrolebindings', name: 'b',
    requestObject: binding('ClusterRoleBinding', 'cluster-admin', [group('ops')]) }),
  apiserverReconcile: eksEvent({ verb: 'update', resource: 'clusterrolebindings', name: 'cluster-admin', username: 'system:apiserver',
    groups: ['system:masters'], requestObject: binding('ClusterRoleBinding', 'cluster-admin', [group('system:masters')]) }),
  bindingTruncated: eksEvent({ verb: 'create', resource: 'clusterrolebindings', name: 'padded', code: 201 }),
  bindingDeniedNoObjects: eksEvent({ verb: 'create', resource: 'clusterrolebindings', name: 'b', code: 403 }),
  bindingView: eksEvent({ verb: 'create', resource: 'rolebindings', name: 'b', requestObject: binding('RoleBinding', 'view', [group('devs')]) }),
  bindingAdminDeleted: eksEvent({ verb: 'delete', resource: 'clusterrolebindings', name: 'b',
    responseObject: binding('ClusterRoleBinding', 'cluster-admin', [group('ops')]) }),
  secretGetByHuman: eksEvent({ verb: 'get', resource: 'secrets', name: 'db-password' }),
  secretListByWorkload: eksEvent({ verb: 'list', resource: 'secrets', username: 'system:serviceaccount:team-a:app', groups: ['system:serviceaccounts'] }),
  secretWatchByWorkload: eksEvent({ verb: 'watch', resource: 'secrets', username: 'system:serviceaccount:team-a:app', groups: ['system:serviceaccounts'] }),
  secretGetByKubelet: eksEvent({ verb: 'get', resource: 'secrets', username: 'system:node:ip-10-0-1-2.ec2.internal', groups: ['system:nodes'] }),
  secretListByController: eksEvent({ verb: 'list', resource: 'secrets', username: 'system:serviceaccount:kube-system:namespace-controller' }),
  // A pod in kube-system is not a controller: the default allow-list names controllers one by one.
  secretListByKubeSystemAddon: eksEvent({ verb: 'list', resource: 'secrets', namespace: 'kube-system', username: 'system:serviceaccount:kube-system:some-addon' }),
  secretListByControllerManager: eksEvent({ verb: 'list', resource: 'secrets', username: 'system:kube-controller-manager' }),
  secretReadByEks: eksEvent({ verb: 'list', resource: 'secrets', username: 'eks:kms-storage-migrator' }),
  secretCreate: eksEvent({ verb: 'create', resource: 'secrets', name: 'db-password' }),
  // The library's policy sets reason Forbidden on every validation, so its denials are 403s.
  vapDenial: eksEvent({ verb: 'create', resource: 'pods', name: 'x', code: 403, reason: 'Forbidden',
    message: `pods "x" is forbidden: ValidatingAdmissionPolicy '${ADMISSION_POLICY_NAME}' with binding '${ADMISSION_POLICY_NAME}' denied request: containers must set runAsNonRoot` }),
  vapDenialOfDeployment: eksEvent({ verb: 'create', resource: 'deployments', name: 'web', code: 422, reason: 'Invalid',
    message: `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy '${POLICY_SHAPES[1].policyName}' with binding '${POLICY_SHAPES[1].policyName}' denied request: hostPath volumes are not allowed` }),
  vapDenialOfCronJob: eksEvent({ verb: 'create', resource: 'cronjobs', name: 'nightly', code: 403, reason: 'Forbidden',
    message: `cronjobs.batch "nightly" is forbidden: ValidatingAdmissionPolicy '${POLICY_SHAPES[2].policyName}' with binding '${POLICY_SHAPES[2].policyName}' denied request: CronJob nightly: hostPath volumes are refused: root` }),
  psaDenial: eksEvent({ verb: 'create', resource: 'pods', name: 'web-1', code: 403, username: 'system:serviceaccount:kube-system:replicaset-controller',
    message: 'pods "web-1" is forbidden: violates PodSecurity "restricted:v1.36": allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)' }),
  otherPolicyDenial: eksEvent({ verb: 'create', resource: 'pods', name: 'x', code: 422, reason: 'Invalid',
    message: 'pods "x" is forbidden: ValidatingAdmissionPolicy \'someone-elses-policy\' with binding \'b\' denied request: no' }),
  invalidObject: eksEvent({ verb: 'create', resource: 'pods', name: 'x', code: 422, reason: 'Invalid',
    message: 'Pod "x" is invalid: spec.containers[0].image: Required value' }),
  breakGlass: eksEvent({ verb: 'get', resource: 'nodes', username: `arn:aws:sts::${ACCOUNT}:assumed-role/BreakGlass/oncall-bob` }),
  breakGlassLookalike: eksEvent({ verb: 'get', resource: 'nodes', username: `arn:aws:sts::${ACCOUNT}:assumed-role/BreakGlassReadOnly/eve` }),
  breakGlassOtherAccount: eksEvent({ verb: 'get', resource: 'nodes', username: 'arn:aws:sts::444455556666:assumed-role/BreakGlass/eve' }),
};

/** An event EKS writes for a request without valid credentials: 401, and an empty user. */
function unauthenticated(requestURI: string, code = 401, user: object = {}): string {
  return JSON.stringify({
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'a1', stage: 'ResponseComplete', requestURI, verb: 'get',
    user, sourceIPs: ['203.0.113.9'], userAgent: 'curl/8.5.0', responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: '2026-11-26T10:00:00.000000Z', stageTimestamp: '2026-11-26T10:00:00.001000Z',
  });
}
const anonymous = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
const pod = (containers: object[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers } });
const withImpersonation = (line: string, impersonatedUser: object) => JSON.stringify({ ...JSON.parse(line), impersonatedUser });

Object.assign(CRAFTED, {
  // Exec by other doors.
  nodeProxyExec: eksEvent({ verb: 'create', resource: 'nodes', subresource: 'proxy', name: 'ip-10-0-1-2.ec2.internal', namespace: '' }),
  podProxy: eksEvent({ verb: 'get', resource: 'pods', subresource: 'proxy', name: 'api-7d9' }),
  serviceProxy: eksEvent({ verb: 'get', resource: 'services', subresource: 'proxy', name: 'admin-ui' }),
  interactiveRun: eksEvent({ verb: 'create', resource: 'pods', name: 'shell', requestObject: pod([{ name: 'shell', image: 'busybox', stdin: true, tty: true }]) }),
  debugCopy: eksEvent({ verb: 'create', resource: 'pods', name: 'api-debug', requestObject: pod([{ name: 'api', image: 'api' }, { name: 'debugger', image: 'busybox', stdin: true }]) }),
  ordinaryPod: eksEvent({ verb: 'create', resource: 'pods', name: 'web-1', username: 'system:serviceaccount:kube-system:replicaset-controller',
    requestObject: pod([{ name: 'web', image: 'web', stdin: false }]) }),
  // Anonymous, as EKS 1.32+ records it.
  unauthorized401: unauthenticated('/api/v1/secrets'),
  anonymousReadyz: unauthenticated('/readyz', 200, anonymous),
  anonymousLivez: unauthenticated('/livez', 200, anonymous),
  // Cluster-wide RBAC.
  starClusterRole: eksEvent({ verb: 'create', resource: 'clusterroles', name: 'helper', namespace: '',
    requestObject: { kind: 'ClusterRole', metadata: { name: 'helper' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] } }),
  aggregatedIntoEdit: eksEvent({ verb: 'create', resource: 'clusterroles', name: 'more-edit', namespace: '',
    requestObject: { kind: 'ClusterRole', metadata: { name: 'more-edit', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }, rules: [] } }),
  escalateEditRole: eksEvent({ verb: 'patch', resource: 'clusterroles', name: 'edit', namespace: '' }),
  adminBoundClusterWide: eksEvent({ verb: 'create', resource: 'clusterrolebindings', name: 'b', namespace: '',
    requestObject: binding('ClusterRoleBinding', 'admin', [group('devs')]) }),
  aggregationController: eksEvent({ verb: 'update', resource: 'clusterroles', name: 'edit', namespace: '', username: 'system:serviceaccount:kube-system:clusterrole-aggregation-controller' }),
  addonManagerRole: eksEvent({ verb: 'create', resource: 'clusterroles', name: 'ebs-csi', namespace: '', username: 'eks:addon-manager' }),
  applierClusterRole: eksEvent({ verb: 'patch', resource: 'clusterroles', name: 'x', namespace: '', username: APPLIER }),
  // New credentials and identities.
  impersonatingMasters: withImpersonation(eksEvent({ verb: 'get', resource: 'secrets', namespace: 'kube-system', name: 'x' }),
    { username: 'system:admin', groups: ['system:masters'] }),
  csrApprovedByHuman: eksEvent({ verb: 'update', resource: 'certificatesigningrequests', subresource: 'approval', name: 'csr-abc', namespace: '' }),
  csrApprovedByEks: eksEvent({ verb: 'update', resource: 'certificatesigningrequests', subresource: 'approval', name: 'csr-node', namespace: '', username: 'eks:certificate-controller' }),
  tokenForKubeSystem: eksEvent({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'kube-system', name: 'generic-garbage-collector' }),
  tokenByKubelet: eksEvent({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'kube-system', name: 'coredns',
    username: 'system:node:ip-10-0-1-2.ec2.internal', groups: ['system:nodes'] }),
  tokenInTenantNamespace: eksEvent({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'team-a', name: 'app' }),
  // Guard rails.
  admissionPolicyDeleted: eksEvent({ verb: 'delete', resource: 'validatingadmissionpolicies', name: ADMISSION_POLICY_NAME, namespace: '' }),
  admissionBindingPatched: eksEvent({ verb: 'patch', resource: 'validatingadmissionpolicybindings', name: ADMISSION_POLICY_NAME, namespace: '' }),
  webhookCreated: eksEvent({ verb: 'create', resource: 'mutatingwebhookconfigurations', name: 'sidecar', namespace: '' }),
  namespaceRelabelled: eksEvent({ verb: 'patch', resource: 'namespaces', name: 'team-a', namespace: '' }),
  namespaceFinalized: eksEvent({ verb: 'update', resource: 'namespaces', subresource: 'finalize', name: 'old', namespace: '',
    username: 'system:serviceaccount:kube-system:namespace-controller' }),
  networkPolicyDeleted: eksEvent({ verb: 'delete', resource: 'networkpolicies', name: 'default-deny' }),
  networkPolicyCreated: eksEvent({ verb: 'create', resource: 'networkpolicies', name: 'allow-web' }),
  mutatingPolicyCreated: eksEvent({ verb: 'create', resource: 'mutatingadmissionpolicies', name: 'inject', namespace: '' }),
  mutatingBindingDeleted: eksEvent({ verb: 'delete', resource: 'mutatingadmissionpolicybindings', name: 'inject', namespace: '' }),
  validatingWebhookPatched: eksEvent({ verb: 'patch', resource: 'validatingwebhookconfigurations', name: 'gatekeeper', namespace: '' }),
  nodeClassPatchedByHuman: eksEvent({ verb: 'patch', resource: 'ec2nodeclasses', name: 'general', namespace: '' }),
  nodePoolDeletedByHuman: eksEvent({ verb: 'delete', resource: 'nodepools', name: 'general', namespace: '' }),
  karpenterStatus: eksEvent({ verb: 'update', resource: 'nodepools', subresource: 'status', name: 'general', namespace: '', username: 'system:serviceaccount:kube-system:karpenter' }),
  karpenterFinalizer: eksEvent({ verb: 'patch', resource: 'ec2nodeclasses', name: 'general', namespace: '', username: 'system:serviceaccount:kube-system:karpenter' }),
  applierNodePool: eksEvent({ verb: 'patch', resource: 'nodepools', name: 'general', namespace: '', username: APPLIER }),
  applierUpdatesPolicy: eksEvent({ verb: 'patch', resource: 'validatingadmissionpolicies', name: ADMISSION_POLICY_NAME, namespace: '', username: APPLIER }),
  // A pod in kube-system running as a controller the detections leave out by name.
  podAsAggregationController: eksEvent({ verb: 'create', resource: 'pods', namespace: 'kube-system', name: 'x',
    requestObject: { ...pod([{ name: 'x', image: 'busybox' }]), spec: { serviceAccountName: 'clusterrole-aggregation-controller', containers: [{ name: 'x', image: 'busybox' }] } } }),
  podAsCollectorDeprecatedField: eksEvent({ verb: 'create', resource: 'pods', namespace: 'kube-system', name: 'y',
    requestObject: { ...pod([{ name: 'y', image: 'busybox' }]), spec: { serviceAccount: 'generic-garbage-collector', containers: [{ name: 'y', image: 'busybox' }] } } }),
  corednsPod: eksEvent({ verb: 'create', resource: 'pods', namespace: 'kube-system', name: 'coredns-1', username: 'system:serviceaccount:kube-system:replicaset-controller',
    requestObject: { ...pod([{ name: 'coredns', image: 'coredns' }]), spec: { serviceAccountName: 'coredns', serviceAccount: 'coredns', containers: [{ name: 'coredns', image: 'coredns' }] } } }),
  controllerNamedLookalike: eksEvent({ verb: 'create', resource: 'pods', namespace: 'kube-system', name: 'lb',
    requestObject: { ...pod([{ name: 'lb', image: 'lb' }]), spec: { serviceAccountName: 'aws-load-balancer-controller', containers: [{ name: 'lb', image: 'lb' }] } } }),
  // Namespace labels through a subresource; RBAC inside kube-system.
  namespaceStatusRelabel: eksEvent({ verb: 'patch', resource: 'namespaces', subresource: 'status', name: 'team-a', namespace: '' }),
  kubeSystemRoleBinding: eksEvent({ verb: 'create', resource: 'rolebindings', namespace: 'kube-system', name: 'b',
    requestObject: binding('RoleBinding', 'admin', [group('devs')]) }),
  // Secret contents by other verbs, and the applier's prune.
  secretDryRunDeleteCollection: eksEvent({ verb: 'deletecollection', resource: 'secrets', namespace: 'prod' }),
  secretPatchByHuman: eksEvent({ verb: 'patch', resource: 'secrets', name: 'db-password' }),
  applierListsSecrets: eksEvent({ verb: 'list', resource: 'secrets', username: APPLIER }),
});

const ALL = [...SAMPLES, ...Object.entries(CRAFTED).map(([name, line]) => ({ name, line }))];

/** Resolves Fn::Join and pseudo parameters the way CloudFormation would in the test account. */
function resolve(value: any): string {
  if (typeof value === 'string') { return value; }
  if (value['Fn::Join']) { return value['Fn::Join'][1].map(resolve).join(value['Fn::Join'][0]); }
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': ACCOUNT, 'AWS::Region': 'eu-west-1' };
  if (value.Ref && pseudo[value.Ref]) { return pseudo[value.Ref]; }
  const logGroupName = value.Ref && template.toJSON().Resources[value.Ref]?.Properties?.LogGroupName;
  if (logGroupName) { return logGroupName; }
  // A role's name, which CloudFormation generates: only the kubectl handler's role is the manifest
  // applier; any other role named in a pattern fails the test.
  if (value.Ref && /^ClusterKubectlHandlerRole[0-9A-F]{8}$/.test(value.Ref) && template.toJSON().Resources[value.Ref]?.Type === 'AWS::IAM::Role') {
    return APPLIER_ROLE;
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

// The patterns as deployed: read from the template of a cluster with a break-glass role.
const app = fastApp();
const stack = new Stack(app, 'Patterns', { env: { account: ACCOUNT, region: 'eu-west-1' } });
new HardenedEksCluster(stack, 'Cluster', {
  breakGlassAdminRole: iam.Role.fromRoleArn(stack, 'BreakGlass', `arn:aws:iam::${ACCOUNT}:role/BreakGlass`),
});
const template = Template.fromStack(stack);
const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')) as any[];
const PATTERNS: Record<string, string> = Object.fromEntries(filters.map((f) => [
  f.Properties.MetricTransformations[0].MetricName, resolve(f.Properties.FilterPattern),
]));
const [rule] = Object.values(template.findResources('AWS::CloudWatch::InsightRule')) as any[];
const SUBSCRIPTION = (Object.values(template.findResources('AWS::Logs::SubscriptionFilter'))[0] as any).Properties.FilterPattern;

function matching(pattern: string): string[] {
  return ALL.filter((e) => matchesFilterPattern(pattern, e.line)).map((e) => e.name).sort();
}

describe('audit detections against Kubernetes audit events', () => {
  test('the samples and crafted events are all loaded', () => {
    expect(SAMPLES.length).toBe(52);
    expect(Object.keys(PATTERNS).sort()).toEqual(
      ['AdmissionDenials', 'AnonymousRequests', 'AuditEventsStopped', 'BreakGlassUse', 'ClusterAdminBindings', 'ClusterRbacChanges', 'ControllerAccountPods',
        'CredentialMinting', 'ExecIntoPod', 'GuardRailChanges', 'SecretReads']);
  });

  test('ExecIntoPod: exec, attach, port-forward and debug containers, the proxy to a node, pod or Service, interactive pods; not logs, reads or ordinary pods', () => {
    expect(matching(PATTERNS.ExecIntoPod)).toEqual(['attach_pod#0', 'debugContainer', 'debugCopy', 'execDenied', 'exec_pod#0', 'interactiveRun',
      'nodeProxyExec', 'podProxy', 'portForward', 'serviceProxy']);
  });

  test('AnonymousRequests: system:anonymous, the system:unauthenticated group, or 401 with an empty user; not the allowed health probes', () => {
    expect(matching(PATTERNS.AnonymousRequests)).toEqual(['anonymousDenied', 'anonymous_creates_namespace_foo#0', 'unauthenticatedGroupOnly', 'unauthorized401']);
  });

  test('ClusterRbacChanges: cluster-wide roles and bindings written or deleted; not by the API server, the aggregation controller, EKS\'s add-on manager or the applier', () => {
    // Falco's traces: ClusterRoles with wildcard verbs or resources, exec and write privileges, an
    // aggregator's role deleted, a node problem detector's role modified.
    expect(matching(PATTERNS.ClusterRbacChanges)).toEqual(['adminBoundClusterWide', 'aggregatedIntoEdit', 'attach_cluster_admin_role#0', 'bindingAdminDeleted',
      'bindingDeniedNoObjects', 'bindingToMasters', 'bindingTruncated', 'bindingUpdateAdmin', 'create_cluster_role_pod_exec#0',
      'create_cluster_role_wildcard_resources#0', 'create_cluster_role_wildcard_verbs#0', 'create_cluster_role_write_privileges#0',
      'create_clusterrole#0', 'create_clusterrolebinding#0', 'delete_cluster_role_kube_aggregator#0', 'delete_clusterrole#0',
      'delete_clusterrolebinding#0', 'escalateEditRole', 'kubeSystemRoleBinding', 'modify_cluster_role_node_problem_detector#0', 'starClusterRole']);
    for (const quiet of ['aggregationController', 'addonManagerRole', 'applierClusterRole', 'apiserverReconcile', 'roleBindingPatchAdmin', 'bindingView']) {
      expect(matching(PATTERNS.ClusterRbacChanges)).not.toContain(quiet);
    }
  });

  test('ControllerAccountPods: a kube-system pod running as a controller the other detections leave out, by either field; not CoreDNS or look-alike names', () => {
    expect(matching(PATTERNS.ControllerAccountPods)).toEqual(['podAsAggregationController', 'podAsCollectorDeprecatedField']);
  });

  test('CredentialMinting: impersonation, CSR approval by a person, tokens for kube-system accounts; not kubelets, EKS\'s approver or tenant tokens', () => {
    expect(matching(PATTERNS.CredentialMinting)).toEqual(['csrApprovedByHuman', 'impersonatingMasters', 'tokenForKubeSystem']);
  });

  test('GuardRailChanges: admission policies, bindings and webhooks written, Namespaces relabelled (any subresource), NetworkPolicies, NodePools and EC2NodeClasses written or deleted; not by the applier, Karpenter itself or the namespace controller\'s finalizing', () => {
    // A NetworkPolicy created counts too: an allow-all policy undoes a default deny.
    // A NodePool or EC2NodeClass changed by a person counts too: a node class with hop limit 2 hands pods the node role.
    expect(matching(PATTERNS.GuardRailChanges)).toEqual(['admissionBindingPatched', 'admissionPolicyDeleted', 'mutatingBindingDeleted', 'mutatingPolicyCreated',
      'namespaceRelabelled', 'namespaceStatusRelabel', 'networkPolicyCreated', 'networkPolicyDeleted', 'nodeClassPatchedByHuman', 'nodePoolDeletedByHuman',
      'validatingWebhookPatched', 'webhookCreated']);
    for (const quiet of ['applierUpdatesPolicy', 'namespaceFinalized', 'karpenterStatus', 'karpenterFinalizer', 'applierNodePool']) {
      expect(matching(PATTERNS.GuardRailChanges)).not.toContain(quiet);
    }
  });

  test('ClusterAdminBindings: grants of cluster-admin or system:masters by create, update or patch, or a successful write whose objects were dropped; not the API server\'s reconciliation', () => {
    expect(matching(PATTERNS.ClusterAdminBindings)).toEqual(['attach_cluster_admin_role#0', 'bindingToMasters', 'bindingTruncated', 'bindingUpdateAdmin', 'roleBindingPatchAdmin']);
  });

  test('SecretReads: get, list and watch by principals outside the allow-list', () => {
    // delete and deletecollection return the Secrets they remove (a dry run removes none).
    expect(matching(PATTERNS.SecretReads)).toEqual(['delete_secret#0', 'forbiddenList', 'impersonatingMasters', 'secretDryRunDeleteCollection', 'secretGetByHuman',
      'secretListByKubeSystemAddon', 'secretListByWorkload', 'secretPatchByHuman', 'secretWatchByWorkload']);
    // The manifest applier lists Secrets when it prunes; its sessions are named exactly.
    expect(matching(PATTERNS.SecretReads)).not.toContain('applierListsSecrets');
  });

  test('SecretReads: a custom allow-list replaces the default', () => {
    const pattern = secretReadPattern(['system:serviceaccount:team-a:*']);
    expect(matching(pattern)).toContain('secretListByController');
    expect(matching(pattern)).not.toContain('secretListByWorkload');
  });

  test('AdmissionDenials: the library\'s policy and Pod Security Admission; not other policies or invalid objects', () => {
    expect(matching(PATTERNS.AdmissionDenials)).toEqual(['psaDenial', 'vapDenial', 'vapDenialOfCronJob', 'vapDenialOfDeployment']);
  });

  test('BreakGlassUse: sessions of that role in this account only', () => {
    expect(matching(PATTERNS.BreakGlassUse)).toEqual(['breakGlass']);
  });

  test('ForbiddenBursts: every 403 counts for its principal, nothing else counts', () => {
    const ruleBody = JSON.parse(resolve(rule.Properties.RuleBody));
    const counted = ALL.map((e) => [e.name, insightContribution(ruleBody, e.line)] as const).filter(([, c]) => c !== undefined);
    // Admission denials are 403s too: a controller retrying a denied pod counts against itself.
    expect(counted.map(([n, c]) => `${n}:${c}`).sort()).toEqual([
      `anonymousDenied:system:anonymous`,
      `bindingDeniedNoObjects:arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice`,
      `execDenied:arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice`,
      `forbiddenList:arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice`,
      `forbiddenOther:arn:aws:sts::${ACCOUNT}:assumed-role/Ci/job`,
      'psaDenial:system:serviceaccount:kube-system:replicaset-controller',
      `vapDenial:arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice`,
      `vapDenialOfCronJob:arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice`,
    ]);
    expect(ruleBody.LogGroupNames).toEqual(['/aws/eks/Patterns-Cluster-AD8AAA76/cluster']);
  });

  test('the silence alarm counts exactly the events the subscription ships: audit events, not other log lines', () => {
    expect(PATTERNS.AuditEventsStopped).toBe(SUBSCRIPTION);
  });

  test('the subscription ships every audit event and nothing else', () => {
    expect(SUBSCRIPTION).toBe(AUDIT_EVENTS_PATTERN);
    const shipped = ALL.filter((e) => matchesFilterPattern(SUBSCRIPTION, e.line)).map((e) => e.name);
    expect(shipped).toHaveLength(ALL.length - 1);
    expect(ALL.filter((e) => !shipped.includes(e.name)).map((e) => e.name)).toEqual(['fal_01_003#0']);
    expect(matchesFilterPattern(SUBSCRIPTION, 'time="2026-11-26T10:00:00Z" level=info msg="access granted" arn="arn:aws:iam::1:role/x"')).toBe(false);
  });

  test('a day of ordinary cluster life stays quiet: controllers, scheduler, kubelets, EKS, CoreDNS, kube-proxy, the library\'s applier, a developer deploying', () => {
    const sa = (ns: string, name: string) => `system:serviceaccount:${ns}:${name}`;
    const benign = [
      eksEvent({ verb: 'create', resource: 'pods', subresource: 'binding', name: 'web-1', username: 'system:kube-scheduler' }),
      eksEvent({ verb: 'create', resource: 'pods', name: 'web-1', username: sa('kube-system', 'replicaset-controller'),
        requestObject: pod([{ name: 'web', image: 'web' }]) }),
      eksEvent({ verb: 'patch', resource: 'pods', subresource: 'status', name: 'web-1', username: 'system:node:ip-10-0-1-2.ec2.internal', groups: ['system:nodes'] }),
      eksEvent({ verb: 'get', resource: 'secrets', name: 'web-tls', username: 'system:node:ip-10-0-1-2.ec2.internal', groups: ['system:nodes'] }),
      eksEvent({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'web', username: 'system:node:ip-10-0-1-2.ec2.internal' }),
      eksEvent({ verb: 'watch', resource: 'endpointslices', namespace: '', username: sa('kube-system', 'coredns') }),
      eksEvent({ verb: 'watch', resource: 'services', namespace: '', username: 'system:serviceaccount:kube-system:kube-proxy' }),
      eksEvent({ verb: 'update', resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager', username: 'system:kube-controller-manager' }),
      eksEvent({ verb: 'patch', resource: 'daemonsets', namespace: 'kube-system', name: 'aws-node', username: 'eks:addon-manager' }),
      eksEvent({ verb: 'create', resource: 'namespaces', name: 'team-a', namespace: '', username: APPLIER }),
      eksEvent({ verb: 'patch', resource: 'namespaces', name: 'team-a', namespace: '', username: APPLIER }),
      eksEvent({ verb: 'patch', resource: 'networkpolicies', name: 'default-deny', username: APPLIER }),
      eksEvent({ verb: 'patch', resource: 'validatingadmissionpolicies', name: ADMISSION_POLICY_NAME, namespace: '', username: APPLIER }),
      eksEvent({ verb: 'list', resource: 'secrets', username: APPLIER }),
      eksEvent({ verb: 'create', resource: 'deployments', name: 'web' }),
      eksEvent({ verb: 'create', resource: 'services', name: 'web' }),
      eksEvent({ verb: 'create', resource: 'rolebindings', name: 'ci', requestObject: binding('RoleBinding', 'edit', [group('ci')]) }),
      eksEvent({ verb: 'get', resource: 'pods', subresource: 'log', name: 'web-1' }),
      unauthenticated('/readyz', 200, anonymous),
    ];
    const alarming = Object.entries(PATTERNS).filter(([name]) => name !== 'AuditEventsStopped');
    for (const line of benign) {
      expect({ event: JSON.parse(line).objectRef ?? JSON.parse(line).requestURI, matched: alarming.filter(([, p]) => matchesFilterPattern(p, line)).map(([n]) => n) })
        .toEqual({ event: JSON.parse(line).objectRef ?? JSON.parse(line).requestURI, matched: [] });
    }
  });

  test('every pattern stays inside CloudWatch quotas: 1024 characters, 2 regexes, 3 wildcard selectors', () => {
    for (const pattern of [...Object.values(PATTERNS), SUBSCRIPTION]) {
      expect(pattern.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
      const stats = patternStats(pattern);
      expect(stats.regexes).toBeLessThanOrEqual(2);
      expect(stats.wildcardSelectors).toBeLessThanOrEqual(3);
    }
    // At most five filters with a regex per log group.
    expect(Object.values(PATTERNS).filter((p) => patternStats(p).regexes > 0).length).toBeLessThanOrEqual(5);
  });

  test('quote escapes what JSON escapes', () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});

test('the README counts the events the patterns run against right', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
  expect(readme).toContain(`against all ${SAMPLES.length} Kubernetes audit events of Falco's test traces`);
  expect(readme).toContain(`and ${Object.keys(CRAFTED).length} EKS-shaped events written for what those lack`);
});
