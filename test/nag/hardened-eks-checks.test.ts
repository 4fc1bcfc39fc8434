import { App, CfnParameter, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as eksv1 from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HardenedEksChecks, HardenedEksCluster } from '../../lib';
import { HARDENED_EKS_RULES } from '../../lib/nag/hardened-eks-checks';
import { fastApp } from '../fixtures';

const COMPLIANT_CLUSTER: eks.CfnClusterProps = {
  name: 'prod',
  roleArn: 'arn:aws:iam::111122223333:role/eks-cluster',
  resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'], endpointPrivateAccess: true, endpointPublicAccess: false },
  logging: {
    clusterLogging: {
      enabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({ type })),
    },
  },
  encryptionConfig: [{ provider: { keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/abc' }, resources: ['secrets'] }],
  accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
  deletionProtection: true,
};

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly cluster: eks.CfnCluster;
  readonly logGroup: logs.CfnLogGroup;
  readonly subscription: logs.CfnSubscriptionFilter;
  readonly metricFilter: logs.CfnMetricFilter;
}

/** A compliant L1 cluster and its log group; `change` breaks one thing at a time. */
function fixture(change: (f: Fixture) => void = () => undefined, clusterProps: Partial<eks.CfnClusterProps> = {}): Fixture {
  const app = fastApp();
  const stack = new Stack(app, 'Rules');
  const cluster = new eks.CfnCluster(stack, 'Cluster', { ...COMPLIANT_CLUSTER, ...clusterProps });
  const logGroup = new logs.CfnLogGroup(stack, 'ClusterLogs', {
    logGroupName: '/aws/eks/prod/cluster',
    kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/logs',
    retentionInDays: 365,
  });
  logGroup.applyRemovalPolicy(RemovalPolicy.RETAIN);
  cluster.addResourceDependency(logGroup);
  const subscription = new logs.CfnSubscriptionFilter(stack, 'Shipping', {
    logGroupName: logGroup.ref, filterPattern: '{ $.kind = "Event" }', destinationArn: 'arn:aws:logs:eu-west-1:999988887777:destination:audit',
  });
  const metricFilter = new logs.CfnMetricFilter(stack, 'Alarms', {
    logGroupName: logGroup.ref, filterPattern: '{ $.objectRef.subresource = "exec" }',
    metricTransformations: [{ metricNamespace: 'Audit', metricName: 'Exec', metricValue: '1' }],
  });
  const f = { app, stack, cluster, logGroup, subscription, metricFilter };
  change(f);
  return f;
}

/** The HardenedEks findings of an app, as `<rule id> @ <construct path>`. */
function findings(app: App): string[] {
  return new HardenedEksChecks().validateScope(app).violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
}

test('a compliant cluster has no finding', () => {
  expect(findings(fixture().app)).toEqual([]);
});

test('every rule is in the pack once, with a CIS or EKS Best Practices reference', () => {
  const ids = HARDENED_EKS_RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const rule of HARDENED_EKS_RULES) {
    expect(rule.explanation).toMatch(/CIS Amazon EKS Benchmark \d|CIS Bottlerocket Benchmark \d|EKS Best Practices|Availability|No CIS item: this finding says a check could not run/);
  }
});

describe('EndpointPublicAccess', () => {
  test('non-compliant when public access is on, even with CIDRs', () => {
    const f = fixture(undefined, {
      resourcesVpcConfig: { subnetIds: ['s'], endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
    });
    expect(findings(f.app)).toEqual(['HardenedEks-EndpointPublicAccess @ Rules/Cluster']);
  });

  test('non-compliant when EndpointPublicAccess is absent (CloudFormation defaults it to true)', () => {
    const f = fixture(undefined, { resourcesVpcConfig: { subnetIds: ['s'] } });
    expect(findings(f.app)).toEqual([
      'HardenedEks-EndpointPublicAccess @ Rules/Cluster',
      'HardenedEks-EndpointPublicUnrestricted @ Rules/Cluster',
    ]);
  });

  test('catches a weakening made through an escape-hatch override', () => {
    const f = fixture(({ cluster }) => cluster.addPropertyOverride('ResourcesVpcConfig.EndpointPublicAccess', true));
    expect(findings(f.app)).toContain('HardenedEks-EndpointPublicAccess @ Rules/Cluster');
  });
});

describe('EndpointPublicUnrestricted', () => {
  test.each([[['0.0.0.0/0']], [['203.0.113.0/24', '::/0']], [['0.0.0.0/1', '128.0.0.0/1']]])('non-compliant with %s', (cidrs) => {
    const f = fixture(undefined, { resourcesVpcConfig: { subnetIds: ['s'], endpointPublicAccess: true, publicAccessCidrs: cidrs } });
    expect(findings(f.app)).toContain('HardenedEks-EndpointPublicUnrestricted @ Rules/Cluster');
  });

  test('compliant with named CIDRs', () => {
    const f = fixture(undefined, { resourcesVpcConfig: { subnetIds: ['s'], endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] } });
    expect(findings(f.app)).not.toContain('HardenedEks-EndpointPublicUnrestricted @ Rules/Cluster');
  });
});

