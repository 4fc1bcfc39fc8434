import { App, Stack } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HardenedEksCluster } from '../../lib';
import { PINNED_FEATURE_FLAGS } from '../fixtures';

/**
 * The slow, strict path: aws-cdk-lib's built-in CloudFormation validator on, with
 * `@aws-cdk/core:validateAgainstDefaultRules`. Error findings throw; warning findings land in the
 * validation report, so the test reads it too. The other tests turn the validator off.
 */
function strictApp(): { app: App; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'strict-'));
  const app = new App({
    outdir,
    context: { ...PINNED_FEATURE_FLAGS, 'aws:cdk:disable-asset-staging': true, '@aws-cdk/core:validateAgainstDefaultRules': true },
  });
  return { app, outdir };
}

function validatorFindings(outdir: string): string[] {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) { return []; }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  return report.pluginReports.flatMap((p: any) => p.violations.map((v: any) => `${p.pluginName}: ${v.ruleName} ${v.description}`));
}

test('the default cluster passes the CloudFormation validator with no error and no warning', () => {
  const { app, outdir } = strictApp();
  const stack = new Stack(app, 'Strict');
  new HardenedEksCluster(stack, 'Cluster', { clusterName: 'strict' });
  expect(() => app.synth()).not.toThrow();
  expect(validatorFindings(outdir)).toEqual([]);
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('the validator really runs in this setup: an unknown property fails the synth', () => {
  const { app, outdir } = strictApp();
  const stack = new Stack(app, 'Strict');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { clusterName: 'strict' });
  (cluster.cluster.node.defaultChild as any).addPropertyOverride('NotAProperty', 1);
  expect(() => app.synth()).toThrow(/'NotAProperty' was unexpected/);
  expect(validatorFindings(outdir).join('\n')).toContain("'NotAProperty' was unexpected");
  fs.rmSync(outdir, { recursive: true, force: true });
});
