import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import {
  ADMISSION_LABEL_KEY, ADMISSION_POLICY_NAME, baselinePolicy, INGRESS_POLICY, NAMESPACE_VARIABLES, POLICY_SHAPES, SERVICE_POLICY, policyMatchConditions, policyValidations, policyVariables,
  renderAdmissionPolicies, VOLUME_TYPES,
} from '../../lib/manifests/admission-policy';
import { admit, AdmissionParams, admitWith, bufbuild, Evaluator, marcbachmann, shapeOf } from './cel-harness';
import { admissionEnvironment, readKubernetesTypes, typeOf } from './k8s-cel-types';
import { validateAgainstSchema } from './k8s-schema';

const FIXTURES = path.join(__dirname, '..', 'testdata', 'psa-fixtures', 'restricted', 'v1.37');
const REGISTRY = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';
/** The session prefix of the role that applies the library's manifests, as the cluster renders it. */
const APPLIER = 'arn:aws:sts::111122223333:assumed-role/Test-ClusterKubectlProviderRole-ABC123/';
const PARAMS: AdmissionParams = { allowedRegistries: REGISTRY, allowedVolumes: '', requireDigests: 'false' };
const EVALUATORS: Array<[string, Evaluator]> = [['@bufbuild/cel', bufbuild], ['@marcbachmann/cel-js', marcbachmann]];

/** The PSA checks this policy covers; the others (runAsNonRoot, seccomp, ...) stay PSA's job. */
const COVERED_CHECKS = ['privileged', 'allowprivilegeescalation', 'capabilities', 'hostnamespaces', 'hostports', 'hostpathvolumes', 'restrictedvolumes', 'selinuxoptions'];

function fixtures(kind: 'pass' | 'fail'): Array<[string, any]> {
  return fs.readdirSync(path.join(FIXTURES, kind)).sort()
    .map((file) => [file.replace(/\.yaml$/, ''), parseYaml(fs.readFileSync(path.join(FIXTURES, kind, file), 'utf8'))] as [string, any])
    .filter(([name]) => COVERED_CHECKS.some((check) => name.startsWith(check)));
}

/**
 * How each upstream fixture is adapted to what this policy also requires of every pod:
 * - a service account of its own (`serviceAccountName: app`): the fixtures name none;
 * - images from the allowed registry with a tag: `registry.k8s.io/pause` becomes
 *   `<account ECR>/pause:3.10`;
 * - a volume with only a name gets `emptyDir: {}`, as the API server's defaulting does before
 *   admission.
 */
function adapt(pod: any): any {
  const copy = JSON.parse(JSON.stringify(pod));
  copy.spec.serviceAccountName = 'app';
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of copy.spec[list] ?? []) { c.image = `${REGISTRY}/pause:3.10`; }
  }
  for (const v of copy.spec.volumes ?? []) {
    if (Object.keys(v).length === 1) { v.emptyDir = {}; }
  }
  return copy;
}

/** The volume types the upstream restricted profile allows beyond ours; a namespace widens to them by name. */
const PSA_RESTRICTED_VOLUMES: AdmissionParams = { ...PARAMS, allowedVolumes: 'emptyDir,persistentVolumeClaim,downwardAPI,csi,ephemeral' };

/**
 * Pass fixtures this policy denies on purpose, and why: SELinux types other than container_t
 * (baseline also allows container_init_t and container_kvm_t; the library allows container_t only).
 */
const STRICTER_BY_DESIGN: Record<string, RegExp> = {
  selinuxoptions1: /seLinuxOptions may not set user, role or level, and type only container_t/,
};

/** Wraps a pod in a workload kind, as its pod template. */
function wrap(kind: string, pod: any): any {
  const template = { metadata: { labels: { app: 'x' } }, spec: pod.spec };
  const metadata = { name: pod.metadata.name };
  switch (kind) {
    case 'Pod': return pod;
    case 'Deployment': case 'ReplicaSet': case 'StatefulSet': case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: { app: 'x' } }, template } };
    case 'Job': return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    case 'ReplicationController': return { apiVersion: 'v1', kind, metadata, spec: { selector: { app: 'x' }, template } };
    case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } };
    case 'PodTemplate': return { apiVersion: 'v1', kind, metadata, template };
    default: throw new Error(kind);
  }
}
const KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController', 'CronJob', 'PodTemplate'];