describe('ControlPlaneLogTypes', () => {
  test('one granular finding per missing type', () => {
    const f = fixture(undefined, { logging: { clusterLogging: { enabledTypes: [{ type: 'api' }, { type: 'authenticator' }] } } });
    expect(findings(f.app)).toEqual([
      'HardenedEks-ControlPlaneLogTypes[LogType::audit] @ Rules/Cluster',
      'HardenedEks-ControlPlaneLogTypes[LogType::controllerManager] @ Rules/Cluster',
      'HardenedEks-ControlPlaneLogTypes[LogType::scheduler] @ Rules/Cluster',
    ]);
  });

  test('every type missing when logging is absent', () => {
    const f = fixture(undefined, { logging: undefined });
    expect(findings(f.app)).toHaveLength(5);
  });
});

describe('AuditLogShipped', () => {
  test('NotShipped without a subscription filter on the log group, NoAlarms without a metric filter', () => {
    const f = fixture(({ stack, subscription, metricFilter }) => { stack.node.tryRemoveChild(subscription.node.id); stack.node.tryRemoveChild(metricFilter.node.id); });
    expect(findings(f.app)).toEqual([
      'HardenedEks-AuditLogShipped[AuditLog::NotShipped] @ Rules/Cluster',
      'HardenedEks-AuditLogShipped[AuditLog::NoAlarms] @ Rules/Cluster',
    ]);
  });

  test('filters on another log group do not count; the log group\'s literal name does', () => {
    const other = fixture(({ subscription }) => { subscription.logGroupName = '/aws/eks/other/cluster'; });
    expect(findings(other.app)).toEqual(['HardenedEks-AuditLogShipped[AuditLog::NotShipped] @ Rules/Cluster']);
    const literal = fixture(({ subscription }) => { subscription.logGroupName = '/aws/eks/prod/cluster'; });
    expect(findings(literal.app)).toEqual([]);
  });

  test('not applicable when the app does not create the log group (ControlPlaneLogGroup reports that)', () => {
    const f = fixture(({ logGroup }) => { logGroup.logGroupName = '/aws/eks/other/cluster'; });
    expect(findings(f.app).filter((x) => x.includes('AuditLogShipped'))).toEqual([]);
  });

  test('HardenedEksCluster with shipping turned off is reported', () => {
    const app = fastApp();
    new HardenedEksCluster(new Stack(app, 'Off'), 'Cluster', { auditLogShipping: false });
    expect(findings(app)).toEqual(['HardenedEks-AuditLogShipped[AuditLog::NotShipped] @ Off/Cluster/Cluster/Resource']);
  });
});

