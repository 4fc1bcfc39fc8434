import { CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HardenedEksCluster, HardenedNamespaceOptions, NamespaceAccessLevel, NetworkProtocol, PodSecurityLevel, ServiceAccountIdentity } from '../../lib';
import {
  NamespaceRenderOptions, NETWORK_POLICY_NAMES, renderNamespaceAccessObjects, renderNamespaceObjects, renderPodIdentityAgentPolicy,
} from '../../lib/manifests/namespace-objects';
import { MANY_NAMESPACES, WARNINGS } from '../../lib/private/defaults';
import * as iam from 'aws-cdk-lib/aws-iam';
import { fastApp, warningsOf } from '../fixtures';
import { validateAgainstSchema } from './k8s-schema';

const MANAGED = { 'app.kubernetes.io/managed-by': 'cdk-hardened-eks' };

const DEFAULT_RENDER: NamespaceRenderOptions = {
  name: 'team-a',
  podSecurityLevel: 'restricted',
  podSecurityVersion: 'v1.36',
  allowSameNamespaceTraffic: false,
  allowIngressFromNamespaces: [],
  allowEgressToNamespaces: [],
  allowEgress: [],
  allowPodIdentityAgent: false,
  allowLoadBalancers: false,
  allowNodePorts: false,
  allowIngress: false,
  allowedTolerationKeys: [],
  nodeSelectors: [],
  additionalVolumeTypes: [],
  allowedImageRegistries: ['111122223333.dkr.ecr.eu-west-1.amazonaws.com'],
  requireImageDigests: false,
  quota: {
    'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', 'limits.memory': '16Gi',
    'pods': '50', 'persistentvolumeclaims': '10', 'requests.storage': '100Gi', 'services.loadbalancers': '0', 'services.nodeports': '0',
  },
  limits: { defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '512Mi' }, max: { cpu: '2', memory: '4Gi' } },
};

/** Every option that opens something, on. */
const EVERY_OPTION_ON: NamespaceRenderOptions = {
  ...DEFAULT_RENDER,
  allowSameNamespaceTraffic: true,
  allowIngressFromNamespaces: ['ingress'],
  allowEgressToNamespaces: ['payments'],
  allowEgress: [{ cidr: '0.0.0.0/0', except: ['169.254.169.254/32'], ports: [443], protocol: 'TCP' }],
  allowPodIdentityAgent: true,
  allowLoadBalancers: true,
  allowNodePorts: true,
  allowIngress: true,
  allowedTolerationKeys: ['cdk-hardened-eks.io/dedicated', 'example.com/gpu'],
  nodeSelectors: ['cdk-hardened-eks.io/dedicated=pci'],
  additionalVolumeTypes: ['emptyDir'],
  requireImageDigests: true,
  quota: { ...DEFAULT_RENDER.quota, 'services.loadbalancers': undefined as any, 'services.nodeports': undefined as any },
};

