import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defineBasicExample, nagPacks } from '../../examples/basic';
import { ClusterEndpointAccess, GuardDutyDetector, HardenedEksChecks, HardenedEksCluster, HardenedEksTesting } from '../../lib';
import {
  auditArchiveAcknowledgements, awsCustomResourceAcknowledgements, cloudFormationValidatorAcknowledgements, clusterPlumbingAcknowledgements, cniRoleAcknowledgements, LibraryAcknowledgement,
  ebsCsiRoleAcknowledgements, natRouteAcknowledgements, nodeRoleAcknowledgements, qualifiedRuleId,
} from '../../lib/nag/acknowledgements';
import { fastApp } from '../fixtures';

function auditAcknowledgements(cluster: HardenedEksCluster): LibraryAcknowledgement[] {
  const bucket = cluster.auditLog!.bucket!;
  return auditArchiveAcknowledgements({
    deliveryPolicy: cluster.auditLog!.node.findChild('DeliveryPolicy'),
    objectArns: [bucket.arnForObjects(`eks-audit/${cluster.clusterName}/*`), bucket.arnForObjects(`eks-audit-errors/${cluster.clusterName}/*`)],
    bucket: cluster.auditLog!.bucket,
    accessLogsBucket: cluster.auditLog!.accessLogsBucket,
  });
}

/** The kubectl provider's functions and the library's policies for them. */
function kubectlParts(cluster: HardenedEksCluster) {
  const provider = cluster.cluster.node.findChild('KubectlProvider');
  return {
    handler: provider.node.findChild('Handler'),
    onEvent: provider.node.findChild('Provider').node.findChild('framework-onEvent'),
    executionPolicy: cluster.node.findChild('KubectlExecutionPolicy'),
    handlerPolicy: cluster.node.findChild('KubectlHandlerPolicy'),
    chartRepositoriesArn: Stack.of(cluster).formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' }),
  };
}

function libraryAcknowledgements(cluster: HardenedEksCluster): LibraryAcknowledgement[] {
  return [
    ...clusterPlumbingAcknowledgements(cluster.cluster, kubectlParts(cluster)),
    ...natRouteAcknowledgements(cluster.node.findChild('Vpc') as any),
    ...cniRoleAcknowledgements(cluster.vpcCniRole),
    ...ebsCsiRoleAcknowledgements(cluster.storage!.driverRole),
    ...nodeRoleAcknowledgements(cluster.defaultNodeGroup!.role, false),
    ...auditAcknowledgements(cluster),
  ];
}

/** Every finding of the five packs, acknowledged or not, as `<rule id> @ <construct path>`. */
function allFindingsIgnoringAcknowledgements(scope: Stack): string[] {
  const found: string[] = [];
  for (const pack of nagPacks()) {
    (pack as any).isAcknowledged = () => false;
    for (const v of pack.validateScope(scope).violations) {
      for (const r of v.violatingResources) { found.push(`${v.ruleName} @ ${r.constructPath}`); }
    }
  }
  return found.sort();
}

describe('library acknowledgements', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster');
  const acks = libraryAcknowledgements(cluster);

  test('each acknowledges exactly one real finding on exactly one resource, and every finding is fixed or acknowledged', () => {
    const acknowledged = acks.map((a) => `${a.ruleId} @ ${a.resource.node.path}`).sort();
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    expect(allFindingsIgnoringAcknowledgements(stack)).toEqual(acknowledged);
  });

  test('each sits on a CloudFormation resource (a leaf), not on a scope above it', () => {
    for (const ack of acks) {
      expect(CfnResource.isCfnResource(ack.resource)).toBe(true);
      expect(ack.resource.node.children).toHaveLength(0);
    }
  });

  test('each carries a written reason', () => {
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  });

  test('each is recorded where cdk-nag reads it, on that resource only', () => {
    for (const ack of acks) {
      const recorded = ack.resource.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data as object));
      expect(recorded).toContain(qualifiedRuleId(ack.ruleId));
    }
    // aws-cdk-lib acknowledges some of its own CloudFormation validator findings on scopes; ours are cdk-nag ids.
    const isNagAck = (m: { type: string; data: any }) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY &&
      Object.keys(m.data).some((id) => !id.startsWith('CloudFormation-Validate::'));
    const scopesWithAcks = stack.node.findAll()
      .filter((c) => c.node.metadata.some(isNagAck))
      .filter((c) => !CfnResource.isCfnResource(c));
    expect(scopesWithAcks.map((c) => c.node.path)).toEqual([]);
  });

  test('the granular ids carry the finding detail, never the bare rule id', () => {
    for (const ack of acks.filter((a) => /IAM[45]/.test(a.ruleId))) {
      expect(ack.ruleId).toMatch(/^AwsSolutions-IAM[45]\[.+\]$/);
    }
  });

  test('the README counts them right', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const plumbing = clusterPlumbingAcknowledgements(cluster.cluster, kubectlParts(cluster)).length;
    const nat = natRouteAcknowledgements(cluster.node.findChild('Vpc') as any).length;
    expect(readme).toContain(`${acks.length} acknowledged cdk-nag findings`);
    expect(readme).toContain(`${plumbing} on aws-cdk-lib's own plumbing`);
    expect(readme).toContain(`${nat} on the NAT gateways' default routes`);
    const audit = auditAcknowledgements(cluster).length;
    expect(readme).toContain(`${audit} on the audit archive`);
    expect(readme).toContain(`${acks.length - plumbing - nat - audit} AWS managed policies EKS requires`);
  });

  test('the CloudFormation validator acknowledgement is on the cluster resource only', () => {
    const [ack] = cloudFormationValidatorAcknowledgements(cluster.cluster);
    expect(ack.ruleId).toBe('CloudFormation-Validate::W9009');
    expect(ack.resource).toBe(cluster.cluster.node.defaultChild);
  });
});