describe('the rendered policies', () => {
  const objects = renderAdmissionPolicies({ applierSessionPrefix: APPLIER }) as any[];
  const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
  const bindings = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');

  test('validate against the Kubernetes 1.36 schemas', () => {
    validateAgainstSchema(...objects);
  });

  test('one policy and one binding per shape, under fixed names that start with the name denials quote', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([...POLICY_SHAPES, SERVICE_POLICY, INGRESS_POLICY, baselinePolicy(APPLIER)].flatMap((p) => [
      `ValidatingAdmissionPolicy/${p.policyName}`, `ValidatingAdmissionPolicyBinding/${p.policyName}`,
    ]));
    expect(POLICY_SHAPES.map((s) => s.policyName)).toEqual([
      ADMISSION_POLICY_NAME, `${ADMISSION_POLICY_NAME}-templates`, `${ADMISSION_POLICY_NAME}-cronjobs`, `${ADMISSION_POLICY_NAME}-podtemplates`,
    ]);
  });

  test('each fails closed, denies, and is bound only to namespaces the library labels, never kube-system', () => {
    policies.forEach((policy, i) => {
      const binding = bindings[i];
      expect(policy.spec.failurePolicy).toBe('Fail');
      expect(binding.spec.validationActions).toEqual(['Deny']);
      expect(binding.spec.policyName).toBe(policy.metadata.name);
      expect(binding.spec.paramRef).toBeUndefined();
      expect(policy.spec.paramKind).toBeUndefined();
      expect(binding.spec.matchResources.namespaceSelector.matchLabels).toEqual({ [ADMISSION_LABEL_KEY]: 'enforced' });
      expect(binding.spec.matchResources.namespaceSelector.matchExpressions[0].values).toContain('kube-system');
    });
  });

  test('together they check Pods, ephemeral containers and every kind with a pod template, each kind in exactly one policy', () => {
    const rules = policies.map((p) => p.spec.matchConstraints.resourceRules.flatMap((r: any) => r.resources.map((res: string) => `${r.apiGroups[0]}/${res}`)).sort());
    expect(rules).toEqual([
      ['/pods', '/pods/ephemeralcontainers'],
      ['/replicationcontrollers', 'apps/daemonsets', 'apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'batch/jobs'],
      ['batch/cronjobs'],
      ['/podtemplates'],
      ['/services'],
      ['gateway.networking.k8s.io/gateways', 'gateway.networking.k8s.io/grpcroutes', 'gateway.networking.k8s.io/httproutes',
        'gateway.networking.k8s.io/tcproutes', 'gateway.networking.k8s.io/tlsroutes', 'gateway.networking.k8s.io/udproutes', 'networking.k8s.io/ingresses'],
      ['/limitranges', '/resourcequotas', '/serviceaccounts', 'networking.k8s.io/networkpolicies', 'rbac.authorization.k8s.io/rolebindings', 'rbac.authorization.k8s.io/roles'],
    ]);
    for (const policy of policies) {
      for (const rule of policy.spec.matchConstraints.resourceRules) {
        expect(rule.apiVersions).toEqual(rule.apiGroups[0] === 'gateway.networking.k8s.io' ? ['*'] : ['v1']);
        expect(rule.operations).toEqual(policy.metadata.name.endsWith('-baseline') ? ['UPDATE', 'DELETE'] : ['CREATE', 'UPDATE']);
      }
    }
  });

  test('uses only core CEL and the strings extension (no Kubernetes-only libraries, no optional syntax)', () => {
    const all = policies.flatMap((p) => [
      ...(p.spec.variables ?? []).map((v: any) => v.expression), ...(p.spec.matchConditions ?? []).map((c: any) => c.expression),
      ...p.spec.validations.flatMap((v: any) => [v.expression, v.messageExpression]),
    ]);
    for (const expression of all) {
      expect(expression).not.toMatch(/\?\.|\.orValue\(|optional\.|quantity\(|isQuantity|url\(|ip\(|cidr\(|\.sets\.|authorizer|\.isSorted|\.indexOf\(|\.sum\(|\.min\(|\.max\(/);
    }
  });

  test.each(POLICY_SHAPES.map((shape) => [shape.policyName, shape] as const))(
    '%s reads the pod spec at its fixed path of object, never through a choice by kind', (_name, shape) => {
      const policy = policies.find((p) => p.metadata.name === shape.policyName);
      const expressions = [
        ...policy.spec.variables.map((v: any) => v.expression),
        ...policy.spec.matchConditions.map((c: any) => c.expression),
        ...policy.spec.validations.flatMap((v: any) => [v.expression, v.messageExpression]),
      ];
      const allowed = [shape.podSpec, shape.changed, `old${shape.changed.replace(/^object/, 'Object')}`, 'object.kind', 'object.metadata.name'];
      for (const expression of expressions) {
        for (const [path] of expression.matchAll(/\b(object|oldObject)(\.[A-Za-z]+)+/g)) {
          expect({ path, ok: allowed.some((a) => path === a || path.startsWith(`${a}.`)) }).toEqual({ path, ok: true });
        }
        expect(expression).not.toMatch(/object\.kind\s*==/);
      }
    });

  test('one list of rules generates every policy: they differ only in the pod spec path', () => {
    const oldSpec = (shape: typeof POLICY_SHAPES[number]) => `oldObject${shape.podSpec.slice('object'.length)}`;
    const generic = (shape: typeof POLICY_SHAPES[number]) => JSON.stringify([policyVariables(shape.podSpec), policyValidations(shape.podSpec)])
      .split(oldSpec(shape)).join('<oldPodSpec>').split(shape.podSpec).join('<podSpec>');
    for (const shape of POLICY_SHAPES) {
      expect(generic(shape)).toEqual(generic(POLICY_SHAPES[0]));
      expect(policyMatchConditions(shape)[0].expression).toBe(`request.operation != 'UPDATE' || ${shape.changed} != oldObject${shape.changed.slice('object'.length)}`);
    }
    expect(policyVariables('object.spec').slice(0, NAMESPACE_VARIABLES.length)).toEqual(NAMESPACE_VARIABLES);
  });
});

/**
 * The denials for a fixture, computed once per evaluator, object and settings: the fixture tests
 * and the agreement test below read the same results.
 */
const ADMITTED = new Map<Evaluator, Map<string, string[]>>();
function admitOnce(evaluate: Evaluator, object: unknown, params: AdmissionParams): string[] {
  const byKey = ADMITTED.get(evaluate) ?? new Map<string, string[]>();
  ADMITTED.set(evaluate, byKey);
  const key = JSON.stringify([object, params]);
  if (!byKey.has(key)) { byKey.set(key, admit(evaluate, object, params)); }
  return byKey.get(key)!;
}

/** The denial each covered check must produce, so a fixture cannot pass on another check's account. */
const EXPECTED_DENIAL: Array<[string, RegExp]> = [
  ['privileged', /set securityContext\.privileged; privileged containers are refused/],
  ['allowprivilegeescalation', /must set securityContext\.allowPrivilegeEscalation to false/],
  ['capabilities', /must drop ALL capabilities/],
  ['hostnamespaces', /spec\.hostNetwork, spec\.hostPID and spec\.hostIPC must not be true/],
  ['hostports', /set ports\[\]\.hostPort; host ports are refused/],
  ['hostpathvolumes', /hostPath volumes are refused/],
  ['restrictedvolumes', /use a type this namespace does not allow/],
  ['selinuxoptions', /seLinuxOptions may not set user, role or level, and type only container_t/],
];

function expectedDenial(fixture: string): RegExp {
  return EXPECTED_DENIAL.find(([prefix]) => fixture.startsWith(prefix))![1];
}

/** The fixture's containers moved into ephemeralContainers, next to one compliant container. */
function asEphemeral(pod: any): any {
  const copy = adapt(pod);
  const compliant = { name: 'app', image: `${REGISTRY}/pause:3.10`, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
  copy.spec.ephemeralContainers = [...copy.spec.containers, ...(copy.spec.initContainers ?? [])].map((c: any, i: number) => ({ ...c, name: `debug${i}` }));
  copy.spec.containers = [compliant];
  delete copy.spec.initContainers;
  return copy;
}

describe.each(EVALUATORS)('Pod Security restricted fixtures, evaluated with %s', (_name, evaluate) => {
  test.each(fixtures('fail'))('denies fail/%s in every workload kind, with the message of its check', (fixture, pod) => {
    for (const kind of KINDS) {
      const denials = admitOnce(evaluate, wrap(kind, adapt(pod)), PARAMS).join('\n');
      expect({ kind, denials }).toEqual({ kind, denials: expect.stringMatching(expectedDenial(fixture)) });
    }
  });

  test.each(fixtures('fail'))('denies fail/%s with its containers moved into ephemeralContainers', (fixture, pod) => {
    // Pod-level fields (host namespaces, volumes, pod SELinux) stay in the pod spec.
    expect(admit(evaluate, asEphemeral(pod), PARAMS).join('\n')).toMatch(expectedDenial(fixture));
  });

  test.each(fixtures('pass'))('admits pass/%s once adapted (or denies it by design)', (fixture, pod) => {
    for (const kind of KINDS) {
      const denials = admitOnce(evaluate, wrap(kind, adapt(pod)), PSA_RESTRICTED_VOLUMES);
      if (STRICTER_BY_DESIGN[fixture]) {
        expect(denials.join('\n')).toMatch(STRICTER_BY_DESIGN[fixture]);
      } else {
        expect({ kind, denials }).toEqual({ kind, denials: [] });
      }
    }
  });
});

test('there are fail and pass fixtures for every covered check', () => {
  for (const check of COVERED_CHECKS) {
    expect(fixtures('fail').some(([name]) => name.startsWith(check))).toBe(true);
  }
  expect(fixtures('pass').length).toBeGreaterThanOrEqual(5);
});

describe('checks beyond Pod Security, with both evaluators', () => {
  const base = () => adapt(parseYaml(fs.readFileSync(path.join(FIXTURES, 'pass', 'base.yaml'), 'utf8')));

  test('the two evaluators agree on every fixture, in every kind', () => {
    for (const [, pod] of [...fixtures('fail'), ...fixtures('pass')]) {
      for (const kind of KINDS) {
        const object = wrap(kind, adapt(pod));
        expect(admitOnce(marcbachmann, object, PSA_RESTRICTED_VOLUMES)).toEqual(admitOnce(bufbuild, object, PSA_RESTRICTED_VOLUMES));
      }
    }
  });

  describe.each(EVALUATORS)('%s', (_name, evaluate) => {
    test('the adapted base pod is admitted', () => {
      expect(admit(evaluate, base(), PARAMS)).toEqual([]);
    });

    test('ephemeral containers are checked too', () => {
      const pod = base();
      pod.spec.ephemeralContainers = [{ name: 'debugger', image: `${REGISTRY}/busybox:1.36`, securityContext: { privileged: true } }];
      const denials = admit(evaluate, pod, PARAMS).join('\n');
      expect(denials).toContain('Pod base: containers debugger set securityContext.privileged');
      expect(denials).toContain('containers debugger must set securityContext.allowPrivilegeEscalation to false');
    });

    test('an update that leaves the pod template as it was is not checked again; one that changes it is', () => {
      const before = wrap('Deployment', base());
      before.spec.template.spec.containers[0].image = 'docker.io/library/nginx:1.27';
      const scaled = JSON.parse(JSON.stringify(before));
      scaled.spec.replicas = 5;
      expect(admit(evaluate, scaled, PARAMS, { operation: 'UPDATE', oldObject: before })).toEqual([]);
      const changed = JSON.parse(JSON.stringify(before));
      changed.spec.template.spec.containers[0].image = 'docker.io/library/nginx:1.28';
      expect(admit(evaluate, changed, PARAMS, { operation: 'UPDATE', oldObject: before }).join('\n')).toContain('use an image from a registry');
      const pod = base();
      pod.spec.containers[0].image = 'docker.io/x:1';
      const withFinalizer = JSON.parse(JSON.stringify(pod));
      withFinalizer.metadata.finalizers = [];
      expect(admit(evaluate, withFinalizer, PARAMS, { operation: 'UPDATE', oldObject: pod })).toEqual([]);
      const debug = JSON.parse(JSON.stringify(pod));
      debug.spec.ephemeralContainers = [{ name: 'sh', image: `${REGISTRY}/sh:1`, securityContext: { privileged: true } }];
      expect(admit(evaluate, debug, PARAMS, { operation: 'UPDATE', oldObject: pod }).join('\n')).toContain('containers sh set securityContext.privileged');
    });

    test('without the namespace annotations nothing is allowed to run (fail closed)', () => {
      expect(admit(evaluate, base(), {}).join('\n')).toContain('use an image from a registry this namespace does not allow (allowed: )');
    });

    test('the default service account, or none, is refused', () => {
      const pod = base();
      pod.spec.serviceAccountName = 'default';
      expect(admit(evaluate, pod, PARAMS)).toEqual(['Pod base: spec.serviceAccountName must name a service account of its own, not the default one']);
      delete pod.spec.serviceAccountName;
      expect(admit(evaluate, pod, PARAMS)).toHaveLength(1);
    });

    test('images from other registries, untagged or :latest images are refused, and the message names the container', () => {
      for (const [image, message] of [
        ['docker.io/library/nginx:1.27', 'containers container1 use an image from a registry this namespace does not allow'],
        [`${REGISTRY}-evil.example.com/x:1`, 'use an image from a registry this namespace does not allow'],
        [`${REGISTRY}/app`, 'containers container1 use an untagged or :latest image'],
        [`${REGISTRY}/app:latest`, 'containers container1 use an untagged or :latest image'],
        [`${REGISTRY}:5000/app`, 'use an image from a registry'],
      ]) {
        const pod = base();
        pod.spec.containers[0].image = image;
        expect(admit(evaluate, pod, PARAMS).join('\n')).toContain(message);
      }
    });

    test('with the per-namespace default, a tenant runs its own and the shared repositories only, not another tenant\'s', () => {
      const scoped = { ...PARAMS, allowedRegistries: `${REGISTRY}/team-a,${REGISTRY}/base-images` };
      for (const [image, admitted] of [
        [`${REGISTRY}/team-a/api:1.2`, true],
        [`${REGISTRY}/team-a/tools/cli:3`, true],
        [`${REGISTRY}/base-images/distroless:12`, true],
        [`${REGISTRY}/team-b/api:1.2`, false],
        [`${REGISTRY}/team-a-evil/api:1.2`, false],
        [`${REGISTRY}/team-aa/api:1.2`, false],
        [`${REGISTRY}/api:1.2`, false],
      ] as const) {
        const pod = base();
        for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) { c.image = image; }
        expect({ image, denials: admit(evaluate, pod, scoped).filter((d) => d.includes('registry')).length }).toEqual({ image, denials: admitted ? 0 : 1 });
      }
    });

    test('digests are accepted, and required where the namespace asks for them', () => {
      const digest = `${REGISTRY}/app@sha256:${'a'.repeat(64)}`;
      const pod = base();
      pod.spec.containers[0].image = digest;
      pod.spec.initContainers[0].image = digest;
      expect(admit(evaluate, pod, { ...PARAMS, requireDigests: 'true' })).toEqual([]);
      const tagged = base();
      expect(admit(evaluate, tagged, { ...PARAMS, requireDigests: 'true' }).join('\n'))
        .toContain('containers container1, initcontainer1 must pin their image by digest');
    });

    test('volumes beyond configMap, secret and projected need the namespace to allow them; hostPath never passes', () => {
      const pod = base();
      pod.spec.volumes = [{ name: 'scratch', emptyDir: {} }, { name: 'root', hostPath: { path: '/' } }];
      const strict = admit(evaluate, pod, PARAMS).join('\n');
      expect(strict).toContain('volumes scratch, root use a type this namespace does not allow (allowed: configMap, secret, projected)');
      expect(strict).toContain('hostPath volumes are refused: root');
      const widened = admit(evaluate, pod, { ...PARAMS, allowedVolumes: 'emptyDir,hostPath' }).join('\n');
      expect(widened).toContain('hostPath volumes are refused: root');
    });

    test('spec.nodeName cannot be set to skip the scheduler, in any kind; a bound Pod keeps its node on update', () => {
      for (const kind of KINDS) {
        const pod = base();
        pod.spec.nodeName = 'ip-10-0-1-23.eu-west-1.compute.internal';
        expect(admit(evaluate, wrap(kind, pod), PARAMS)).toEqual([`${kind} base: spec.nodeName is refused; let the scheduler place the pod`]);
      }
      const bound = base();
      bound.spec.nodeName = 'ip-10-0-1-23.eu-west-1.compute.internal';
      const debugged = JSON.parse(JSON.stringify(bound));
      debugged.spec.ephemeralContainers = [{ name: 'debug', image: `${REGISTRY}/sh:1`, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }];
      expect(admit(evaluate, debugged, PARAMS, { operation: 'UPDATE', oldObject: bound })).toEqual([]);
      const moved = JSON.parse(JSON.stringify(debugged));
      moved.spec.nodeName = 'ip-10-0-9-99.eu-west-1.compute.internal';
      expect(admit(evaluate, moved, PARAMS, { operation: 'UPDATE', oldObject: bound })).toHaveLength(1);
      const deployment = wrap('Deployment', base());
      const pinned = JSON.parse(JSON.stringify(deployment));
      pinned.spec.template.spec.nodeName = 'ip-10-0-1-23.eu-west-1.compute.internal';
      expect(admit(evaluate, pinned, PARAMS, { operation: 'UPDATE', oldObject: deployment })).toEqual(['Deployment base: spec.nodeName is refused; let the scheduler place the pod']);
    });

    test('tolerations: the node-condition ones pass; a keyless one, a dedicated pool\'s or any other taint only where granted', () => {
      const withTolerations = (tolerations: unknown[]) => { const pod = base(); pod.spec.tolerations = tolerations; return pod; };
      const conditions = [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      ];
      expect(admit(evaluate, withTolerations(conditions), PARAMS)).toEqual([]);
      const denied = (tolerations: unknown[], params = PARAMS) => admit(evaluate, wrap('Deployment', withTolerations(tolerations)), params).filter((d) => d.includes('tolerations'));
      expect(denied([{ operator: 'Exists' }])[0]).toMatch(/^Deployment base: tolerations of \(every taint\) are refused; this namespace may tolerate node.kubernetes.io\/not-ready, /);
      expect(denied([{ key: 'cdk-hardened-eks.io/dedicated', operator: 'Equal', value: 'pci', effect: 'NoSchedule' }])).toHaveLength(1);
      expect(denied([{ key: 'CriticalAddonsOnly', operator: 'Exists' }])).toHaveLength(1);
      expect(denied([{ key: 'cdk-hardened-eks.io/dedicated', operator: 'Equal', value: 'pci', effect: 'NoSchedule' }],
        { ...PARAMS, allowedTolerationKeys: 'cdk-hardened-eks.io/dedicated' })).toEqual([]);
      const ephemeral = withTolerations([{ operator: 'Exists' }]);
      expect(admit(evaluate, wrap('CronJob', ephemeral), PARAMS).some((d) => d.includes('(every taint)'))).toBe(true);
    });

    test('a namespace bound to dedicated node groups runs only where its pods select one of them', () => {
      const bound = { ...PARAMS, nodeSelectors: 'cdk-hardened-eks.io/dedicated=pci,cdk-hardened-eks.io/dedicated=pci-2' };
      const message = 'spec.nodeSelector must select one of this namespace\'s node groups: cdk-hardened-eks.io/dedicated=pci or cdk-hardened-eks.io/dedicated=pci-2';
      for (const kind of ['Pod', 'Deployment', 'PodTemplate']) {
        const pod = base();
        expect(admit(evaluate, wrap(kind, pod), bound)).toEqual([`${kind} base: ${message}`]);
        pod.spec.nodeSelector = { 'cdk-hardened-eks.io/dedicated': 'general' };
        expect(admit(evaluate, wrap(kind, pod), bound)).toHaveLength(1);
        pod.spec.nodeSelector = { 'cdk-hardened-eks.io/dedicated': 'pci-2', 'kubernetes.io/arch': 'amd64' };
        expect(admit(evaluate, wrap(kind, pod), bound)).toEqual([]);
      }
      expect(admit(evaluate, base(), PARAMS)).toEqual([]);
    });

    test('system-* priority classes are refused (they preempt CoreDNS and the CNI); others pass', () => {
      for (const priorityClassName of ['system-node-critical', 'system-cluster-critical']) {
        for (const kind of ['Pod', 'DaemonSet', 'CronJob']) {
          const pod = base();
          pod.spec.priorityClassName = priorityClassName;
          expect(admit(evaluate, wrap(kind, pod), PARAMS)).toEqual([`${kind} base: spec.priorityClassName ${priorityClassName} is reserved for the cluster's own components`]);
        }
      }
      const pod = base();
      pod.spec.priorityClassName = 'tenant-high';
      expect(admit(evaluate, pod, PARAMS)).toEqual([]);
    });

    /**
     * SELinux options the policies refuse: Bottlerocket's privileged types, and any level (the MCS
     * categories are Bottlerocket's to assign; a chosen pair can span or share other containers').
     */
    test.each([
      ['control_t', { type: 'control_t' }], ['super_t', { type: 'super_t' }],
      ['a level spanning every category', { level: 's0-s0:c0.c1023' }], ['another pod\'s level', { type: 'container_t', level: 's0:c123,c456' }],
    ])('SELinux %s is refused at pod level, in containers of every kind and in ephemeral containers', (_what, options) => {
      const message = 'seLinuxOptions may not set user, role or level, and type only container_t';
      const pod = base();
      pod.spec.securityContext.seLinuxOptions = options;
      expect(admit(evaluate, pod, PARAMS)).toEqual([`Pod base: ${message} (spec.securityContext; containers: )`]);
      const inContainer = base();
      inContainer.spec.containers[0].securityContext.seLinuxOptions = options;
      for (const kind of ['Pod', 'Deployment', 'CronJob', 'PodTemplate']) {
        expect(admit(evaluate, wrap(kind, inContainer), PARAMS)).toEqual([`${kind} base: ${message} (containers: container1)`]);
      }
      const ephemeral = base();
      ephemeral.spec.ephemeralContainers = [{
        name: 'debug', image: `${REGISTRY}/sh:1`,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seLinuxOptions: options },
      }];
      expect(admit(evaluate, ephemeral, PARAMS)).toEqual([`Pod base: ${message} (containers: debug)`]);
    });

    test('a DaemonSet mounting the host root, as pasted from a blog post, is refused for every reason', () => {
      const daemonSet = {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'node-agent' },
        spec: {
          selector: { matchLabels: { app: 'node-agent' } },
          template: {
            metadata: { labels: { app: 'node-agent' } },
            spec: {
              hostNetwork: true,
              hostPID: true,
              containers: [{
                name: 'agent', image: 'docker.io/example/agent:latest', securityContext: { privileged: true },
                volumeMounts: [{ name: 'host', mountPath: '/host' }], ports: [{ containerPort: 9100, hostPort: 9100 }],
              }],
              volumes: [{ name: 'host', hostPath: { path: '/' } }],
            },
          },
        },
      };
      validateAgainstSchema(daemonSet);
      const denials = admit(evaluate, daemonSet, PARAMS);
      expect(denials).toEqual([
        'DaemonSet node-agent: containers agent set securityContext.privileged; privileged containers are refused',
        'DaemonSet node-agent: containers agent must set securityContext.allowPrivilegeEscalation to false',
        'DaemonSet node-agent: containers agent must drop ALL capabilities (securityContext.capabilities.drop) and add none but NET_BIND_SERVICE',
        'DaemonSet node-agent: hostPath volumes are refused: host',
        'DaemonSet node-agent: volumes host use a type this namespace does not allow (allowed: configMap, secret, projected)',
        'DaemonSet node-agent: spec.hostNetwork, spec.hostPID and spec.hostIPC must not be true',
        'DaemonSet node-agent: containers agent set ports[].hostPort; host ports are refused',
        'DaemonSet node-agent: spec.serviceAccountName must name a service account of its own, not the default one',
        `DaemonSet node-agent: containers agent use an image from a registry this namespace does not allow (allowed: ${REGISTRY})`,
        'DaemonSet node-agent: containers agent use an untagged or :latest image; pin a tag or a digest',
      ]);
    });
  });
});

describe('type-checked against the Kubernetes 1.36 object types, as the API server checks a policy', () => {
  const types = readKubernetesTypes(POLICY_SHAPES.flatMap((s) => s.kinds));
  /**
   * An environment with `object` and `oldObject` of the kind, and `variables` typed as the API
   * server types them: each variable's expression is checked in turn, and its result type is the
   * type later expressions see.
   */
  const withObject = (kind: string) => {
    const fields: Record<string, string> = {};
    for (const variable of policyVariables(shapeOf(kind).podSpec)) {
      const type = typeOf(admissionEnvironment(types, kind, fields), variable.expression);
      if (type.startsWith('invalid')) { throw new Error(`${kind} variable ${variable.name}: ${type}`); }
      fields[variable.name] = type;
    }
    return { env: admissionEnvironment(types, kind, fields), fields };
  };

  test('the variables have the types the validations use', () => {
    expect(withObject('Pod').fields).toEqual({
      allowedVolumes: 'list<string>', allowedRegistries: 'list<string>', requireDigests: 'bool', allowedTolerationKeys: 'list<string>', nodeSelectors: 'list<string>',
      ...Object.fromEntries(policyVariables('object.spec').slice(NAMESPACE_VARIABLES.length).map((v) => [v.name, 'list<string>'])),
    });
  });


  test.each(POLICY_SHAPES.flatMap((shape) => shape.kinds.map((kind) => [kind, shape] as const)))(
    'every expression of the policy for %s type-checks: conditions and validations are bool, messages string', (kind, shape) => {
      const { env } = withObject(kind);
      expect(policyMatchConditions(shape).map((c) => typeOf(env, c.expression))).toEqual(['bool']);
      for (const validation of policyValidations(shape.podSpec)) {
        expect([typeOf(env, validation.expression), typeOf(env, validation.messageExpression)]).toEqual(['bool', 'string']);
      }
    });

  test.each(POLICY_SHAPES.map((shape) => [shape.kinds[0], shape] as const))('a misspelled field in the %s policy is reported, inside has() too', (kind, shape) => {
    const { env } = withObject(kind);
    const privileged = policyVariables(shape.podSpec).find((v) => v.name === 'privilegedContainers')!;
    expect(typeOf(env, privileged.expression)).toBe('list<string>');
    expect(typeOf(env, privileged.expression.split('c.securityContext.privileged').join('c.securityContext.priviledged')))
      .toMatch(/^invalid: .*priviledged/);
    expect(typeOf(env, `!has(${shape.podSpec}.hostNetwork) && !has(${shape.podSpec}.hostNetworks)`)).toMatch(/^invalid: .*hostNetworks/);
    expect(typeOf(env, `${shape.podSpec}.containers.all(c, c.image.size() > 0)`)).toBe('bool');
  });

  test('the volume check names every volume type of the 1.36 Volume object', () => {
    expect(Object.keys(types.declarations.get('Volume')!).filter((f) => f !== 'name').sort()).toEqual([...VOLUME_TYPES].sort());
  });
});

describe.each(EVALUATORS)('Services and ingress objects, evaluated with %s', (_name, evaluate) => {
  const service = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team-a' }, spec: { ports: [{ port: 80 }], ...spec } });
  const services = (object: unknown, params: AdmissionParams = {}, request = {}) => admitWith(evaluate, SERVICE_POLICY, object, params, request);

  test('a ClusterIP Service is admitted', () => {
    expect(services(service({}))).toEqual([]);
    expect(services(service({ type: 'ClusterIP', clusterIP: '10.100.0.10' }))).toEqual([]);
  });

  test('externalIPs are refused on create, whatever the address (the VPC resolver, the API endpoint, anything)', () => {
    for (const ips of [['10.0.0.2'], ['169.254.169.253'], ['203.0.113.7', '10.0.0.2']]) {
      expect(services(service({ externalIPs: ips }))).toEqual(['Service web: spec.externalIPs are refused (they redirect traffic for those addresses on every node to this Service)']);
    }
  });

  test('on update, addresses already present may stay, a new one is refused', () => {
    const before = service({ externalIPs: ['10.0.0.50'] });
    expect(services(service({ externalIPs: ['10.0.0.50'], ports: [{ port: 8080 }] }), {}, { operation: 'UPDATE', oldObject: before })).toEqual([]);
    expect(services(service({ externalIPs: ['10.0.0.50', '10.0.0.2'] }), {}, { operation: 'UPDATE', oldObject: before })).toHaveLength(1);
    expect(services(service({ externalIPs: ['10.0.0.2'] }), {}, { operation: 'UPDATE', oldObject: service({}) })).toHaveLength(1);
  });

  test('LoadBalancer and NodePort only where the namespace allows them', () => {
    expect(services(service({ type: 'LoadBalancer' }))).toEqual(['Service web: Services of type LoadBalancer are refused in this namespace (quota.allowLoadBalancers)']);
    expect(services(service({ type: 'NodePort' }))).toEqual(['Service web: Services of type NodePort are refused in this namespace (quota.allowNodePorts)']);
    expect(services(service({ type: 'LoadBalancer' }), { allowLoadBalancers: 'true' })).toEqual([]);
    expect(services(service({ type: 'NodePort' }), { allowNodePorts: 'true' })).toEqual([]);
    expect(services(service({ type: 'NodePort' }), { allowLoadBalancers: 'true' })).toHaveLength(1);
    expect(services(service({ type: 'LoadBalancer' }), { allowLoadBalancers: 'false' })).toHaveLength(1);
  });

  test('Ingresses and Gateway API routes only where the namespace allows ingress', () => {
    for (const [apiVersion, kind] of [['networking.k8s.io/v1', 'Ingress'], ['gateway.networking.k8s.io/v1', 'HTTPRoute'], ['gateway.networking.k8s.io/v1', 'Gateway']]) {
      const object = { apiVersion, kind, metadata: { name: 'public', namespace: 'team-a' }, spec: {} };
      expect(admitWith(evaluate, INGRESS_POLICY, object, {})).toEqual([`${kind} public: ingress objects are refused in this namespace (allowIngress)`]);
      expect(admitWith(evaluate, INGRESS_POLICY, object, { allowIngress: 'true' })).toEqual([]);
    }
  });
});

describe('the Service and ingress policies type-check against the 1.36 types', () => {
  const types = readKubernetesTypes(['Service', 'Ingress']);

  test.each([['Service', SERVICE_POLICY], ['Ingress', INGRESS_POLICY]] as const)('%s', (kind, policy) => {
    const env = admissionEnvironment(types, kind);
    expect(policy.validations.map((v) => [typeOf(env, v.expression), typeOf(env, v.messageExpression)]))
      .toEqual(policy.validations.map(() => ['bool', 'string']));
    expect(typeOf(env, 'object.spec.externalIP')).toMatch(/^invalid/);
  });
});

describe.each(EVALUATORS)('the namespace baseline, evaluated with %s', (_name, evaluate) => {
  const policy = baselinePolicy(APPLIER);
  const managed = { 'app.kubernetes.io/managed-by': 'cdk-hardened-eks' };
  const baselineObjects = [
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'team-a', labels: managed }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'cdk-hardened-eks-quota', namespace: 'team-a', labels: managed }, spec: { hard: { pods: '50' } } },
    { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'cdk-hardened-eks-limits', namespace: 'team-a', labels: managed }, spec: { limits: [] } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'cdk-hardened-eks-view', namespace: 'team-a', labels: managed }, rules: [] },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team-a', labels: managed }, automountServiceAccountToken: false },
  ];
  const decide = (operation: 'UPDATE' | 'DELETE', oldObject: any, username: string, object: any = operation === 'DELETE' ? null : oldObject) =>
    admitWith(evaluate, policy, object, {}, { operation, oldObject, username });

  test.each(['UPDATE', 'DELETE'] as const)('a tenant (even at ADMIN) cannot %s what the library applied', (operation) => {
    for (const object of baselineObjects) {
      expect(decide(operation, object, 'arn:aws:sts::111122223333:assumed-role/TeamALead/lead')).toEqual([
        `${object.kind} ${object.metadata.name} is part of the namespace baseline of cdk-hardened-eks: only the library's deployments change or delete it`,
      ]);
      expect(decide(operation, object, 'system:serviceaccount:team-a:app')).toHaveLength(1);
    }
  });

  test('relabelling does not escape: the check reads the object as it was', () => {
    const [policyObject] = baselineObjects;
    const relabelled = { ...policyObject, metadata: { ...policyObject.metadata, labels: {} }, spec: { podSelector: {}, policyTypes: [] } };
    expect(decide('UPDATE', policyObject, 'arn:aws:sts::111122223333:assumed-role/TeamALead/lead', relabelled)).toHaveLength(1);
  });

  test("the library's deployments, kube-system's controllers and EKS may", () => {
    for (const username of [`${APPLIER}1700000000000`, 'system:serviceaccount:kube-system:namespace-controller', 'system:kube-controller-manager', 'eks:addon-manager']) {
      for (const object of baselineObjects) {
        expect(decide('DELETE', object, username)).toEqual([]);
      }
    }
  });

  test('a look-alike role name or another account is not the applier', () => {
    for (const username of [
      'arn:aws:sts::111122223333:assumed-role/Test-ClusterKubectlProviderRole-ABC1234/x',
      'arn:aws:sts::999988887777:assumed-role/Test-ClusterKubectlProviderRole-ABC123/x',
      'system:serviceaccount:kube-systemx:foo',
    ]) {
      expect(decide('DELETE', baselineObjects[0], username)).toHaveLength(1);
    }
  });

  test("a tenant's own objects are not the policy's business", () => {
    const own = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-web', namespace: 'team-a', labels: { app: 'web' } }, spec: { podSelector: {} } };
    expect(decide('DELETE', own, 'arn:aws:sts::111122223333:assumed-role/TeamALead/lead')).toEqual([]);
    expect(decide('UPDATE', { ...own, metadata: { name: 'x', namespace: 'team-a' } }, 'arn:aws:sts::111122223333:assumed-role/TeamALead/lead')).toEqual([]);
  });
});

describe('the baseline policy type-checks against the 1.36 types', () => {
  const types = readKubernetesTypes(['NetworkPolicy', 'Role', 'ServiceAccount']);
  test.each(['NetworkPolicy', 'Role', 'ServiceAccount'])('%s', (kind) => {
    const env = admissionEnvironment(types, kind);
    const policy = baselinePolicy(APPLIER);
    expect(policy.matchConditions.map((c) => typeOf(env, c.expression))).toEqual(['bool']);
    expect(policy.validations.map((v) => [typeOf(env, v.expression), typeOf(env, v.messageExpression)])).toEqual([['bool', 'string']]);
  });
});
