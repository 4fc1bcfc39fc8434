import { App, CfnParameter, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { HardenedEksChecks, HardenedEksCluster } from '../../lib';
import { fastApp } from '../fixtures';

const ECR = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';

/** A compliant Deployment, as the library's admission policy wants it. */
function goodDeployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'team-a' },
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: {
          serviceAccountName: 'api',
          containers: [{
            name: 'api', image: `${ECR}/api:1.4.2`,
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
    },
  };
}

interface Built { app: App; stack: Stack; cluster: HardenedEksCluster }

function build(...manifests: Record<string, any>[]): Built {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
  if (manifests.length > 0) { cluster.cluster.addManifest('App', ...manifests); }
  return { app, stack, cluster };
}

function findings(app: App, options: ConstructorParameters<typeof HardenedEksChecks>[1] = {}): string[] {
  return new HardenedEksChecks(undefined, options).validateScope(app).violations
    .filter((v) => v.ruleName.startsWith('HardenedEks-Manifest'))
    .flatMap((v) => v.violatingResources.map(() => v.ruleName));
}

test('a compliant workload, and everything the library renders itself, have no finding', () => {
  const { app, cluster } = build(goodDeployment());
  cluster.addNamespace('team-a');
  cluster.addServiceAccount('Api', { namespace: 'team-a', name: 'api' });
  cluster.addServiceAccount('Legacy', { namespace: 'team-a', name: 'legacy', automountServiceAccountToken: true });
  expect(findings(app)).toEqual([]);
});

test('the DaemonSet people paste from blog posts: every way out is a finding, naming object and container', () => {
  const { app } = build({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'node-agent', namespace: 'monitoring' },
    spec: {
      selector: { matchLabels: { app: 'node-agent' } },
      template: {
        metadata: { labels: { app: 'node-agent' } },
        spec: {
          hostNetwork: true, hostPID: true,
          containers: [{
            name: 'agent', image: 'docker.io/example/agent:latest',
            securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] }, seLinuxOptions: { type: 'super_t' } },
            ports: [{ containerPort: 9100, hostPort: 9100 }],
            volumeMounts: [{ name: 'root', mountPath: '/host' }],
          }],
          volumes: [{ name: 'root', hostPath: { path: '/' } }],
        },
      },
    },
  });
  const where = 'DaemonSet/monitoring/node-agent';
  expect(findings(app).sort()).toEqual([
    `HardenedEks-ManifestDefaultNamespace[ServiceAccount::${where}]`,
    `HardenedEks-ManifestImages[Latest::${where}/agent]`,
    `HardenedEks-ManifestImages[Registry::${where}/agent]`,
    `HardenedEks-ManifestPodSecurity[CapabilitiesAdded::${where}/agent]`,
    `HardenedEks-ManifestPodSecurity[CapabilitiesNotDropped::${where}/agent]`,
    `HardenedEks-ManifestPodSecurity[HostPath::${where}/root]`,
    `HardenedEks-ManifestPodSecurity[HostPort::${where}/agent]`,
    `HardenedEks-ManifestPodSecurity[Privileged::${where}/agent]`,
    `HardenedEks-ManifestPodSecurity[PrivilegeEscalation::${where}/agent]`,
    `HardenedEks-ManifestPodSecurity[SELinux::${where}/agent]`,
    `HardenedEks-ManifestPodSecurity[hostNetwork::${where}]`,
    `HardenedEks-ManifestPodSecurity[hostPID::${where}]`,
  ].sort());
});

test('init and ephemeral containers, CronJobs and bare Pods are checked too', () => {
  const cronJob = {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'team-a' },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { ...goodDeployment().spec.template.spec,
      initContainers: [{ name: 'init', image: `${ECR}/init:1`, securityContext: { privileged: true } }] } } } } },
  };
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'team-a' }, spec: { ...goodDeployment().spec.template.spec,
    ephemeralContainers: [{ name: 'shell', image: `${ECR}/busybox`, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] } };
  const found = findings(build(cronJob, pod).app);
  expect(found).toContain('HardenedEks-ManifestPodSecurity[Privileged::CronJob/team-a/report/init]');
  expect(found).toContain('HardenedEks-ManifestImages[Untagged::Pod/team-a/debug/shell]');
});

