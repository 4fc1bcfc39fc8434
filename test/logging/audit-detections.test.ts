import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations as AssertAnnotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { nagPacks } from '../../examples/basic';
import { AuditDetections, AuditDetectionsProps } from '../../lib';
import { DEFAULT_SECRET_READERS } from '../../lib/logging/audit-patterns';
import { AUDIT_EVENTS_PATTERN, WARNINGS } from '../../lib/private/defaults';
import { fastApp } from '../fixtures';
import { HardenedEksTesting } from '../../lib/testing/hardened-eks-testing';

function detect(props: Partial<AuditDetectionsProps> = {}) {
  const app = fastApp();
  const stack = new Stack(app, 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
  const logGroup = new logs.LogGroup(stack, 'ControlPlane', { logGroupName: '/aws/eks/prod/cluster', encryptionKey: key });
  const detections = new AuditDetections(stack, 'AuditDetections', { logGroup, clusterName: 'prod', ...props });
  return { app, stack, detections, template: Template.fromStack(stack) };
}

const breakGlassRole = (stack: Stack) => iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::111122223333:role/BreakGlass');

describe('AuditDetections defaults', () => {
  const { app, template, detections } = detect();

  test('one metric filter and one alarm per detection, named after the cluster; no break-glass alarm without a role', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmName).sort();
    expect(alarms).toEqual([
      'prod-audit-admission-denials', 'prod-audit-anonymous-requests', 'prod-audit-cluster-admin-bindings', 'prod-audit-cluster-rbac-changes',
      'prod-audit-controller-account-pods', 'prod-audit-credential-minting', 'prod-audit-events-stopped', 'prod-audit-exec-into-pod', 'prod-audit-forbidden-bursts',
      'prod-audit-guard-rail-changes', 'prod-audit-secret-reads',
    ]);
    template.resourceCountIs('AWS::Logs::MetricFilter', 10);
    expect(Object.keys(detections.alarms).sort()).toEqual([
      'admissionDenials', 'anonymousRequests', 'auditEventsStopped', 'clusterAdminBindings', 'clusterRbacChanges', 'controllerAccountPods', 'credentialMinting', 'execIntoPod',
      'forbiddenBursts', 'guardRailChanges', 'secretReads']);
  });

  test('metric filters count 1 per matching event in the cluster\'s namespace', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('ControlPlane') },
      MetricTransformations: [{ MetricNamespace: 'CdkHardenedEks/prod', MetricName: 'ExecIntoPod', MetricValue: '1' }],
    });
  });

  test('alarms: threshold 1 per 5 minutes, >=, missing data is not breaching, notify the topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-audit-exec-into-pod',
      MetricName: 'ExecIntoPod', Namespace: 'CdkHardenedEks/prod', Statistic: 'Sum', Period: 300,
      Threshold: 1, EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AuditDetectionsAlarmTopic') }],
    });
  });

  test('403 bursts: a Contributor Insights rule per principal and an alarm on its top contributor, 20 per 5 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::InsightRule', { RuleName: 'prod-audit-403-by-principal', RuleState: 'ENABLED' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-audit-forbidden-bursts',
      Threshold: 20,
      Metrics: [Match.objectLike({ Expression: "INSIGHT_RULE_METRIC('prod-audit-403-by-principal', 'MaxContributorValue')", Period: 300 })],
    });
    // The alarm names the rule in a string: it must wait for the rule.
    const [alarm] = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'prod-audit-forbidden-bursts' } })) as any[];
    expect(alarm.DependsOn).toEqual([expect.stringMatching(/^AuditDetectionsForbiddenBurstsRule/)]);
  });

  test('silence: fewer than 1 audit event in each of 3 periods of 5 minutes, missing data breaching', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: AUDIT_EVENTS_PATTERN, MetricTransformations: [{ MetricNamespace: 'CdkHardenedEks/prod', MetricName: 'AuditEventsStopped', MetricValue: '1' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-audit-events-stopped',
      Namespace: 'CdkHardenedEks/prod', MetricName: 'AuditEventsStopped',
      Statistic: 'Sum', Period: 300, EvaluationPeriods: 3, Threshold: 1,
      ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    });
  });

  test('the topic: its own rotating, retained key usable by CloudWatch of this account; TLS-only; CloudWatch alarms of this account may publish', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditDetectionsAlarmTopicKey'), 'Arn'] } });
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        EnableKeyRotation: true,
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
          Sid: 'CloudWatchAlarmsOfThisAccountPublish', Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        })]) },
      }),
    });
    // EventBridge passes no aws:Source* keys to KMS: a conditioned statement would block every tampering alert.
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({
        KeyPolicy: { Statement: Match.arrayWith([{
          Sid: 'EventBridgePublishes', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*',
        }]) },
      }),
    });
    const statements = (Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0] as any).Properties.PolicyDocument.Statement;
    expect(statements.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    expect(statements.find((s: any) => s.Sid === 'CloudWatchAlarmsOfThisAccountOnly')).toEqual(expect.objectContaining({
      Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish',
    }));
  });

  test('the default secret-reader allow-list is the documented one', () => {
    expect(AuditDetections.DEFAULT_SECRET_READERS).toEqual([...DEFAULT_SECRET_READERS]);
    const filter = Object.values(template.findResources('AWS::Logs::MetricFilter'))
      .find((f: any) => f.Properties.MetricTransformations[0].MetricName === 'SecretReads') as any;
    for (const reader of DEFAULT_SECRET_READERS) { expect(filter.Properties.FilterPattern).toContain(`$.user.username != "${reader}"`); }
  });

  test('no warning with the defaults, and zero findings in all five packs', () => {
    AssertAnnotations.fromStack(Stack.of(detections)).hasNoWarning('*', Match.stringLikeRegexp('cdk-hardened-eks'));
    const found = nagPacks().flatMap((p) => HardenedEksTesting.nagViolations(p, app).map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath)}`));
    expect(found).toEqual([]);
  });
});

describe('AuditDetections options', () => {
  test('a break-glass role adds a 1-minute alarm on its sessions', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    new AuditDetections(stack, 'AuditDetections', { logGroup: new logs.LogGroup(stack, 'Lg'), clusterName: 'prod', breakGlassRole: breakGlassRole(stack) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'prod-audit-break-glass-use', Period: 60, Threshold: 1 });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: { 'Fn::Join': ['', ['{ $.user.username = "arn:', { Ref: 'AWS::Partition' }, ':sts::111122223333:assumed-role/BreakGlass/*" }']] },
    });
  });

  test('a break-glass role of another account (an organisation\'s break-glass account) is matched in that account', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    const role = iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::444455556666:role/OrgBreakGlass');
    new AuditDetections(stack, 'AuditDetections', { logGroup: new logs.LogGroup(stack, 'Lg'), clusterName: 'prod', breakGlassRole: role });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: { 'Fn::Join': ['', ['{ $.user.username = "arn:', { Ref: 'AWS::Partition' }, ':sts::444455556666:assumed-role/OrgBreakGlass/*" }']] },
    });
  });

  test('a break-glass role created in the stack is matched in the stack\'s account', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const role = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    new AuditDetections(stack, 'AuditDetections', { logGroup: new logs.LogGroup(stack, 'Lg'), clusterName: 'prod', breakGlassRole: role });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: { 'Fn::Join': ['', ['{ $.user.username = "arn:', { Ref: 'AWS::Partition' }, ':sts::', { Ref: 'AWS::AccountId' }, ':assumed-role/', { Ref: Match.stringLikeRegexp('^BreakGlass') }, '/*" }']] },
    });
  });

  test('thresholds, periods and evaluation periods are configurable per detection', () => {
    const { template } = detect({
      secretReads: { threshold: 5, period: Duration.minutes(15), evaluationPeriods: 2 },
      forbiddenBursts: { threshold: 50, period: Duration.minutes(10) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'prod-audit-secret-reads', Threshold: 5, Period: 900, EvaluationPeriods: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-audit-forbidden-bursts', Threshold: 50, Metrics: [Match.objectLike({ Period: 600 })],
    });
  });

  test('detections turn off one by one, each leaving a warning that names it', () => {
    const { template, stack, detections } = detect({ execIntoPod: { enabled: false }, forbiddenBursts: { enabled: false } });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 9);
    template.resourceCountIs('AWS::CloudWatch::InsightRule', 0);
    expect(Object.keys(detections.alarms)).not.toContain('execIntoPod');
    expect(detections.disabled).toEqual(['execIntoPod', 'forbiddenBursts']);
    AssertAnnotations.fromStack(stack).hasWarning('/Test/AuditDetections',
      Match.stringLikeRegexp(`Audit detections turned off: execIntoPod, forbiddenBursts.*\\[ack: ${WARNINGS.auditDetectionOff}\\]`));
  });

  test.each(['clusterRbacChanges', 'credentialMinting', 'guardRailChanges', 'controllerAccountPods'] as const)(
    '%s turns off and takes its own threshold, as every metric detection does', (key) => {
      const off = detect({ [key]: { enabled: false } });
      expect(Object.keys(off.detections.alarms)).not.toContain(key);
      expect(off.detections.disabled).toEqual([key]);
      const tuned = detect({ [key]: { threshold: 3, period: Duration.minutes(10) } });
      const alarm = tuned.detections.alarms[key].node.defaultChild as any;
      expect(tuned.stack.resolve(alarm.threshold)).toBe(3);
      expect(tuned.stack.resolve(alarm.period)).toBe(600);
    });

  test('a custom allow-list replaces the default one', () => {
    const { template } = detect({ secretReaders: ['system:serviceaccount:vault:*'] });
    const filter = Object.values(template.findResources('AWS::Logs::MetricFilter'))
      .find((f: any) => f.Properties.MetricTransformations[0].MetricName === 'SecretReads') as any;
    expect(filter.Properties.FilterPattern).toContain('$.user.username != "system:serviceaccount:vault:*"');
    expect(filter.Properties.FilterPattern).not.toContain('system:node:*');
  });

  test('your own topic: no topic or key is created, alarms notify yours', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const topic = new sns.Topic(stack, 'Mine');
    new AuditDetections(stack, 'AuditDetections', { logGroup: new logs.LogGroup(stack, 'Lg'), clusterName: 'prod', alarmTopic: topic });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('Mine') }] });
  });
});

describe('AuditDetections bad input', () => {
  const fails = (props: Partial<AuditDetectionsProps>, ...messages: RegExp[]) => {
    expect(() => detect(props)).toThrow(expect.objectContaining({ message: expect.stringMatching(messages[0]) }));
    let message = '';
    try { detect(props); } catch (e) { message = (e as Error).message; }
    for (const m of messages) { expect(message).toMatch(m); }
  };

  test('fails when a threshold is below 1 or not whole, naming the detection', () => {
    fails({ execIntoPod: { threshold: 0 }, secretReads: { threshold: 0.5 } },
      /2 problems/, /execIntoPod\.threshold: received 0/, /secretReads\.threshold: received 0\.5/, /at least 1/);
  });

  test('fails when evaluation periods are below 1', () => {
    fails({ anonymousRequests: { evaluationPeriods: 0 } }, /anonymousRequests\.evaluationPeriods: received 0/);
  });

  test('fails when a period is not whole minutes between 1 minute and 1 day', () => {
    fails({ admissionDenials: { period: Duration.seconds(30) } }, /admissionDenials\.period: received "30 seconds"/, /whole minutes/);
    fails({ admissionDenials: { period: Duration.days(2) } }, /admissionDenials\.period/);
  });

  test('fails when an allow-list entry has a * before its end, or the pattern outgrows 1024 characters', () => {
    fails({ secretReaders: ['system:*:kube-system'] }, /secretReaders/, /ending in one `\*`/);
    const many = Array.from({ length: 40 }, (_, i) => `system:serviceaccount:team-${i}:reader`);
    fails({ secretReaders: many }, /secretReaders: received "40 entries \(pattern of \d+ characters\)"/, /1024/);
  });

  test('the allow-list is measured with the longest manifest applier sessions, so what synth accepts also deploys', () => {
    const { secretReadPattern, roleSessions } = require('../../lib/logging/audit-patterns');
    const longest = roleSessions('aws-us-gov', '123456789012', 'x'.repeat(64));
    // A list that fits alone but not with the applier's sessions beside it.
    const readers: string[] = [];
    while (secretReadPattern([...readers, `system:serviceaccount:team-${readers.length}:r`]).length <= 1024) { readers.push(`system:serviceaccount:team-${readers.length}:r`); }
    expect(secretReadPattern(readers).length).toBeLessThanOrEqual(1024);
    expect(secretReadPattern([...readers, longest]).length).toBeGreaterThan(1024);
    expect(() => detect({ secretReaders: readers })).not.toThrow();
    const applier = iam.Role.fromRoleName(new Stack(), 'Applier', 'applier');
    fails({ secretReaders: readers, manifestApplierRole: applier }, /secretReaders: received "\d+ entries \(pattern of \d+ characters\)"/, /1024/);
  });
});

describe('AuditDetections manifestApplierRole', () => {
  const patternsOf = (template: Template) => Object.fromEntries((Object.values(template.findResources('AWS::Logs::MetricFilter')) as any[])
    .map((f) => [f.Properties.MetricTransformations[0].MetricName, JSON.stringify(f.Properties.FilterPattern)]));

  test('without it, nobody is left out of the secret, RBAC and guard-rail detections by role', () => {
    const patterns = patternsOf(detect().template);
    for (const name of ['SecretReads', 'ClusterRbacChanges', 'GuardRailChanges']) {
      expect(patterns[name]).not.toContain('assumed-role');
    }
  });

  test('with it, exactly that role\'s sessions in its account are left out of those three, and of nothing else', () => {
    const roles = new Stack(fastApp(), 'Roles', { env: { account: '111122223333', region: 'eu-west-1' } });
    const { template } = detect({ manifestApplierRole: iam.Role.fromRoleName(roles, 'Applier', 'applier') });
    const patterns = patternsOf(template);
    for (const name of ['SecretReads', 'ClusterRbacChanges', 'GuardRailChanges']) {
      expect(patterns[name]).toContain(':sts::111122223333:assumed-role/applier/*');
    }
    for (const name of ['ExecIntoPod', 'CredentialMinting', 'ControllerAccountPods', 'ClusterAdminBindings', 'AdmissionDenials']) {
      expect(patterns[name]).not.toContain('assumed-role/applier');
    }
  });
});
