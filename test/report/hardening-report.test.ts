import { Annotations, App, Stack } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defineBasicExample } from '../../examples/basic';
import { ClusterEndpointAccess, HardenedEksCluster, HardenedNodeGroup, InstanceMetadataAccess, NamespaceAccessLevel, PodSecurityLevel } from '../../lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildReport, HardeningReport, renderHtml } from '../../lib/report/hardening-report';
import { CONTROLS } from '../../lib/report/controls';
import { factsOf } from '../../lib/report/facts';
import { WARNINGS } from '../../lib/private/defaults';
import { fastApp } from '../fixtures';

/** Synthesizes `define` into a temp dir and returns the report files of stack `Test`. */
function synthReport(define: (app: App) => Stack): { json: HardeningReport; md: string; html: string; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
  const app = fastApp({}, { outdir });
  const stack = define(app);
  app.synth();
  const base = path.join(outdir, `${stack.artifactId}.hardening-report`);
  const result = {
    json: JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')),
    md: fs.readFileSync(`${base}.md`, 'utf8'),
    html: fs.readFileSync(`${base}.html`, 'utf8'),
    outdir,
  };
  fs.rmSync(outdir, { recursive: true, force: true });
  return result;
}

describe('the report of the default example', () => {
  const { json, md, html } = synthReport(defineBasicExample);

  test('is written next to the template as JSON, Markdown and HTML, and matches the snapshot', () => {
    expect(md).toMatchSnapshot();
    expect(html).toContain('<table>');
    expect(json.clusters).toEqual(['HardenedEksBasic-Cluster-2B99BDC3']);
  });

  test('covers every control once, with nothing weakened', () => {
    expect(json.controls.map((c) => c.id).sort()).toEqual(CONTROLS.map((c) => c.id).sort());
    expect(json.summary.weakened).toBe(0);
    const status = (id: string) => json.controls.find((c) => c.id === id)!.status;
    expect(status('5.4.2')).toBe('enforced-by-default');
    expect(status('5.3.1')).toBe('enforced-by-default');
    expect(status('IAM-imds')).toBe('enforced-by-default');
    expect(status('4.4.2')).toBe('user-responsibility');
  });

  test('has no clock or randomness: two synths write the same bytes', () => {
    const again = synthReport(defineBasicExample);
    expect(again.md).toBe(md);
    expect(again.html).toBe(html);
    expect(again.json).toEqual(json);
    expect(md).not.toMatch(/20\d\d-\d\d-\d\d/);
  });
});

describe('an app that weakens defaults', () => {
  const { json, md } = synthReport((app) => {
    const stack = new Stack(app, 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', {
      endpointAccess: ClusterEndpointAccess.publicAndPrivate(['203.0.113.0/24']),
      defaultNodeGroupOptions: { instanceMetadataAccess: InstanceMetadataAccess.reachableFromPods(2), enableSsmAccess: true },
    });
    cluster.addNamespace('team-a', { podSecurity: PodSecurityLevel.BASELINE });
    return stack;
  });

  test('lists the weakenings first, each with the warning that explains it', () => {
    const weakened = json.controls.filter((c) => c.status === 'weakened').map((c) => c.id);
    expect(weakened).toEqual(['4.2.1-4.2.5', '5.4.1', '5.4.2', 'IAM-imds', 'Infra-access']);
    expect(json.controls.slice(0, weakened.length).map((c) => c.id)).toEqual(weakened);
    const endpoint = json.controls.find((c) => c.id === '5.4.2')!;
    expect(endpoint.warnings).toEqual([expect.stringMatching(new RegExp(`^${WARNINGS.publicEndpoint}: The Kubernetes API endpoint is public, reachable from 203.0.113.0/24`))]);
    expect(md.indexOf('| 4.2.1-4.2.5')).toBeLessThan(md.indexOf('| 2.1.1'));
  });

  test('namespaces turn the Kubernetes controls from your responsibility into enforced ones', () => {
    const status = (id: string) => json.controls.find((c) => c.id === id)!.status;
    expect(status('4.3.2')).toBe('enforced-by-default');
    expect(status('5.1.4')).toBe('enforced-by-default');
  });
});

test('an acknowledged warning does not hide a weakening, and node groups created outside the cluster count', () => {
  const { json } = synthReport((app) => {
    const stack = new Stack(app, 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { deletionProtection: false, defaultNodeGroup: false });
    Annotations.of(cluster).acknowledgeWarning(WARNINGS.deletionProtectionOff, 'test cluster');
    new HardenedNodeGroup(stack, 'Pool', { cluster, enableSsmAccess: true });
    cluster.addServiceAccount('Legacy', { namespace: 'team-a', name: 'legacy', automountServiceAccountToken: true, namespaceManagedElsewhere: true });
    return stack;
  });
  const status = (id: string) => json.controls.find((c) => c.id === id)!.status;
  expect(status('Availability-deletion')).toBe('weakened');
  expect(status('Infra-access')).toBe('weakened');
  expect(status('4.1.6')).toBe('weakened');
  expect(json.controls.find((c) => c.id === '4.1.6')!.warnings[0]).toMatch(/tokenAutomount: Service account team-a\/legacy mounts its token/);
});