test('workloads in the default namespace or on the default service account', () => {
  const inDefault = goodDeployment();
  delete inDefault.metadata.namespace;
  const onDefaultSa = goodDeployment();
  onDefaultSa.metadata.name = 'worker';
  onDefaultSa.spec.template.spec.serviceAccountName = 'default';
  expect(findings(build(inDefault, onDefaultSa).app)).toEqual([
    'HardenedEks-ManifestDefaultNamespace[Namespace::Deployment/default/api]',
    'HardenedEks-ManifestDefaultNamespace[ServiceAccount::Deployment/team-a/worker]',
  ]);
});

test('allowed registries can be configured', () => {
  const other = goodDeployment();
  other.spec.template.spec.containers[0].image = 'registry.example.com/platform/api:1.0';
  const { app } = build(other);
  expect(findings(app)).toEqual(['HardenedEks-ManifestImages[Registry::Deployment/team-a/api/api]']);
  expect(findings(app, { allowedImageRegistries: ['registry.example.com/platform'] })).toEqual([]);
  expect(findings(app, { allowedImageRegistries: ['registry.example.com/plat'] })).toEqual(['HardenedEks-ManifestImages[Registry::Deployment/team-a/api/api]']);
});

test('namespaces without enforce, or enforcing privileged', () => {
  const { app } = build(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'loose' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'open', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fine', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } },
  );
  expect(findings(app)).toEqual([
    'HardenedEks-ManifestNamespacePodSecurity[NoEnforce::Namespace/loose]',
    'HardenedEks-ManifestNamespacePodSecurity[Privileged::Namespace/open]',
  ]);
});

test('RBAC: cluster-admin bindings, wildcards, escalation, listing Secrets', () => {
  const { app } = build(
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'ci' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'god' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'binder', namespace: 'team-a' },
      rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create', 'bind'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'team-a' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'fine', namespace: 'team-a' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
  );
  expect(findings(app)).toEqual([
    'HardenedEks-ManifestRbac[ClusterAdmin::ClusterRoleBinding/ci]',
    'HardenedEks-ManifestRbac[Wildcard::ClusterRole/god]',
    'HardenedEks-ManifestRbac[SecretsList::ClusterRole/god]',
    'HardenedEks-ManifestRbac[Escalation::Role/team-a/binder]',
    'HardenedEks-ManifestRbac[SecretsList::Role/team-a/reader]',
  ]);
});

test('service accounts that mount their token without declaring it', () => {
  const { app } = build(
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'implicit', namespace: 'team-a' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'declared', namespace: 'team-a', annotations: { 'cdk-hardened-eks.io/automount-token-reason': 'legacy client' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'off', namespace: 'team-a' }, automountServiceAccountToken: false },
  );
  expect(findings(app)).toEqual(['HardenedEks-ManifestServiceAccountAutomount[Automount::ServiceAccount/team-a/implicit]']);
});

test('kind: List is expanded', () => {
  const { app } = build({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'in-list', namespace: 'a' } }] });
  expect(findings(app)).toEqual(['HardenedEks-ManifestServiceAccountAutomount[Automount::ServiceAccount/a/in-list]']);
});

test('deploy-time values inside strings do not stop the checks; an ECR repository URI of the app is not a registry finding', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
  const deployment = goodDeployment();
  deployment.spec.template.spec.containers[0].image = `${stack.account}.dkr.ecr.${stack.region}.amazonaws.com/api:1.0`;
  deployment.spec.template.spec.containers[0].securityContext.privileged = true;
  cluster.cluster.addManifest('App', deployment);
  expect(findings(app)).toEqual(['HardenedEks-ManifestPodSecurity[Privileged::Deployment/team-a/api/api]']);
});