describe('renderNamespaceObjects', () => {
  const objects = [...renderNamespaceObjects(DEFAULT_RENDER), ...renderNamespaceAccessObjects('team-a')] as any[];
  const byKindName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

  test('every object validates against the Kubernetes 1.36 schemas, and the Namespace comes first', () => {
    validateAgainstSchema(...objects, renderPodIdentityAgentPolicy('team-a', true));
    expect(renderNamespaceObjects(DEFAULT_RENDER).map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/team-a', ...NETWORK_POLICY_NAMES.map((n) => `NetworkPolicy/${n}`), 'ResourceQuota/cdk-hardened-eks-quota', 'LimitRange/cdk-hardened-eks-limits',
    ]);
    expect(renderNamespaceAccessObjects('team-a').map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/default', 'Role/cdk-hardened-eks-view', 'RoleBinding/cdk-hardened-eks-view', 'Role/cdk-hardened-eks-edit', 'RoleBinding/cdk-hardened-eks-edit',
    ]);
  });

  test('nothing a controller creates on its own is applied with the Namespace (no default ServiceAccount, no root CA ConfigMap)', () => {
    for (const options of [DEFAULT_RENDER, EVERY_OPTION_ON]) {
      const kinds = renderNamespaceObjects(options).map((o: any) => o.kind);
      expect(kinds).not.toContain('ServiceAccount');
      expect(kinds).not.toContain('ConfigMap');
    }
  });

  test('the openings are closed by default: each selects every pod and allows nothing', () => {
    for (const name of ['allow-same-namespace', 'allow-from-namespaces', 'allow-to-namespaces', 'allow-egress', 'allow-pod-identity-agent']) {
      const spec = byKindName('NetworkPolicy', name).spec;
      expect({ name, podSelector: spec.podSelector, ingress: spec.ingress, egress: spec.egress }).toEqual({ name, podSelector: {}, ingress: undefined, egress: undefined });
    }
  });

  test('the Namespace: Pod Security restricted for enforce, audit and warn, pinned to the cluster version, opted into the admission policy', () => {
    expect(objects[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'team-a',
        labels: {
          ...MANAGED,
          'cdk-hardened-eks.io/admission': 'enforced',
          'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.36',
          'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.36',
          'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.36',
        },
        annotations: {
          'cdk-hardened-eks.io/allowed-volume-types': '',
          'cdk-hardened-eks.io/allowed-registries': '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
          'cdk-hardened-eks.io/require-image-digests': 'false',
          'cdk-hardened-eks.io/allow-load-balancers': 'false',
          'cdk-hardened-eks.io/allow-node-ports': 'false',
          'cdk-hardened-eks.io/allow-ingress': 'false',
          'cdk-hardened-eks.io/allowed-toleration-keys': '',
          'cdk-hardened-eks.io/node-selectors': '',
        },
      },
    });
  });

  test('the default service account does not mount its token', () => {
    expect(byKindName('ServiceAccount', 'default')).toEqual({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team-a', labels: MANAGED }, automountServiceAccountToken: false,
    });
  });

  test('default deny in and out, DNS to CoreDNS only', () => {
    expect(byKindName('NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(byKindName('NetworkPolicy', 'allow-dns').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
  });

  test('quota without LoadBalancer or NodePort Services, and container limits', () => {
    expect(byKindName('ResourceQuota', 'cdk-hardened-eks-quota').spec.hard).toEqual(DEFAULT_RENDER.quota);
    expect(byKindName('LimitRange', 'cdk-hardened-eks-limits').spec.limits).toEqual([{
      type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '512Mi' }, max: { cpu: '2', memory: '4Gi' },
    }]);
  });

  test('RBAC: no wildcards, no escalate/bind/impersonate, view never reads Secrets, edit never lists or watches them', () => {
    const roles = objects.filter((o) => o.kind === 'Role');
    for (const role of roles) {
      for (const rule of role.rules) {
        expect(rule.verbs).not.toContain('*');
        expect(rule.resources).not.toContain('*');
        expect(rule.apiGroups).not.toContain('*');
        for (const verb of ['escalate', 'bind', 'impersonate']) { expect(rule.verbs).not.toContain(verb); }
        expect(rule.resources).not.toEqual(expect.arrayContaining(['roles', 'rolebindings', 'pods/exec', 'pods/attach', 'pods/portforward']));
      }
    }
    const view = byKindName('Role', 'cdk-hardened-eks-view');
    expect(view.rules.some((r: any) => r.resources.includes('secrets'))).toBe(false);
    const edit = byKindName('Role', 'cdk-hardened-eks-edit');
    const secretVerbs = edit.rules.filter((r: any) => r.resources.includes('secrets')).flatMap((r: any) => r.verbs);
    expect(secretVerbs.sort()).toEqual(['create', 'delete', 'get', 'patch', 'update']);
    expect(byKindName('RoleBinding', 'cdk-hardened-eks-edit').subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'cdk-hardened-eks:team-a:edit' },
    ]);
  });

  test('the admission settings live on the Namespace, which namespace roles may only read, by name', () => {
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    for (const role of objects.filter((o) => o.kind === 'Role')) {
      // kubectl apply reads the Namespace first: without get on it, every applied object is a 403.
      expect(role.rules.filter((r: any) => r.resources.includes('namespaces'))).toEqual([
        { apiGroups: [''], resources: ['namespaces'], resourceNames: ['team-a'], verbs: ['get'] },
      ]);
    }
  });

  test('every option on', () => {
    const all = renderNamespaceObjects({ ...EVERY_OPTION_ON, quota: DEFAULT_RENDER.quota }) as any[];
    validateAgainstSchema(...all);
    const names = all.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(names).toEqual([...NETWORK_POLICY_NAMES]);
    expect(all.find((o) => o.metadata.name === 'allow-pod-identity-agent').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
    ]);
    expect(all.find((o) => o.metadata.name === 'allow-to-namespaces').spec.egress[0].to[0].namespaceSelector.matchExpressions)
      .toEqual([{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['payments'] }]);
    expect(all.find((o) => o.metadata.name === 'allow-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(all.find((o) => o.metadata.name === 'allow-from-namespaces').spec.ingress[0].from[0].namespaceSelector.matchExpressions)
      .toEqual([{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ingress'] }]);
    expect(all[0].metadata.annotations).toEqual({
      'cdk-hardened-eks.io/allowed-volume-types': 'emptyDir',
      'cdk-hardened-eks.io/allowed-registries': '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
      'cdk-hardened-eks.io/require-image-digests': 'true',
      'cdk-hardened-eks.io/allow-load-balancers': 'true',
      'cdk-hardened-eks.io/allow-node-ports': 'true',
      'cdk-hardened-eks.io/allow-ingress': 'true',
      'cdk-hardened-eks.io/allowed-toleration-keys': 'cdk-hardened-eks.io/dedicated,example.com/gpu',
      'cdk-hardened-eks.io/node-selectors': 'cdk-hardened-eks.io/dedicated=pci',
    });
  });

  /**
   * Each option turned off, from every option on: the same objects by kind and name (so
   * `kubectl apply` updates them in place and nothing is left behind for prune to miss), and the
   * opening gone from the object that held it.
   */
  const OFF: Array<[string, Partial<NamespaceRenderOptions>, (objects: any[]) => unknown]> = [
    ['allowSameNamespaceTraffic', { allowSameNamespaceTraffic: false }, (o) => policy(o, 'allow-same-namespace')],
    ['allowIngressFromNamespaces', { allowIngressFromNamespaces: [] }, (o) => policy(o, 'allow-from-namespaces')],
    ['allowEgressToNamespaces', { allowEgressToNamespaces: [] }, (o) => policy(o, 'allow-to-namespaces')],
    ['allowEgress', { allowEgress: [] }, (o) => policy(o, 'allow-egress')],
    ['Pod Identity agent', { allowPodIdentityAgent: false }, (o) => policy(o, 'allow-pod-identity-agent')],
    ['additionalVolumeTypes', { additionalVolumeTypes: [] }, (o) => o[0].metadata.annotations['cdk-hardened-eks.io/allowed-volume-types']],
    ['allowIngress', { allowIngress: false }, (o) => o[0].metadata.annotations['cdk-hardened-eks.io/allow-ingress']],
    ['allowedTolerationKeys', { allowedTolerationKeys: [] }, (o) => o[0].metadata.annotations['cdk-hardened-eks.io/allowed-toleration-keys']],
    ['nodeGroups', { nodeSelectors: [] }, (o) => o[0].metadata.annotations['cdk-hardened-eks.io/node-selectors']],
    ['allowLoadBalancers (admission)', { allowLoadBalancers: false }, (o) => o[0].metadata.annotations['cdk-hardened-eks.io/allow-load-balancers']],
    ['allowNodePorts (admission)', { allowNodePorts: false }, (o) => o[0].metadata.annotations['cdk-hardened-eks.io/allow-node-ports']],
    ['quota.allowLoadBalancers / allowNodePorts', { quota: DEFAULT_RENDER.quota }, (o) => o.find((x) => x.kind === 'ResourceQuota').spec.hard],
  ];
  function policy(objects: any[], name: string): unknown {
    const spec = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name).spec;
    return { ingress: spec.ingress, egress: spec.egress };
  }
  const on = renderNamespaceObjects(EVERY_OPTION_ON) as any[];
  const ids = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

  test.each(OFF)('turning %s off keeps the object names and closes the opening', (_option, change, opening) => {
    const off = renderNamespaceObjects({ ...EVERY_OPTION_ON, ...change }) as any[];
    expect(ids(off)).toEqual(ids(on));
    expect(opening(off)).not.toEqual(opening(on));
    expect(opening(off)).toEqual(opening(renderNamespaceObjects(DEFAULT_RENDER) as any[]));
  });

  test('the closed state of every opening is the default state', () => {
    expect(ids(renderNamespaceObjects(DEFAULT_RENDER))).toEqual(ids(on));
    expect(policy(renderNamespaceObjects(DEFAULT_RENDER) as any[], 'allow-egress')).toEqual({ ingress: undefined, egress: undefined });
  });
});

function build(options: HardenedNamespaceOptions = {}, names = ['team-a']): { stack: Stack; cluster: HardenedEksCluster; template: Template } {
  const stack = new Stack(fastApp(), 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
  for (const name of names) { cluster.addNamespace(name, options); }
  return { stack, cluster, template: Template.fromStack(stack) };
}

/** The objects a namespace's KubernetesManifest applies, with deploy-time values as "<token>". */
function objectsOf(stack: Stack, template: Template, namespace: { manifest: any }): any[] {
  const manifest = template.toJSON().Resources[stack.resolve(namespace.manifest.node.defaultChild.logicalId)].Properties.Manifest;
  if (typeof manifest === 'string') { return JSON.parse(manifest); }
  const [sep, parts] = manifest['Fn::Join'];
  return JSON.parse(parts.map((p: unknown) => (typeof p === 'string' ? p : '<token>')).join(sep));
}

describe('HardenedEksCluster.addNamespace', () => {
  test('ten namespaces are twenty manifests and ten waits, plus the admission policies, the StorageClass and the kube-system policies', () => {
    const names = Array.from({ length: 10 }, (_, i) => `team-${i}`);
    const { template } = build({}, names);
    template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 23);
    template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesObjectValue', 10);
  });

  test('the default ServiceAccount is applied only after the cluster has created it, and before any tenant Role exists', () => {
    const { stack, template, cluster } = build();
    const ns = cluster.node.findChild('Namespace-team-a') as any;
    const resources = template.toJSON().Resources;
    const id = (c: any) => stack.resolve(c.node.findAll().find((x: any) => CfnResource.isCfnResource(x)).logicalId);
    const wait = resources[id(ns.node.findChild('DefaultServiceAccount'))];
    expect(wait.Type).toBe('Custom::AWSCDK-EKS-KubernetesObjectValue');
    expect(wait.Properties).toEqual(expect.objectContaining({ ObjectType: 'serviceaccount', ObjectName: 'default', ObjectNamespace: 'team-a', JsonPath: '.metadata.uid' }));
    expect(wait.DependsOn).toContain(id(ns.manifest));
    const access = resources[id(ns.accessManifest)];
    expect(access.DependsOn).toContain(id(ns.node.findChild('DefaultServiceAccount')));
    expect(access.Properties.Overwrite).toBe(true);
    const accessKinds = objectsOf(stack, template, { manifest: ns.accessManifest }).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(accessKinds).toEqual(['ServiceAccount/default', 'Role/cdk-hardened-eks-view', 'RoleBinding/cdk-hardened-eks-view', 'Role/cdk-hardened-eks-edit', 'RoleBinding/cdk-hardened-eks-edit']);
    expect(objectsOf(stack, template, ns).map((o) => o.kind)).not.toContain('ServiceAccount');
  });

  test('no library manifest relies on prune: no prune label, no PruneLabel', () => {
    const stack = new Stack(fastApp(), 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    cluster.addNamespace('team-a');
    cluster.addNamespace('team-b');
    cluster.addServiceAccount('Api', { namespace: 'team-a', name: 'api' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 8);
    for (const r of Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[]) {
      expect(r.Properties.PruneLabel).toBeUndefined();
      expect(JSON.stringify(r.Properties.Manifest)).not.toContain('aws.cdk.eks/prune-');
    }
  });

  test('70 namespaces, the most the warning allows, fit in a 1 MB template as CDK writes it, without the warning; the 71st warns', () => {
    const manyWarnings = (cluster: HardenedEksCluster) => cluster.node.metadata
      .filter((m) => m.type === 'aws:cdk:warning' && String(m.data).includes(WARNINGS.manyNamespaces)).length;
    expect(MANY_NAMESPACES).toBe(70);
    const stack = new Stack(fastApp(), 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster');
    for (let i = 0; i < MANY_NAMESPACES; i++) { cluster.addNamespace(`tenant-${i}`); }
    expect(manyWarnings(cluster)).toBe(0);
    const bytes = Buffer.byteLength(JSON.stringify(Template.fromStack(stack).toJSON(), undefined, 1));
    // 1 MB read the strict way (10^6 bytes), whichever CloudFormation means.
    expect(bytes).toBeLessThan(1_000_000);
    expect(bytes).toBeGreaterThan(800_000);

    const other = new HardenedEksCluster(new Stack(fastApp(), 'Other'), 'Cluster', { defaultNodeGroup: false });
    for (let i = 0; i <= MANY_NAMESPACES; i++) { other.addNamespace(`tenant-${i}`); }
    expect(manyWarnings(other)).toBe(1);
  });

  test('the baseline policy names the kubectl provider\'s role sessions of this account and partition as the one tenant-side maintainer', () => {
    const { stack, template, cluster } = build();
    const policyManifest = template.toJSON().Resources[stack.resolve((cluster.node.findChild('AdmissionPolicy').node.defaultChild as any).logicalId)];
    const text = JSON.stringify(policyManifest.Properties.Manifest);
    const roleId = stack.resolve((cluster.cluster.kubectlProvider!.role!.node.defaultChild as any).logicalId);
    expect(text).toContain('cdk-hardened-eks-workload-security-baseline');
    expect(text).toContain(`request.userInfo.username.startsWith('arn:",{"Ref":"AWS::Partition"},":sts::",{"Ref":"AWS::AccountId"},":assumed-role/",{"Ref":"${roleId}"},"/')`);
  });

  test('each namespace manifest is applied after the admission policy, with kubectl apply', () => {
    const { stack, template, cluster } = build();
    const policyId = stack.resolve((cluster.node.findChild('AdmissionPolicy').node.defaultChild as any).logicalId);
    const ns = (Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[])
      .find((r) => JSON.stringify(r.Properties.Manifest).includes('\\"kind\\":\\"Namespace\\"'));
    expect(ns.DependsOn).toContain(policyId);
    expect(ns.Properties.Overwrite).toBe(true);
  });

  test('the Pod Security version label follows the cluster version', () => {
    const { stack, template, cluster } = build();
    const [ns] = objectsOf(stack, template, cluster.node.findChild('Namespace-team-a') as any);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce-version']).toBe('v1.36');
  });

  test('by default a namespace pulls only from its own repositories in the stack account\'s ECR registry, plus the cluster\'s shared ones', () => {
    const registriesOf = (clusterProps: Record<string, unknown>) => {
      const stack = new Stack(fastApp(), 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
      const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false, ...clusterProps });
      const ns = cluster.addNamespace('team-a');
      return stack.resolve((ns.objects[0] as any).metadata.annotations['cdk-hardened-eks.io/allowed-registries']);
    };
    const ecr = ['111122223333.dkr.ecr.eu-west-1.', { Ref: 'AWS::URLSuffix' }];
    expect(registriesOf({})).toEqual({ 'Fn::Join': ['', [...ecr, '/team-a']] });
    expect(registriesOf({ sharedImageRepositories: ['base-images', 'platform/tools'] })).toEqual({
      'Fn::Join': ['', [...ecr, '/team-a,111122223333.dkr.ecr.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/base-images,111122223333.dkr.ecr.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/platform/tools']],
    });
  });

  test('an environment-agnostic stack names the registry with deploy-time account and region', () => {
    const { template } = build();
    const namespaceManifest = (Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[])
      .map((r) => JSON.stringify(r.Properties.Manifest)).find((m) => m.includes('cdk-hardened-eks.io/allowed-registries'))!;
    expect(namespaceManifest).toContain('{"Ref":"AWS::AccountId"}');
    expect(namespaceManifest).toContain('.dkr.ecr.');
    expect(namespaceManifest).toContain('{"Ref":"AWS::Region"}');
    expect(namespaceManifest).toMatch(/\{"Ref":"AWS::URLSuffix"\},"\/team-a\\/);
  });

  test('fails when a shared repository prefix is not one', () => {
    for (const repository of ['/base', 'base/', 'Base', 'registry.example.com:5000/base', 'base:1', 'base//tools']) {
      expect(() => new HardenedEksCluster(new Stack(fastApp(), 'Test'), 'Cluster', { sharedImageRepositories: [repository] }))
        .toThrow(`sharedImageRepositories: received ${JSON.stringify(repository)}. Each entry is a repository prefix`);
    }
  });

  test('a Pod Identity service account opens the agent address, an IRSA one does not; either order', () => {
    const stack = new Stack(fastApp(), 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    const before = cluster.addServiceAccount('Early', { namespace: 'team-b', name: 'early', identity: ServiceAccountIdentity.POD_IDENTITY });
    const a = cluster.addNamespace('team-a');
    const b = cluster.addNamespace('team-b');
    cluster.addServiceAccount('Irsa', { namespace: 'team-a', name: 'irsa' });
    const c = cluster.addNamespace('team-c');
    cluster.addServiceAccount('Late', { namespace: 'team-c', name: 'late', identity: ServiceAccountIdentity.POD_IDENTITY });
    const template = Template.fromStack(stack);
    const rendered = (ns: { manifest: any }) => JSON.stringify(template.toJSON().Resources[stack.resolve(ns.manifest.node.defaultChild.logicalId)].Properties.Manifest);
    expect(rendered(a)).toContain('allow-pod-identity-agent');
    expect(rendered(a)).not.toContain('169.254.170.23/32');
    expect(rendered(b)).toContain('169.254.170.23/32');
    expect(rendered(c)).toContain('169.254.170.23/32');
    // one agent policy each, the closed one replaced
    expect(c.objects.filter((o: any) => o.metadata.name === 'allow-pod-identity-agent')).toHaveLength(1);
    // service accounts in library namespaces are applied after their namespace
    const earlyManifest = template.toJSON().Resources[stack.resolve((before.manifest.node.defaultChild as any).logicalId)];
    expect(earlyManifest.DependsOn).toContain(stack.resolve((b.manifest.node.defaultChild as any).logicalId));
  });

  test('ingress, load balancers, node ports and ADMIN access are explicit, warned choices', () => {
    const stack = new Stack(fastApp(), 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    cluster.addNamespace('open', { allowIngress: true, quota: { allowLoadBalancers: true, allowNodePorts: true } });
    cluster.addNamespace('closed');
    cluster.grantNamespaceAccess('Lead', iam.Role.fromRoleName(stack, 'Lead', 'leads'), 'closed', NamespaceAccessLevel.ADMIN);
    Template.fromStack(stack);
    const warnings = warningsOf(stack);
    for (const id of [WARNINGS.namespaceIngress, WARNINGS.namespaceLoadBalancers, WARNINGS.namespaceNodePorts, WARNINGS.namespaceAdminAccess]) {
      expect({ id, count: warnings.filter((w) => w.includes(id)).length }).toEqual({ id, count: 1 });
    }
    expect(warnings.find((w) => w.includes(WARNINGS.namespaceIngress))).toContain('Namespace open accepts Ingresses');
    expect(warnings.find((w) => w.includes(WARNINGS.namespaceAdminAccess))).toContain('ADMIN in closed');
  });

  test('a namespace bound to a dedicated node group: its label required, its taint tolerable, nowhere else', () => {
    const stack = new Stack(fastApp(), 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    const pci = cluster.addNodeGroup('Pci', { dedicated: 'pci' });
    const bound = cluster.addNamespace('payments', { nodeGroups: [pci] });
    const other = cluster.addNamespace('storefront');
    const annotations = (ns: any) => ns.objects[0].metadata.annotations;
    expect(annotations(bound)['cdk-hardened-eks.io/node-selectors']).toBe('cdk-hardened-eks.io/dedicated=pci');
    expect(annotations(bound)['cdk-hardened-eks.io/allowed-toleration-keys']).toBe('cdk-hardened-eks.io/dedicated');
    expect(annotations(other)['cdk-hardened-eks.io/node-selectors']).toBe('');
    expect(annotations(other)['cdk-hardened-eks.io/allowed-toleration-keys']).toBe('');
    const nodegroup = Template.fromStack(stack).toJSON().Resources[stack.resolve((pci.nodegroup.node.defaultChild as any).logicalId)];
    expect(nodegroup.Properties.Labels).toEqual({ 'cdk-hardened-eks.io/dedicated': 'pci' });
    expect(nodegroup.Properties.Taints).toEqual([{ Key: 'cdk-hardened-eks.io/dedicated', Value: 'pci', Effect: 'NO_SCHEDULE' }]);
    expect(warningsOf(stack).filter((w) => w.includes(WARNINGS.namespaceTolerations))).toEqual([]);
  });

  test('fails when a bound node group is not dedicated, or a toleration key is not a key; extra toleration keys are warned', () => {
    const stack = new Stack(fastApp(), 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    const shared = cluster.addNodeGroup('Shared');
    expect(() => cluster.addNamespace('a', { nodeGroups: [shared] })).toThrow('nodeGroups: received "Test/Cluster/Shared". The node group or NodePool is not dedicated to namespaces.');
    expect(() => cluster.addNamespace('b', { allowedTolerationKeys: [''] })).toThrow('allowedTolerationKeys: received "". Each entry is a taint key');
    expect(() => cluster.addNodeGroup('Bad', { dedicated: 'not a value' })).toThrow('dedicated: received "not a value". Use a Kubernetes label value');
    expect(() => cluster.addNodeGroup('ByHand', { labels: { 'cdk-hardened-eks.io/dedicated': 'pci' } }))
      .toThrow('labels: received "cdk-hardened-eks.io/dedicated". cdk-hardened-eks.io/dedicated is set by the dedicated option');
    cluster.addNamespace('gpu', { allowedTolerationKeys: ['example.com/gpu'] });
    Template.fromStack(stack);
    expect(warningsOf(stack).filter((w) => w.includes(WARNINGS.namespaceTolerations))).toHaveLength(1);
  });

  test('baseline is an explicit, warned choice', () => {
    const { stack, template, cluster } = build({ podSecurity: PodSecurityLevel.BASELINE });
    const [ns] = objectsOf(stack, template, cluster.node.findChild('Namespace-team-a') as any);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(WARNINGS.podSecurityBaseline))).toHaveLength(1);
  });

  test('every option reaches the objects the cluster receives', () => {
    const { stack, template, cluster } = build({
      allowSameNamespaceTraffic: true,
      additionalVolumeTypes: ['emptyDir'],
      allowedImageRegistries: ['registry.example.com/team-a'],
      requireImageDigests: true,
      quota: { requestsCpu: '2', limitsCpu: '3', pods: 7, persistentVolumeClaims: 1, requestsStorage: '20Gi', allowLoadBalancers: true, allowNodePorts: true },
      containerLimits: { defaultRequestCpu: '50m', defaultLimitCpu: '250m', maxCpu: '1', defaultRequestMemory: '64Mi', defaultLimitMemory: '256Mi', maxMemory: '1Gi' },
    });
    const objects = objectsOf(stack, template, cluster.node.findChild('Namespace-team-a') as any);
    expect(objects[0].metadata.annotations).toEqual({
      'cdk-hardened-eks.io/allowed-volume-types': 'emptyDir',
      'cdk-hardened-eks.io/allowed-registries': 'registry.example.com/team-a',
      'cdk-hardened-eks.io/require-image-digests': 'true',
      'cdk-hardened-eks.io/allow-load-balancers': 'true',
      'cdk-hardened-eks.io/allow-node-ports': 'true',
      'cdk-hardened-eks.io/allow-ingress': 'false',
      'cdk-hardened-eks.io/allowed-toleration-keys': '',
      'cdk-hardened-eks.io/node-selectors': '',
    });
    expect(objects.some((o) => o.metadata.name === 'allow-same-namespace')).toBe(true);
    expect(objects.find((o) => o.kind === 'ResourceQuota').spec.hard).toEqual({
      'requests.cpu': '2', 'requests.memory': '8Gi', 'limits.cpu': '3', 'limits.memory': '16Gi', 'pods': '7', 'persistentvolumeclaims': '1',
      'requests.storage': '20Gi',
    });
    expect(objects.find((o) => o.kind === 'LimitRange').spec.limits[0]).toEqual({
      type: 'Container', defaultRequest: { cpu: '50m', memory: '64Mi' }, default: { cpu: '250m', memory: '256Mi' }, max: { cpu: '1', memory: '1Gi' },
    });
  });

  test('ingress from and egress to named namespaces reach the rendered policies', () => {
    const { stack, template, cluster } = build({ allowIngressFromNamespaces: ['ingress'], allowEgressToNamespaces: ['payments'] });
    const objects = objectsOf(stack, template, cluster.node.findChild('Namespace-team-a') as any);
    const names = (policy: string, direction: 'ingress' | 'egress', peer: 'from' | 'to') =>
      objects.find((o) => o.metadata.name === policy).spec[direction][0][peer][0].namespaceSelector.matchExpressions[0].values;
    expect(names('allow-from-namespaces', 'ingress', 'from')).toEqual(['ingress']);
    expect(names('allow-to-namespaces', 'egress', 'to')).toEqual(['payments']);
  });

  test('egress to a range that contains the instance metadata address cuts it out', () => {
    const { stack, template, cluster } = build({ allowEgress: [{ cidr: '169.254.0.0/16', ports: [8080], protocol: NetworkProtocol.TCP }, { cidr: '10.0.0.0/8' }] });
    const egress = objectsOf(stack, template, cluster.node.findChild('Namespace-team-a') as any).find((o) => o.metadata.name === 'allow-egress');
    expect(egress.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] },
    ]);
  });
});

describe('bad input', () => {
  function errorOf(options: HardenedNamespaceOptions, name = 'team-a'): string {
    try {
      build(options, [name]);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected an error');
  }

  test.each(['Team-A', 'team_a', '-a', 'a'.repeat(64)])('fails when the name is not a DNS-1123 label (%s)', (name) => {
    expect(errorOf({}, name)).toContain(`name: received ${JSON.stringify(name)}. A namespace name is a DNS-1123 label`);
  });

  test.each(['kube-system', 'kube-public', 'kube-node-lease', 'default', 'kube-anything'])('fails on the reserved name %s', (name) => {
    expect(errorOf({}, name)).toContain('is reserved for Kubernetes');
  });

  test.each(['10 Gi', '-1', '1.5.0'])('fails on the malformed quantity %j', (quantity) => {
    expect(errorOf({ quota: { requestsMemory: quantity } })).toContain(`quota.requestsMemory: received ${JSON.stringify(quantity)}. Use a Kubernetes quantity`);
  });

  test('fails when a request is above its limit, or a default limit above the max', () => {
    const message = errorOf({ quota: { requestsCpu: '16', limitsCpu: '8' }, containerLimits: { defaultLimitMemory: '8Gi', maxMemory: '4Gi' } });
    expect(message).toContain('quota.requestsCpu: received "16". It is larger than quota.limitsCpu (8)');
    expect(message).toContain('containerLimits.defaultLimitMemory: received "8Gi". It is larger than containerLimits.maxMemory (4Gi)');
  });

  test('fails on hostPath, image or unknown volume types', () => {
    expect(errorOf({ additionalVolumeTypes: ['hostPath'] })).toContain('hostPath is never allowed');
    expect(errorOf({ additionalVolumeTypes: ['image'] })).toContain('image volumes mount an OCI image');
    expect(errorOf({ additionalVolumeTypes: ['emptydir'] })).toContain('additionalVolumeTypes: received "emptydir"');
  });

  test.each(['https://registry.example.com', 'registry.example.com/', 'docker', 'registry.example.com/app:1.0', ''])(
    'fails on the registry prefix %j', (registry) => {
      expect(errorOf({ allowedImageRegistries: [registry] })).toContain(`allowedImageRegistries: received ${JSON.stringify(registry)}`);
    });

  test('fails when egress names the instance metadata address, or a malformed CIDR', () => {
    expect(errorOf({ allowEgress: [{ cidr: '169.254.169.254/32' }] })).toContain('The instance metadata service is never opened to pods');
    expect(errorOf({ allowEgress: [{ cidr: '10.1.2.3/8' }] })).toContain("Write the network address: '10.0.0.0/8'");
  });

  test('fails when a namespace named for traffic is not a namespace name', () => {
    expect(errorOf({ allowEgressToNamespaces: ['Payments'] })).toContain('allowEgressToNamespaces: received "Payments"');
    expect(errorOf({ allowIngressFromNamespaces: ['a b'] })).toContain('allowIngressFromNamespaces: received "a b"');
  });

  test('fails when a namespace is added twice', () => {
    const stack = new Stack(fastApp(), 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    cluster.addNamespace('team-a');
    expect(() => cluster.addNamespace('team-a')).toThrow(/name: received "team-a". This namespace was already added/);
  });
});
