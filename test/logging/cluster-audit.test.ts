import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations as AssertAnnotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AuditObjectLockMode, GuardDutyDetector, HardenedEksCluster, HardenedEksClusterProps } from '../../lib';
import { WARNINGS } from '../../lib/private/defaults';
import { nagPacks } from '../../examples/basic';
import { fastApp, synthCluster, warningsOf } from '../fixtures';
import { HardenedEksTesting } from '../../lib/testing/hardened-eks-testing';

describe('HardenedEksCluster audit evidence', () => {
  describe('by default', () => {
    const { cluster, template, stack } = synthCluster();

    test('ships the control-plane log group\'s audit events to a bucket of the stack, seven years', () => {
      expect(cluster.auditLog).toBeDefined();
      expect(cluster.auditLog!.retentionDays).toBe(2557);
      template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: { Ref: Match.stringLikeRegexp('^ClusterControlPlaneLogGroup') } });
      template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
    });

    test('alarms on the audit log, including a stalled delivery, all to one topic', () => {
      expect(Object.keys(cluster.auditDetections.alarms)).toHaveLength(11);
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
      expect(alarms).toHaveLength(12);
      const topic = stack.resolve((cluster.auditDetections.alarmTopic as any).topicArn);
      for (const alarm of alarms) { expect(alarm.Properties.AlarmActions).toEqual([topic]); }
    });

    test('the silence alarm waits for the cluster, which must exist before it can log', () => {
      const [alarm] = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'AuditEventsStopped' } })) as any[];
      expect(alarm.DependsOn).toContain(stack.getLogicalId(cluster.cluster.node.defaultChild as any));
    });

    test('watches CloudTrail for tampering with every piece of the evidence', () => {
      const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r: any) => r.Properties.EventPattern);
      const detail = (source: string) => rules.find((p) => p.source[0] === source && p.detail.requestParameters?.logGroupIdentifier === undefined
        && p.detail.requestParameters?.alarmName === undefined && p.detail.requestParameters?.ruleNames === undefined)!.detail;
      const ref = (c: any) => ({ Ref: stack.getLogicalId(c.node.defaultChild ?? c) });
      expect(detail('aws.logs').requestParameters.logGroupName).toEqual([ref(cluster.controlPlaneLogGroup), ref(cluster.node.findChild('KubectlLogGroup')),
        ref(cluster.auditLog!.deliveryErrorLogGroup!)]);
      expect(detail('aws.eks').requestParameters.name).toEqual([cluster.clusterName]);
      expect(detail('aws.s3').requestParameters.bucketName).toEqual([ref(cluster.auditLog!.bucket!), ref(cluster.auditLog!.accessLogsBucket!)]);
      const keys = [cluster.node.findChild('ControlPlaneLogKey') as any, cluster.secretsKey, cluster.auditLog!.bucketKey!, cluster.auditLog!.streamKey!,
        cluster.auditDetections.topicKey!, cluster.auditLog!.accessLogsKey!, cluster.node.findChild('KubectlLogKey') as any];
      expect(detail('aws.kms').resources.ARN).toEqual(keys.map((k) => stack.resolve(k.keyArn)));
      expect(detail('aws.firehose').requestParameters.deliveryStreamName).toEqual([ref(cluster.auditLog!.deliveryStream!)]);
      expect(detail('aws.cloudwatch').requestParameters.alarmNames).toHaveLength(12);
      expect(detail('aws.sns').requestParameters.topicArn).toEqual([stack.resolve(cluster.auditDetections.alarmTopic.topicArn)]);
      // Account-wide: trails and CloudWatch Logs account policies; and the rules watch each other.
      expect(rules.find((p) => p.source.includes('aws.cloudtrail')).detail.eventName).toContain('StopLogging');
      // The kubectl handler and the framework function; streams that would reuse the delivery role.
      expect(detail('aws.lambda').requestParameters.functionName).toHaveLength(4);
      // And any function created or reconfigured to run as the kubectl handler's role (cluster admin).
      expect(rules.find((p) => p.source[0] === 'aws.lambda' && p.detail.requestParameters.role).detail.requestParameters.role)
        .toEqual([stack.resolve((cluster.node.findChild('KubectlHandlerRole') as any).roleArn)]);
      expect(detail('aws.firehose').requestParameters).toBeDefined();
      expect(rules.filter((p) => p.source[0] === 'aws.firehose')).toHaveLength(2);
      expect(detail('aws.events').$or[0].requestParameters.name).toEqual([{ prefix: expect.stringMatching(/-$/) }]);
    });

    test('configures no GuardDuty and warns about nothing audit-related', () => {
      expect(cluster.guardDuty).toBeUndefined();
      template.resourceCountIs('AWS::GuardDuty::Detector', 0);
      const warnings = AssertAnnotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
      expect(warnings.filter((w) => /auditLogNotShipped|auditDetectionOff/.test(w))).toEqual([]);
    });
  });

  test('a break-glass role gets its own alarm', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const breakGlassAdminRole = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    const cluster = new HardenedEksCluster(stack, 'Cluster', { breakGlassAdminRole, auditLog: { objectLock: AuditObjectLockMode.GOVERNANCE } });
    expect(Object.keys(cluster.auditDetections.alarms)).toContain('breakGlassUse');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^BreakGlass') }])] },
    });
    template.hasResourceProperties('AWS::S3::Bucket', { ObjectLockEnabled: true });
  });

  test('an archive without Object Lock (as 0.1.0 created it) is a named choice that leaves a warning and weakens the report', () => {
    const { stack, template } = synthCluster({ auditLog: { objectLock: AuditObjectLockMode.DISABLED } });
    const archive = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => /^ClusterAuditLogBucket[0-9A-F]{8}$/.test(id))![1] as any;
    expect(Object.keys(archive.Properties)).not.toContain('ObjectLockEnabled');
    expect(warningsOf(stack).filter((w) => w.includes(WARNINGS.auditObjectLockDisabled))).toHaveLength(1);
    const defaults = synthCluster({});
    expect(warningsOf(defaults.stack).join('\n')).not.toContain(WARNINGS.auditObjectLockDisabled);
  });

  test('turning shipping off is a named choice that leaves a warning; GuardDuty on a new detector', () => {
    const { cluster, stack, template } = synthCluster({ auditLogShipping: false, guardDuty: GuardDutyDetector.create() });
    expect(cluster.auditLog).toBeUndefined();
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::GuardDuty::Detector', 1);
    AssertAnnotations.fromStack(stack).hasWarning('/Test/Cluster',
      Match.stringLikeRegexp(`auditLogShipping is false.*\\[ack: ${WARNINGS.auditLogNotShipped}\\]`));
  });

  test('every option together keeps zero unacknowledged findings in all five packs', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const breakGlassAdminRole = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    new HardenedEksCluster(stack, 'Cluster', {
      breakGlassAdminRole,
      auditLog: { objectLock: AuditObjectLockMode.COMPLIANCE, retention: Duration.days(3653) },
      auditDetections: { secretReads: { threshold: 2, period: Duration.minutes(10) } },
      guardDuty: GuardDutyDetector.existing('12abc34d567e8fa901bc2d34e56789f0'),
    });
    const found = nagPacks().flatMap((p) => HardenedEksTesting.nagViolations(p, app).map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath)}`));
    expect(found).toEqual([]);
  });

  test('shipping to a CloudWatch Logs destination: no Firehose, bucket or their tampering rules', () => {
    const { cluster, template } = synthCluster({ auditLog: { logsDestinationArn: 'arn:aws:logs:eu-west-1:999988887777:destination:org-audit' } },
      {}, { env: { account: '111122223333', region: 'eu-west-1' } });
    expect(cluster.auditLog!.bucket).toBeUndefined();
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    const sources = Object.values(template.findResources('AWS::Events::Rule')).map((r: any) => r.Properties.EventPattern.source[0]).sort();
    expect(sources).toEqual(['aws.cloudtrail', 'aws.cloudwatch', 'aws.cloudwatch', 'aws.cloudwatch', 'aws.cloudwatch', 'aws.eks', 'aws.events', 'aws.events',
      'aws.kms', 'aws.lambda', 'aws.lambda', 'aws.logs', 'aws.logs', 'aws.sns', 'aws.sns', 'aws.sns']);
  });

  describe('bad input is refused with the prop path', () => {
    const fails = (props: HardenedEksClusterProps, ...messages: RegExp[]) => {
      let message = '';
      try { synthCluster(props); } catch (e) { message = (e as Error).message; }
      expect(message).not.toBe('');
      for (const m of messages) { expect(message).toMatch(m); }
    };

    test('fails when the audit retention is shorter than controlPlaneLogRetention', () => {
      fails({ controlPlaneLogRetention: logs.RetentionDays.TWO_YEARS, auditLog: { retention: Duration.days(365) } },
        /auditLog\.retention: received "365 days"/, /keeps events 731 days/);
    });

    test('fails when auditLog is set while shipping is off', () => {
      fails({ auditLogShipping: false, auditLog: { retention: Duration.days(3650) } }, /auditLog: received "options while auditLogShipping is false"/);
    });

    test('fails when a detection threshold is below 1', () => {
      fails({ auditDetections: { forbiddenBursts: { threshold: 0 } } }, /Invalid props for Test\/Cluster /, /auditDetections\.forbiddenBursts\.threshold: received 0/);
    });
  });
});
