/**
 * `npm run bench`: what the hardening costs at synth time.
 *
 * Synthesizes examples/basic (HardenedEksCluster with all five nag packs as validation plugins),
 * examples/autoscaling (the same with Karpenter and two node pools) and a bare aws-eks-v2 cluster of the same version with a kubectl provider (aws-cdk-lib
 * defaults, no hardening, no nag) in the same run, alternating, each synth in a fresh Node
 * process so memory is measured per synth. Both use what `cdk synth` uses: the built-in
 * CloudFormation validator and asset staging on. Prints medians and the ratio.
 *
 *   npm run bench              5 synths of each
 *   npm run bench -- --runs 9  more
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MANY_NAMESPACES } from '../lib/private/defaults';

type Kind = 'hardened' | 'bare' | string;

interface Sample {
  readonly kind: Kind;
  readonly wallMs: number;
  readonly nagMs: number;
  readonly peakRssMiB: number;
  readonly resources: number;
  readonly lambdas: number;
  readonly templateBytes: number;
}

function child(kind: Kind): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-`));
  const started = process.hrtime.bigint();
  // Loaded inside the timed section: module loading is part of what a synth costs.
  const { App, Stack, Validations } = require('aws-cdk-lib');
  const app = new App({ outdir });
  let nagMs = 0;
  let stack: any;
  /** Registers the five packs as plugins, timing each plugin run on its own as well. */
  const addTimedPacks = () => {
    const { nagPacks } = require('../examples/basic');
    const packs = nagPacks();
    for (const pack of packs) {
      const validate = pack.validate.bind(pack);
      pack.validate = (context: unknown) => {
        const t0 = process.hrtime.bigint();
        try { return validate(context); } finally { nagMs += Number(process.hrtime.bigint() - t0) / 1e6; }
      };
    }
    Validations.of(app).addPlugins(...packs);
  };
  if (kind === 'hardened') {
    const { defineBasicExample } = require('../examples/basic');
    stack = defineBasicExample(app);
    addTimedPacks();
  } else if (kind === 'karpenter') {
    const { defineAutoscalingExample } = require('../examples/autoscaling');
    stack = defineAutoscalingExample(app);
    addTimedPacks();
  } else if (kind.startsWith('namespaces-')) {
    const { HardenedEksCluster } = require('../lib');
    stack = new Stack(app, 'Tenants');
    const cluster = new HardenedEksCluster(stack, 'Cluster');
    for (let i = 0; i < Number(kind.split('-')[1]); i++) { cluster.addNamespace(`tenant-${i}`); }
    addTimedPacks();
  } else {
    const eks = require('aws-cdk-lib/aws-eks-v2');
    const { KubectlV36Layer } = require('@aws-cdk/lambda-layer-kubectl-v36');
    stack = new Stack(app, 'BareEks');
    new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_36,
      kubectlProviderOptions: { kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') },
    });
  }
  const assembly = app.synth();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const templateFile = path.join(outdir, assembly.getStackByName(stack.stackName).templateFile);
  const templateText = fs.readFileSync(templateFile, 'utf8');
  const resources = Object.values(JSON.parse(templateText).Resources) as any[];
  const sample: Sample = {
    kind,
    wallMs,
    nagMs,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    resources: resources.length,
    lambdas: resources.filter((r) => r.Type === 'AWS::Lambda::Function').length,
    templateBytes: Buffer.byteLength(templateText),
  };
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(sample));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  const register = path.join(__dirname, '..', 'scripts', 'register.js');
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    for (const kind of ['bare', 'hardened', 'karpenter'] as Kind[]) {
      const out = execFileSync(process.execPath, ['-r', register, __filename, '--child', kind], {
        encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      });
      samples.push(JSON.parse(out));
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  const summary = (kind: Kind) => {
    const of = samples.filter((s) => s.kind === kind);
    return {
      wallMinMs: Math.min(...of.map((s) => s.wallMs)),
      wallMaxMs: Math.max(...of.map((s) => s.wallMs)),
      wallMs: median(of.map((s) => s.wallMs)),
      nagMs: median(of.map((s) => s.nagMs)),
      peakRssMiB: median(of.map((s) => s.peakRssMiB)),
      resources: of[0].resources,
      lambdas: of[0].lambdas,
      templateBytes: of[0].templateBytes,
    };
  };
  const bare = summary('bare');
  const hardened = summary('hardened');
  const karpenter = summary('karpenter');
  const row = (name: string, b: number | string, h: number | string, ratio?: number, k?: number | string, kRatio?: number) =>
    `| ${name} | ${b} | ${h} | ${ratio === undefined ? '' : `${ratio.toFixed(2)}x`} | ${k ?? ''} | ${kRatio === undefined ? '' : `${kRatio.toFixed(2)}x`} |`;
  const lines = [
    `synth benchmark: ${runs} synths each, medians; node ${process.version}, ${os.cpus().length} cores`,
    '',
    '| measure | bare aws-eks-v2 | examples/basic (5 nag packs) | ratio | examples/autoscaling (Karpenter, 5 packs) | ratio |',
    '|---|---|---|---|---|---|',
    row('wall time, median (ms)', bare.wallMs.toFixed(0), hardened.wallMs.toFixed(0), hardened.wallMs / bare.wallMs,
      karpenter.wallMs.toFixed(0), karpenter.wallMs / bare.wallMs),
    row('wall time, min-max (ms)', `${bare.wallMinMs.toFixed(0)}-${bare.wallMaxMs.toFixed(0)}`,
      `${hardened.wallMinMs.toFixed(0)}-${hardened.wallMaxMs.toFixed(0)}`, hardened.wallMinMs / bare.wallMinMs,
      `${karpenter.wallMinMs.toFixed(0)}-${karpenter.wallMaxMs.toFixed(0)}`, karpenter.wallMinMs / bare.wallMinMs),
    row('  of which nag packs (ms)', '-', hardened.nagMs.toFixed(0), undefined, karpenter.nagMs.toFixed(0)),
    row('peak memory (MiB)', bare.peakRssMiB.toFixed(0), hardened.peakRssMiB.toFixed(0), hardened.peakRssMiB / bare.peakRssMiB,
      karpenter.peakRssMiB.toFixed(0), karpenter.peakRssMiB / bare.peakRssMiB),
    row('resources', bare.resources, hardened.resources, hardened.resources / bare.resources, karpenter.resources, karpenter.resources / bare.resources),
    row('Lambda functions', bare.lambdas, hardened.lambdas, undefined, karpenter.lambdas),
    row('template bytes', bare.templateBytes, hardened.templateBytes, hardened.templateBytes / bare.templateBytes,
      karpenter.templateBytes, karpenter.templateBytes / bare.templateBytes),
    '',
    `wall-time ratio ${(hardened.wallMs / bare.wallMs).toFixed(2)}x of medians, ${(hardened.wallMinMs / bare.wallMinMs).toFixed(2)}x of minimums ` +
      `(with Karpenter ${(karpenter.wallMs / bare.wallMs).toFixed(2)}x, ${(karpenter.wallMinMs / bare.wallMinMs).toFixed(2)}x) ` +
      '(goal: at most 1.50x). Other load on the machine widens the spread: compare runs made on an idle machine.',
  ];
  console.log(lines.join('\n'));

  // Scale: namespaces per cluster, one synth each (after the alternating runs above).
  const zero = samples.filter((x) => x.kind === 'hardened');
  const baseline = { resources: zero[0].resources, templateBytes: zero[0].templateBytes, wallMs: median(zero.map((x) => x.wallMs)) };
  const scale = ['Namespaces per cluster (one synth each, all five nag packs):', '',
    '| namespaces | resources | template bytes | synth (ms) | nag (ms) | per namespace: resources / bytes / ms |', '|---|---|---|---|---|---|'];
  // Up to the count above which the library warns that the template nears 1 MB.
  for (const n of [10, 50, MANY_NAMESPACES]) {
    const out = execFileSync(process.execPath, ['-r', register, __filename, '--child', `namespaces-${n}`], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    });
    const x: Sample = JSON.parse(out);
    scale.push(`| ${n} | ${x.resources} | ${x.templateBytes} | ${x.wallMs.toFixed(0)} | ${x.nagMs.toFixed(0)} | ` +
      `${((x.resources - baseline.resources) / n).toFixed(2)} / ${((x.templateBytes - baseline.templateBytes) / n).toFixed(0)} / ` +
      `${((x.wallMs - baseline.wallMs) / n).toFixed(1)} |`);
    if (x.resources > 500 || x.templateBytes > 1024 * 1024) {
      scale.push(`  ${n} namespaces exceed a CloudFormation limit (500 resources, 1 MB template): split them across stacks.`);
    }
  }
  console.log(['', ...scale].join('\n'));
}

if (process.argv[2] === '--child') {
  child(process.argv[3] as Kind);
} else {
  main();
}