describe('ControlPlaneLogGroup', () => {
  test('Missing when no log group has the cluster\'s log group name', () => {
    const f = fixture(({ logGroup }) => { logGroup.logGroupName = '/aws/eks/other/cluster'; });
    expect(findings(f.app)).toEqual(['HardenedEks-ControlPlaneLogGroup[LogGroup::Missing] @ Rules/Cluster']);
  });

  test('Missing when the cluster has no name (EKS would name it, and create the log group itself)', () => {
    const f = fixture(undefined, { name: undefined });
    expect(findings(f.app)).toEqual(['HardenedEks-ControlPlaneLogGroup[LogGroup::Missing] @ Rules/Cluster']);
  });

  test('NotEncrypted, NoRetention and NotRetained, each on its own', () => {
    const f = fixture(({ logGroup }) => {
      logGroup.kmsKeyId = undefined;
      logGroup.retentionInDays = undefined;
      logGroup.applyRemovalPolicy(RemovalPolicy.DESTROY);
    });
    expect(findings(f.app)).toEqual([
      'HardenedEks-ControlPlaneLogGroup[LogGroup::NotEncrypted] @ Rules/Cluster',
      'HardenedEks-ControlPlaneLogGroup[LogGroup::NoRetention] @ Rules/Cluster',
      'HardenedEks-ControlPlaneLogGroup[LogGroup::NotRetained] @ Rules/Cluster',
    ]);
  });

  test('NotCreatedFirst when the cluster does not depend on the log group', () => {
    const f = fixture(({ cluster, logGroup }) => cluster.removeResourceDependency(logGroup));
    expect(findings(f.app)).toEqual(['HardenedEks-ControlPlaneLogGroup[LogGroup::NotCreatedFirst] @ Rules/Cluster']);
  });

  test('a construct-level dependency counts as created first', () => {
    const f = fixture(({ cluster, logGroup }) => {
      cluster.removeResourceDependency(logGroup);
      cluster.node.addDependency(logGroup);
    });
    expect(findings(f.app)).toEqual([]);
  });

  test('matches a log group named after a cluster name known only at deploy time', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    const name = new CfnParameter(stack, 'ClusterName').valueAsString;
    const cluster = new eks.CfnCluster(stack, 'Cluster', { ...COMPLIANT_CLUSTER, name });
    const group = new logs.LogGroup(stack, 'Logs', {
      logGroupName: `/aws/eks/${name}/cluster`,
      encryptionKey: undefined,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    cluster.node.addDependency(group);
    expect(findings(app).filter((x) => x.includes('ControlPlaneLogGroup'))).toEqual(['HardenedEks-ControlPlaneLogGroup[LogGroup::NotEncrypted] @ Rules/Cluster']);
  });

  test('a log group in another stack counts as created first only if the cluster stack depends on it', () => {
    const app = fastApp();
    const logStack = new Stack(app, 'Logs');
    const group = new logs.CfnLogGroup(logStack, 'Group', { logGroupName: '/aws/eks/prod/cluster', kmsKeyId: 'k', retentionInDays: 365 });
    group.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const clusterStack = new Stack(app, 'Rules');
    new eks.CfnCluster(clusterStack, 'Cluster', COMPLIANT_CLUSTER);
    expect(findings(app).filter((x) => x.includes('ControlPlaneLogGroup'))).toEqual(['HardenedEks-ControlPlaneLogGroup[LogGroup::NotCreatedFirst] @ Rules/Cluster']);
    clusterStack.addStackDependency(logStack);
    expect(findings(app).filter((x) => x.includes('ControlPlaneLogGroup'))).toEqual([]);
  });
});

describe('SecretsEncryption', () => {
  test('non-compliant without an encryption config', () => {
    expect(findings(fixture(undefined, { encryptionConfig: undefined }).app)).toEqual(['HardenedEks-SecretsEncryption @ Rules/Cluster']);
  });

  test('non-compliant when the config does not cover secrets or names no key', () => {
    expect(findings(fixture(undefined, { encryptionConfig: [{ provider: { keyArn: 'k' }, resources: [] }] }).app))
      .toEqual(['HardenedEks-SecretsEncryption @ Rules/Cluster']);
    expect(findings(fixture(undefined, { encryptionConfig: [{ resources: ['secrets'] }] }).app))
      .toEqual(['HardenedEks-SecretsEncryption @ Rules/Cluster']);
  });
});

test('SecretsEncryption is compliant when the deprecated Resources field is left out', () => {
  expect(findings(fixture(undefined, { encryptionConfig: [{ provider: { keyArn: 'k' } }] }).app)).toEqual([]);
});

describe('AccessEntriesOnly', () => {
  test.each(['CONFIG_MAP', 'API_AND_CONFIG_MAP'])('non-compliant with %s', (mode) => {
    const f = fixture(undefined, { accessConfig: { authenticationMode: mode, bootstrapClusterCreatorAdminPermissions: false } });
    expect(findings(f.app)).toEqual(['HardenedEks-AccessEntriesOnly @ Rules/Cluster']);
  });
});

describe('CreatorAdminBootstrap', () => {
  test('non-compliant when on, and when left to the EKS default', () => {
    expect(findings(fixture(undefined, { accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true } }).app))
      .toEqual(['HardenedEks-CreatorAdminBootstrap @ Rules/Cluster']);
    expect(findings(fixture(undefined, { accessConfig: { authenticationMode: 'API' } }).app))
      .toEqual(['HardenedEks-CreatorAdminBootstrap @ Rules/Cluster']);
  });
});

describe('DeletionProtection', () => {
  test('non-compliant when off or absent', () => {
    expect(findings(fixture(undefined, { deletionProtection: false }).app)).toEqual(['HardenedEks-DeletionProtection @ Rules/Cluster']);
    expect(findings(fixture(undefined, { deletionProtection: undefined }).app)).toEqual(['HardenedEks-DeletionProtection @ Rules/Cluster']);
  });
});

test('checks clusters made with the aws-eks (v1) L1 too', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Rules');
  new eksv1.CfnCluster(stack, 'Cluster', { ...COMPLIANT_CLUSTER, deletionProtection: false } as eksv1.CfnClusterProps);
  expect(findings(app)).toEqual([
    'HardenedEks-ControlPlaneLogGroup[LogGroup::Missing] @ Rules/Cluster',
    'HardenedEks-DeletionProtection @ Rules/Cluster',
  ]);
});

test('a finding can be acknowledged on one cluster without hiding it on another', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Rules');
  const a = new eks.CfnCluster(stack, 'A', { ...COMPLIANT_CLUSTER, name: 'a', deletionProtection: false });
  new eks.CfnCluster(stack, 'B', { ...COMPLIANT_CLUSTER, name: 'b', deletionProtection: false });
  Validations.of(a).acknowledge({ id: 'HardenedEks-DeletionProtection', reason: 'test cluster, recreated nightly' });
  expect(findings(app).filter((f) => f.startsWith('HardenedEks-DeletionProtection'))).toEqual(['HardenedEks-DeletionProtection @ Rules/B']);
});
