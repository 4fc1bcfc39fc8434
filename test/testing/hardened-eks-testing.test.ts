import { Stack, Stage } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HardenedEksCluster, HardenedEksTesting } from '../../lib';
import { PINNED_FEATURE_FLAGS } from '../fixtures';

describe('HardenedEksTesting', () => {
  test('appProps: no staging, no stack traces, no validator; the caller\'s context wins', () => {
    expect(HardenedEksTesting.appProps({ context: { 'aws:cdk:disable-stack-trace': false, '@aws-cdk/aws-eks:useNativeOidcProvider': true } })).toEqual({
      builtinCloudFormationValidation: false,
      outdir: undefined,
      context: {
        'aws:cdk:disable-asset-staging': true,
        'aws:cdk:disable-stack-trace': false,
        'aws:cdk:disable-creation-stack-traces': true,
        '@aws-cdk/aws-eks:useNativeOidcProvider': true,
      },
    });
  });

  describe('a cluster synthesized in its app', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'testing-helper-'));
    const app = HardenedEksTesting.app({ outdir, context: PINNED_FEATURE_FLAGS });
    const stack = new Stack(app, 'Platform');
    new HardenedEksCluster(stack, 'Cluster', { clusterName: 'platform' });
    const template = HardenedEksTesting.stableTemplate(stack);
    const written = fs.readdirSync(outdir);
    const bytes = written.reduce((sum, f) => sum + fs.statSync(path.join(outdir, f)).size, 0);
    afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

    test('writes into outdir, stages no asset and stays small', () => {
      expect(written).toContain('Platform.template.json');
      expect(written.filter((f) => f.startsWith('asset.'))).toEqual([]);
      expect(bytes).toBeLessThan(2_000_000);
    });

    test('the template keeps its resources and loses every asset hash', () => {
      const text = JSON.stringify(template);
      expect(Object.keys(template.Resources).length).toBeGreaterThan(50);
      expect(text).not.toMatch(/[0-9a-f]{64}/);
      expect(text).toContain('<asset hash>.zip');
      const raw = fs.readFileSync(path.join(outdir, 'Platform.template.json'), 'utf8');
      expect(raw).toMatch(/[0-9a-f]{64}/);
    });

    test('a second app gives the same stable template', () => {
      const again = HardenedEksTesting.app({ context: PINNED_FEATURE_FLAGS });
      const other = new Stack(again, 'Platform');
      new HardenedEksCluster(other, 'Cluster', { clusterName: 'platform' });
      expect(HardenedEksTesting.stableTemplate(other)).toEqual(template);
    });
  });

  test('image digests stay: only asset hashes are replaced', () => {
    const app = HardenedEksTesting.app({ context: PINNED_FEATURE_FLAGS });
    const stack = new Stack(app, 'Digests');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { clusterName: 'digests', defaultNodeGroup: false });
    const digest = `sha256:${'ab12'.repeat(16)}`;
    cluster.cluster.addManifest('Pinned', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pinned', namespace: 'kube-system' }, data: { image: `registry.example.com/app@${digest}` } });
    const text = JSON.stringify(HardenedEksTesting.stableTemplate(stack));
    expect(text).toContain(digest);
    expect(text).toContain('<asset hash>');
  });

  test('a stack inside a Stage is found in that stage\'s assembly', () => {
    const app = HardenedEksTesting.app({ context: PINNED_FEATURE_FLAGS });
    const stack = new Stack(new Stage(app, 'Prod'), 'Platform');
    new HardenedEksCluster(stack, 'Cluster', { clusterName: 'platform', defaultNodeGroup: false });
    expect(Object.keys(HardenedEksTesting.stableTemplate(stack).Resources).length).toBeGreaterThan(30);
  });
});
