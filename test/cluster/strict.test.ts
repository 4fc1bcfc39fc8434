import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AuditLogShipping, AuditObjectLockMode, GuardDutyDetector, GuardDutyEksProtection, HardenedEksCluster } from '../../lib';
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
    context: {
      ...PINNED_FEATURE_FLAGS,
      'aws:cdk:disable-asset-staging': true,
      'aws:cdk:disable-stack-trace': true,
      'aws:cdk:disable-creation-stack-traces': true,
      '@aws-cdk/core:validateAgainstDefaultRules': true,
    },
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

test('the audit evidence options pass the CloudFormation validator too', () => {
  const { app, outdir } = strictApp();
  const stack = new Stack(app, 'Strict');
  const breakGlassAdminRole = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
  new HardenedEksCluster(stack, 'Cluster', {
    clusterName: 'strict',
    breakGlassAdminRole,
    auditLog: { objectLock: AuditObjectLockMode.COMPLIANCE, retention: Duration.days(3653) },
    guardDuty: GuardDutyDetector.create(),
  });
  const other = new Stack(app, 'StrictArchive');
  const logGroup = new logs.LogGroup(other, 'Lg', { logGroupName: '/aws/eks/other/cluster' });
  new AuditLogShipping(other, 'ToArchive', {
    logGroup, clusterName: 'other',
    bucket: s3.Bucket.fromBucketName(other, 'Archive', 'org-log-archive'),
    bucketKey: kms.Key.fromKeyArn(other, 'ArchiveKey', 'arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
  });
  new AuditLogShipping(other, 'ToDestination', {
    logGroup, clusterName: 'other', logsDestinationArn: 'arn:aws:logs:eu-west-1:999988887777:destination:audit',
  });
  new GuardDutyEksProtection(other, 'GuardDuty', { detector: GuardDutyDetector.existing('12abc34d567e8fa901bc2d34e56789f0') });
  expect(() => app.synth()).not.toThrow();
  expect(validatorFindings(outdir)).toEqual([]);
  fs.rmSync(outdir, { recursive: true, force: true });
});