test('unreadable manifests, entries that are not objects, and entries without a kind are findings, not crashes', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  new CfnResource(stack, 'NotJson', { type: 'Custom::AWSCDK-EKS-KubernetesResource', properties: { Manifest: '{not json' } });
  new CfnResource(stack, 'Intrinsic', { type: 'Custom::AWSCDK-EKS-KubernetesResource', properties: { Manifest: { 'Fn::GetAtt': ['X', 'Y'] } } });
  new CfnResource(stack, 'Odd', { type: 'Custom::AWSCDK-EKS-KubernetesResource', properties: { Manifest: JSON.stringify([42, { metadata: {} }]) } });
  const huge = Array.from({ length: 2000 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'a' }, data: { x: 'y'.repeat(100) } }));
  new CfnResource(stack, 'Huge', { type: 'Custom::AWSCDK-EKS-KubernetesResource', properties: { Manifest: JSON.stringify(huge) } });
  expect(findings(app)).toEqual([
    'HardenedEks-ManifestUnreadable[Unreadable::the manifest is not JSON (deploy-time values outside strings?)]',
    'HardenedEks-ManifestUnreadable[Unreadable::the manifest is a deploy-time value as a whole]',
    'HardenedEks-ManifestUnreadable[Unreadable::entry [0] is not an object]',
    'HardenedEks-ManifestUnreadable[Unreadable::entry [1] has no kind]',
  ]);
});

test('one finding on one object can be acknowledged; the same finding elsewhere stays', () => {
  const first = goodDeployment();
  first.spec.template.spec.containers[0].securityContext.privileged = true;
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
  const a = cluster.cluster.addManifest('A', first);
  const second = goodDeployment();
  second.metadata.name = 'other';
  second.spec.template.spec.containers[0].securityContext.privileged = true;
  cluster.cluster.addManifest('B', second);
  Validations.of(a).acknowledge({ id: 'HardenedEks-ManifestPodSecurity[Privileged::Deployment/team-a/api/api]', reason: 'GPU driver installer, reviewed' });
  expect(findings(app)).toEqual(['HardenedEks-ManifestPodSecurity[Privileged::Deployment/team-a/other/api]']);
});

test('a number or boolean from a deploy-time value does not hide the rest of the manifest', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
  const deployment = goodDeployment();
  deployment.spec.replicas = new CfnParameter(stack, 'Replicas', { type: 'Number' }).valueAsNumber;
  deployment.spec.template.spec.containers[0].securityContext.privileged = true;
  deployment.spec.template.spec.hostNetwork = new CfnParameter(stack, 'HostNetwork').valueAsString;
  cluster.cluster.addManifest('App', deployment);
  expect(findings(app)).toEqual([
    'HardenedEks-ManifestPodSecurity[Unresolved::Deployment/team-a/api/hostNetwork]',
    'HardenedEks-ManifestPodSecurity[Privileged::Deployment/team-a/api/api]',
  ]);
});

test('pod templates in PodTemplates and in other kinds (an Argo Rollout) are checked', () => {
  const rollout = goodDeployment();
  rollout.apiVersion = 'argoproj.io/v1alpha1';
  rollout.kind = 'Rollout';
  rollout.spec.template.spec.containers[0].securityContext.privileged = true;
  const podTemplate = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'tpl', namespace: 'team-a' }, template: goodDeployment().spec.template };
  podTemplate.template.spec.hostPID = true;
  expect(findings(build(rollout, podTemplate).app)).toEqual([
    'HardenedEks-ManifestPodSecurity[Privileged::Rollout/team-a/api/api]',
    'HardenedEks-ManifestPodSecurity[hostPID::PodTemplate/team-a/tpl]',
  ]);
});

test('Helm charts and patches cannot be read at synth and say so', () => {
  const { app, cluster } = build();
  cluster.cluster.addHelmChart('Chart', { chart: 'x', repository: 'oci://example.com/charts', version: '1.0.0', namespace: 'team-a' });
  expect(findings(app)).toEqual(['HardenedEks-ManifestUnreadable[NotChecked::HelmChart]']);
});