describe('buildReport', () => {
  test('a control is weakened only by its own warnings', () => {
    const facts = factsOf(new Stack(), 'x');
    const report = buildReport('S', [facts], [{ id: WARNINGS.deletionProtectionOff, message: 'off' }]);
    expect(report.controls.filter((c) => c.status === 'weakened').map((c) => c.id)).toEqual(['Availability-deletion']);
    expect(report.controls[0].warnings).toEqual([`${WARNINGS.deletionProtectionOff}: off`]);
  });

  test('options the app set show as enforced by an option', () => {
    const facts = factsOf(new Stack(), 'x');
    facts.userSecretsKey = true;
    facts.breakGlass = true;
    const report = buildReport('S', [facts], []);
    const status = (id: string) => report.controls.find((c) => c.id === id)!.status;
    expect(status('5.3.1')).toBe('enforced-by-option');
    expect(status('IAM-break-glass')).toBe('enforced-by-option');
    expect(status('3.2.7')).toBe('not-applicable');
  });

  test('Karpenter: its controls are enforced by the option, and an unlimited or never-expiring pool, or lockdown off in a pool, weakens them', () => {
    const facts = factsOf(new Stack(), 'x');
    const status = (f: typeof facts, id: string) => buildReport('S', [f], []).controls.find((c) => c.id === id)!.status;
    expect(status(facts, 'Nodes-autoscaled')).toBe('not-applicable');
    const pool = { unlimited: false, neverExpire: false, lockdownOff: false, sysctlOverride: false, bootstrapContainers: false };
    facts.karpenter = { nodePools: [pool] };
    expect(status(facts, 'Nodes-autoscaled')).toBe('enforced-by-option');
    expect(status(facts, 'Nodes-autoscaling-bounds')).toBe('enforced-by-option');
    facts.karpenter.nodePools.push({ ...pool, unlimited: true });
    expect(status(facts, 'Nodes-autoscaling-bounds')).toBe('weakened');
    facts.karpenter.nodePools = [{ ...pool, lockdownOff: true }];
    expect(status(facts, 'Runtime-lockdown')).toBe('weakened');
  });

  test('5.4.4 names HardenedNamespace default deny only when the app has namespaces', () => {
    const facts = factsOf(new Stack(), 'x');
    const by = () => buildReport('S', [facts], []).controls.find((c) => c.id === '5.4.4')!.by;
    expect(by()).not.toContain('HardenedNamespace');
    facts.namespaces.push({ name: 'a', baseline: false, requireDigests: false, ingress: false, loadBalancers: false, nodePorts: false, extraTolerations: false });
    expect(by()).toContain('HardenedNamespace default deny with named openings');
  });

  test('audit shipping off and detections off weaken their controls; GuardDuty is an option', () => {
    const facts = factsOf(new Stack(), 'x');
    facts.auditShipping = 'off';
    facts.auditDetectionsOff = ['execIntoPod'];
    facts.guardDuty = 'existing-detector';
    const report = buildReport('S', [facts], [{ id: WARNINGS.auditLogNotShipped, message: 'not shipped' }]);
    const control = (id: string) => report.controls.find((c) => c.id === id)!;
    expect(control('Detective-audit-archive').status).toBe('weakened');
    expect(control('Detective-audit-archive').warnings).toEqual([`${WARNINGS.auditLogNotShipped}: not shipped`]);
    expect(control('Detective-audit-alarms').status).toBe('weakened');
    expect(control('Detective-guardduty')).toEqual(expect.objectContaining({ status: 'enforced-by-option', by: expect.stringMatching(/existing detector/) }));
  });

  test('the HTML escapes what it shows', () => {
    const facts = factsOf(new Stack(), '<script>');
    expect(renderHtml(buildReport('<b>', [facts], []))).not.toContain('<script>');
  });
});

test('opening a namespace to ingress or load balancers weakens Network-exposure; an ADMIN grant weakens 4.5.1; closed namespaces enforce both', () => {
  const statuses = (open: boolean) => synthReport((app) => {
    const stack = new Stack(app, 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    cluster.addNamespace('team-a', open ? { allowIngress: true, quota: { allowLoadBalancers: true } } : {});
    if (open) { cluster.grantNamespaceAccess('Lead', iam.Role.fromRoleName(stack, 'Lead', 'leads'), 'team-a', NamespaceAccessLevel.ADMIN); }
    return stack;
  }).json.controls.filter((c) => ['Network-exposure', '4.5.1'].includes(c.id)).map((c) => `${c.id}: ${c.status}`);
  expect(statuses(true)).toEqual(['4.5.1: weakened', 'Network-exposure: weakened']);
  expect(statuses(false)).toEqual(['4.5.1: enforced-by-default', 'Network-exposure: enforced-by-default']);
});
