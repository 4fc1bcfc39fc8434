/**
 * AWS Control Tower's proactive controls (the cfn-guard rules shipped in
 * @cdklabs/cdk-validator-cfnguard) over the examples' templates. cfn-guard runs directly on each
 * synthesized template with the rule files that can apply to its resource types: the same rules
 * and flags the validator plugin uses, in a couple of seconds instead of half a minute. (The
 * plugin also turns a whole report green once any one of its findings is acknowledged, so the
 * gate does not go through acknowledgements.)
 *
 * Exceptions are resource-scoped decisions, each written down here and in the README.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { defineAutoscalingExample } from '../../examples/autoscaling';
import { defineBasicExample } from '../../examples/basic';
import { defineIdentityExample } from '../../examples/identity';
import { defineIsolatedExample } from '../../examples/isolated';
import { defineMultiTenantExample } from '../../examples/multi-tenant';
import { fastApp } from '../fixtures';

const PACKAGE = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const RULES = path.join(PACKAGE, 'rules', 'control-tower', 'cfn-guard');
const GUARD = path.join(PACKAGE, 'bin', os.platform() === 'darwin' ? 'macos' : 'ubuntu', os.arch() === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');

/** Failing rules the library accepts on purpose, on exactly these resources. */
export const CONTROL_TOWER_EXCEPTIONS: ReadonlyArray<{ rule: string; logicalId: RegExp; reason: string }> = [
  {
    rule: 's3_bucket_object_lock_enabled_check',
    logicalId: /^ClusterAuditLogAccessLogsBucket[0-9A-F]{8}$/,
    reason: 'S3 does not deliver server access logs into a bucket with Object Lock enabled.',
  },
  {
    rule: 'lambda_inside_vpc_check',
    logicalId: /^AWSCDKCfnUtilsProviderCustomResourceProviderHandler[0-9A-F]{8}$/,
    reason: 'aws-cdk-lib\'s stack-wide provider that renders JSON with deploy-time keys (the IRSA trust conditions): pure computation, ' +
      'no AWS permissions beyond its own logs.',
  },
  {
    rule: 's3_bucket_logging_enabled_check',
    logicalId: /^ClusterAuditLogAccessLogsBucket[0-9A-F]{8}$/,
    reason: 'The server access log bucket is the end of the chain: logging it into itself loops, logging it elsewhere needs another bucket with the same question.',
  },
];

/** Rule files whose `Reports on:` header names a resource type of the template (files without the header always run). */
function rulesFor(types: Set<string>): string[] {
  const files: string[] = [];
  for (const dir of fs.readdirSync(RULES)) {
    for (const name of fs.readdirSync(path.join(RULES, dir))) {
      const file = path.join(RULES, dir, name);
      const header = /# Reports on:\s*\n((?:#\s+AWS::\S+.*\n)+)/.exec(fs.readFileSync(file, 'utf8'));
      if (!header || (header[1].match(/AWS::\w+::\w+/g) ?? []).some((t) => types.has(t))) { files.push(file); }
    }
  }
  return files;
}

interface Failure { readonly rule: string; readonly logicalId: string }

/**
 * The Control Tower findings of each stack's template, from one cfn-guard run over all of them
 * (the binary's start-up dominates a run), keyed by stack name.
 */
function controlTowerFailures(stacks: Stack[]): Map<string, Failure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-'));
  const types = new Set<string>();
  const files = stacks.map((stack) => {
    const template = Stage.of(stack)!.synth().getStackArtifact(stack.artifactId).template;
    Object.values<any>(template.Resources).forEach((r) => types.add(r.Type));
    const file = path.join(dir, `${stack.stackName}.json`);
    fs.writeFileSync(file, JSON.stringify(template));
    return file;
  });
  const run = spawnSync(GUARD, ['validate', ...rulesFor(types).flatMap((r) => ['--rules', r]), ...files.flatMap((f) => ['--data', f]),
    '--output-format', 'json', '--show-summary', 'none', '--structured'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  fs.rmSync(dir, { recursive: true, force: true });
  // 0: all compliant; 19: some rule failed. Anything else is cfn-guard itself failing.
  if (run.status !== 0 && run.status !== 19) { throw new Error(`cfn-guard exited with ${run.status}: ${run.stderr}`); }
  const byStack = new Map<string, Failure[]>(stacks.map((stack) => [stack.stackName, []]));
  for (const result of JSON.parse(run.stdout)) {
    const failures = byStack.get(path.basename(result.name, '.json'));
    if (!failures) { throw new Error(`cfn-guard reported on an unknown file ${result.name}`); }
    for (const finding of result.not_compliant ?? []) {
      const ids = new Set<string>();
      JSON.stringify(finding, (k, v) => {
        if (k === 'path' && typeof v === 'string' && v.startsWith('/Resources/')) { ids.add(v.split('/')[2]); }
        return v;
      });
      // A finding that names no resource is still a failure.
      for (const logicalId of ids.size > 0 ? ids : new Set([''])) { failures.push({ rule: finding.Rule.name, logicalId }); }
    }
  }
  return byStack;
}

const excepted = (f: Failure) => CONTROL_TOWER_EXCEPTIONS.some((e) => e.rule === f.rule && e.logicalId.test(f.logicalId));
const label = (f: Failure) => `${f.rule} on ${f.logicalId || '(no resource)'}`;

const EXAMPLES: Array<[string, (app: App) => Stack]> = [
  ['basic', defineBasicExample],
  ['multi-tenant', defineMultiTenantExample],
  ['identity', defineIdentityExample],
  ['isolated', defineIsolatedExample],
  ['autoscaling', defineAutoscalingExample],
];
let all: Map<string, Failure[]> | undefined;
const failures = (name: string): Failure[] => {
  if (!all) {
    const stacks = EXAMPLES.map(([, define]) => define(fastApp()));
    const byStack = controlTowerFailures(stacks);
    all = new Map(EXAMPLES.map(([n], i) => [n, byStack.get(stacks[i].stackName)!]));
  }
  return all.get(name)!;
};

describe.each(EXAMPLES.map(([name]) => [name]))('examples/%s', (name) => {
  test('passes every Control Tower proactive control, but for the written exceptions', () => {
    expect(failures(name).filter((f) => !excepted(f)).map(label).sort()).toEqual([]);
  });

  test('each exception covers at most one resource of the example', () => {
    for (const e of CONTROL_TOWER_EXCEPTIONS) {
      expect(failures(name).filter((f) => f.rule === e.rule && e.logicalId.test(f.logicalId)).length).toBeLessThanOrEqual(1);
    }
  });
});

test('every exception is still needed somewhere (a fixed one is removed from the list)', () => {
  const all = EXAMPLES.flatMap(([name]) => failures(name));
  for (const e of CONTROL_TOWER_EXCEPTIONS) {
    expect({ rule: e.rule, logicalId: e.logicalId.source, used: all.some((f) => f.rule === e.rule && e.logicalId.test(f.logicalId)) })
      .toEqual({ rule: e.rule, logicalId: e.logicalId.source, used: true });
  }
});

test('the gate can fail: a template with a plain key and an unencrypted bucket does not pass', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Plain');
  new (require('aws-cdk-lib/aws-kms').Key)(stack, 'Key');
  new (require('aws-cdk-lib/aws-s3').Bucket)(stack, 'Bucket');
  const rules = controlTowerFailures([stack]).get('Plain')!.map((f) => f.rule);
  expect(rules).toEqual(expect.arrayContaining(['kms_create_grant_aws_service_check', 's3_bucket_object_lock_enabled_check']));
});