test('an image whose registry is a deploy-time value other than the stack\'s ECR is a finding; the stack\'s ECR repository is not', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
  const fromParam = goodDeployment();
  fromParam.spec.template.spec.containers[0].image = `${new CfnParameter(stack, 'Registry').valueAsString}/evil:1.0`;
  const fromRepo = goodDeployment();
  fromRepo.metadata.name = 'own';
  fromRepo.spec.template.spec.containers[0].image = `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}/api:1.0`;
  cluster.cluster.addManifest('A', fromParam, fromRepo);
  expect(findings(app)).toEqual(['HardenedEks-ManifestImages[RegistryUnresolved::Deployment/team-a/api/api]']);
});

test('with a concrete account and region, only that ECR registry is allowed by default', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
  const other = goodDeployment();
  other.metadata.name = 'other';
  other.spec.template.spec.containers[0].image = '444455556666.dkr.ecr.eu-west-1.amazonaws.com/api:1.0';
  cluster.cluster.addManifest('A', goodDeployment(), other);
  expect(findings(app)).toEqual(['HardenedEks-ManifestImages[Registry::Deployment/team-a/other/api]']);
});

test('NET_BIND_SERVICE is the one capability that may be added, as in the admission policy', () => {
  const deployment = goodDeployment();
  deployment.spec.template.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'];
  expect(findings(build(deployment).app)).toEqual([]);
});

test('an SELinux level is a finding at pod and container level, as in the admission policies', () => {
  const atPod = goodDeployment();
  atPod.spec.template.spec.securityContext = { seLinuxOptions: { level: 's0-s0:c0.c1023' } };
  const inContainer = goodDeployment();
  inContainer.metadata.name = 'worker';
  inContainer.spec.template.spec.containers[0].securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1,c2' };
  const { app } = build(atPod, inContainer);
  const ids = new HardenedEksChecks().validateScope(app).violations.map((v) => v.ruleName).filter((id) => id.includes('SELinux'));
  expect(ids).toEqual([
    'HardenedEks-ManifestPodSecurity[SELinux::Deployment/team-a/api]',
    'HardenedEks-ManifestPodSecurity[SELinux::Deployment/team-a/worker/api]',
  ]);
});

describe('HardenedEks-ManifestScheduling', () => {
  const withSpec = (name: string, extra: Record<string, unknown>) => {
    const d = goodDeployment();
    d.metadata.name = name;
    Object.assign(d.spec.template.spec, extra);
    return d;
  };
  const scheduling = (app: App) => findings(app).filter((f) => f.includes('ManifestScheduling'));

  test('a pinned node, a system priority and a toleration of every taint are findings, naming the object', () => {
    const { app } = build(
      withSpec('pinned', { nodeName: 'ip-10-0-1-2.ec2.internal' }),
      withSpec('vip', { priorityClassName: 'system-node-critical' }),
      withSpec('anywhere', { tolerations: [{ operator: 'Exists' }] }),
      withSpec('anywhere-empty-key', { tolerations: [{ key: '', operator: 'Exists', effect: 'NoSchedule' }] }),
    );
    expect(scheduling(app).sort()).toEqual([
      'HardenedEks-ManifestScheduling[NodeName::Deployment/team-a/pinned]',
      'HardenedEks-ManifestScheduling[SystemPriority::Deployment/team-a/vip]',
      'HardenedEks-ManifestScheduling[TolerateEverything::Deployment/team-a/anywhere-empty-key]',
      'HardenedEks-ManifestScheduling[TolerateEverything::Deployment/team-a/anywhere]',
    ].sort());
  });

  test('a toleration of a named taint, an ordinary priority class and no node name are fine', () => {
    const { app } = build(withSpec('gpu', {
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      priorityClassName: 'batch-low',
    }));
    expect(scheduling(app)).toEqual([]);
  });

  test('a node name known only at deploy time is reported as unresolved', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    const nodeParam = new CfnParameter(stack, 'Node');
    cluster.cluster.addManifest('App', withSpec('pinned', { nodeName: nodeParam.valueAsString }));
    expect(scheduling(app)).toEqual(['HardenedEks-ManifestScheduling[Unresolved::Deployment/team-a/pinned]']);
  });
});