test('SSM access adds exactly the SSM policy acknowledgement to that node group', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroupOptions: { enableSsmAccess: true } });
  const acks = nodeRoleAcknowledgements(cluster.defaultNodeGroup!.role, true).map((a) => `${a.ruleId} @ ${a.resource.node.path}`);
  const found = allFindingsIgnoringAcknowledgements(stack).filter((f) => f.includes('DefaultNodeGroup'));
  expect(found).toEqual(acks.sort());
  expect(found.some((f) => f.includes('AmazonSSMManagedInstanceCore'))).toBe(true);
});

test('without the library VPC there are no NAT route acknowledgements', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const vpc = new (require('aws-cdk-lib/aws-ec2').Vpc)(stack, 'Vpc', { restrictDefaultSecurityGroup: false });
  new HardenedEksCluster(stack, 'Cluster', { vpc });
  const acknowledgedOnRoutes = stack.node.findAll()
    .filter((c) => c.node.path.endsWith('DefaultRoute'))
    .filter((c) => c.node.metadata.some((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
  expect(acknowledgedOnRoutes).toEqual([]);
});

test('GuardDuty on an existing detector adds exactly the AwsCustomResource acknowledgements', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { guardDuty: GuardDutyDetector.existing('12abc34d567e8fa901bc2d34e56789f0') });
  const acks = awsCustomResourceAcknowledgements(cluster.guardDuty!.node.findChild('EnableEksFeatures'))
    .map((a) => `${a.ruleId} @ ${a.resource.node.path}`);
  const found = allFindingsIgnoringAcknowledgements(stack).filter((f) => f.includes('GuardDuty') || f.includes('AWS679f53fac002430cb0da5b7982bd2287'));
  expect(found).toEqual(acks.sort());
  expect(acks).toHaveLength(11);
});

describe('the validation report of a synth lists every acknowledgement, with its reason', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ack-report-'));
  const app = fastApp({}, { outdir });
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', {
    endpointAccess: ClusterEndpointAccess.publicAndPrivate(['203.0.113.0/24']),
  });
  // The form the README documents for an app's own acknowledgements.
  Validations.of(cluster.cluster).acknowledge({ id: 'HardenedEks::HardenedEks-EndpointPublicAccess', reason: 'VPN users, see ADR-12' });
  Validations.of(app).addPlugins(...nagPacks());
  app.synth();
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  fs.rmSync(outdir, { recursive: true, force: true });
  const suppressed: string[] = report.pluginReports.flatMap((p: any) => (p.suppressedViolations ?? [])
    .flatMap((v: any) => v.violatingConstructs.map((c: any) => `${v.acknowledgedId} @ ${c.constructPath}: ${v.reason}`)));

  test('no finding is left open', () => {
    expect(report.pluginReports.flatMap((p: any) => p.violations)).toEqual([]);
  });

  test("each of the library's acknowledgements, under its plugin's name", () => {
    for (const ack of libraryAcknowledgements(cluster)) {
      expect(suppressed).toContain(`${qualifiedRuleId(ack.ruleId)} @ ${ack.resource.node.path}: ${ack.reason}`);
    }
  });

  test("the app's own acknowledgement in the documented form", () => {
    expect(suppressed).toContain('HardenedEks::HardenedEks-EndpointPublicAccess @ Test/Cluster/Cluster/Resource: VPN users, see ADR-12');
  });
});

describe('HardenedEksTesting.nagViolations', () => {
  function publicCluster(ackId?: string): { app: App; pack: HardenedEksChecks } {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { endpointAccess: ClusterEndpointAccess.publicAndPrivate(['203.0.113.0/24']) });
    if (ackId) { Validations.of(cluster.cluster).acknowledge({ id: ackId, reason: 'VPN users' }); }
    return { app, pack: new HardenedEksChecks() };
  }

  test('reports an open finding', () => {
    const { app, pack } = publicCluster();
    expect(HardenedEksTesting.nagViolations(pack, app).map((v) => v.ruleName)).toEqual(['HardenedEks-EndpointPublicAccess']);
  });

  test.each(['HardenedEks::HardenedEks-EndpointPublicAccess', 'HardenedEks-EndpointPublicAccess'])('honors the acknowledgement %s', (id) => {
    const { app, pack } = publicCluster(id);
    expect(HardenedEksTesting.nagViolations(pack, app)).toEqual([]);
  });

  test("honors the library's own acknowledgements, which plain validateScope does not", () => {
    const app = fastApp();
    defineBasicExample(app);
    const pack = new AwsSolutionsChecks();
    expect(pack.validateScope(app).violations.length).toBeGreaterThan(0);
    expect(HardenedEksTesting.nagViolations(pack, app)).toEqual([]);
  });
});
