import { Stack } from 'aws-cdk-lib';
import { Annotations as AssertAnnotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { matchesEventPattern } from './eventbridge-match';
import { AuditDetections } from '../../lib';
import { rulesPattern, tamperingPatterns, TAMPERING_EVENTS } from '../../lib/logging/evidence-tampering';
import { WARNINGS } from '../../lib/private/defaults';
import { fastApp } from '../fixtures';

const RESOURCES = {
  logGroupNames: ['/aws/eks/prod/cluster'],
  clusterNames: ['prod'],
  bucketNames: ['prod-audit-archive'],
  keyArns: ['arn:aws:kms:eu-west-1:111122223333:key/aaaa'],
  deliveryStreamNames: ['prod-audit'],
  alarmNames: ['prod-audit-exec-into-pod'],
  insightRuleNames: ['prod-audit-403-by-principal'],
  topicArns: ['arn:aws:sns:eu-west-1:111122223333:prod-audit-alarms'],
  accountWide: true,
};

/** A CloudTrail record as EventBridge delivers it (detail-type "AWS API Call via CloudTrail"). */
function apiCall(source: string, eventName: string, requestParameters: object = {}, resources?: object[]) {
  return {
    'version': '0', 'id': 'e1', 'detail-type': 'AWS API Call via CloudTrail', 'source': `aws.${source}`,
    'account': '111122223333', 'region': 'eu-west-1', 'time': '2026-11-26T10:00:00Z', 'resources': [],
    'detail': {
      eventVersion: '1.09', eventSource: `${source === 'cloudwatch' ? 'monitoring' : source}.amazonaws.com`, eventName,
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/mallory' },
      requestParameters, ...(resources ? { resources } : {}),
    },
  };
}

describe('evidence tampering patterns', () => {
  const patterns = tamperingPatterns(RESOURCES);
  const matched = (event: object) => Object.entries(patterns).filter(([, p]) => matchesEventPattern(p, event)).map(([n]) => n);

  test('one pattern per watched service', () => {
    expect(Object.keys(patterns)).toEqual(['Logs', 'LogsByIdentifier', 'Cluster', 'Buckets', 'Keys', 'Stream', 'Alarms', 'AlarmChanges', 'InsightRules', 'Topic', 'AccountWide']);
  });

  test('match the calls that switch off or destroy our evidence', () => {
    expect(matched(apiCall('logs', 'DeleteSubscriptionFilter', { logGroupName: '/aws/eks/prod/cluster', filterName: 'x' }))).toEqual(['Logs']);
    expect(matched(apiCall('logs', 'PutRetentionPolicy', { logGroupName: '/aws/eks/prod/cluster', retentionInDays: 1 }))).toEqual(['Logs']);
    expect(matched(apiCall('eks', 'UpdateClusterConfig', { name: 'prod', logging: { clusterLogging: [{ types: ['audit'], enabled: false }] } }))).toEqual(['Cluster']);
    expect(matched(apiCall('s3', 'PutBucketLifecycle', { bucketName: 'prod-audit-archive' }))).toEqual(['Buckets']);
    expect(matched(apiCall('s3', 'DeleteBucketPolicy', { bucketName: 'prod-audit-archive' }))).toEqual(['Buckets']);
    expect(matched(apiCall('kms', 'ScheduleKeyDeletion', { keyId: 'aaaa', pendingWindowInDays: 7 },
      [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: 'arn:aws:kms:eu-west-1:111122223333:key/aaaa' }]))).toEqual(['Keys']);
    expect(matched(apiCall('firehose', 'DeleteDeliveryStream', { deliveryStreamName: 'prod-audit' }))).toEqual(['Stream']);
    expect(matched(apiCall('cloudwatch', 'DisableAlarmActions', { alarmNames: ['other', 'prod-audit-exec-into-pod'] }))).toEqual(['Alarms']);
    // PutMetricAlarm and SetAlarmState name one alarm (alarmName), unlike DeleteAlarms (alarmNames).
    expect(matched(apiCall('cloudwatch', 'PutMetricAlarm', { alarmName: 'prod-audit-exec-into-pod', threshold: 1000 }))).toEqual(['AlarmChanges']);
    expect(matched(apiCall('cloudwatch', 'SetAlarmState', { alarmName: 'prod-audit-exec-into-pod', stateValue: 'OK' }))).toEqual(['AlarmChanges']);
    expect(matched(apiCall('cloudwatch', 'DisableInsightRules', { ruleNames: ['prod-audit-403-by-principal'] }))).toEqual(['InsightRules']);
    // Making oneself admin through EKS access entries leaves no RBAC binding to see.
    expect(matched(apiCall('eks', 'CreateAccessEntry', { name: 'prod', principalArn: 'arn:aws:iam::111122223333:role/x' }))).toEqual(['Cluster']);
    expect(matched(apiCall('eks', 'AssociateAccessPolicy', { name: 'prod', policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy' }))).toEqual(['Cluster']);
    expect(matched(apiCall('logs', 'PutDataProtectionPolicy', { logGroupIdentifier: '/aws/eks/prod/cluster' }))).toEqual(['LogsByIdentifier']);
    expect(matched(apiCall('sns', 'SetTopicAttributes', { topicArn: 'arn:aws:sns:eu-west-1:111122223333:prod-audit-alarms', attributeName: 'KmsMasterKeyId' }))).toEqual(['Topic']);
    expect(matched(apiCall('cloudtrail', 'StopLogging', { name: 'org-trail' }))).toEqual(['AccountWide']);
    expect(matched(apiCall('logs', 'PutAccountPolicy', { policyType: 'DATA_PROTECTION_POLICY' }))).toEqual(['AccountWide']);
  });

  test('the rules watch each other', () => {
    const p = rulesPattern(['rule-a', 'rule-b']);
    expect(matchesEventPattern(p, apiCall('events', 'DisableRule', { name: 'rule-b' }))).toBe(true);
    expect(matchesEventPattern(p, apiCall('events', 'RemoveTargets', { rule: 'x', name: 'rule-a' }))).toBe(true);
    expect(matchesEventPattern(p, apiCall('events', 'DisableRule', { name: 'someone-elses' }))).toBe(false);
  });

  test('each pattern stays within EventBridge\'s 2048 characters with the longest names (100-character cluster name)', () => {
    const cluster = 'c'.repeat(100);
    const long = tamperingPatterns({
      logGroupNames: [`/aws/eks/${cluster}/cluster`, `/aws/kinesisfirehose/${cluster}-eks-audit`],
      clusterNames: [cluster],
      bucketNames: ['x'.repeat(63), 'y'.repeat(63)],
      keyArns: Array.from({ length: 6 }, (_, i) => `arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/${i}${'0'.repeat(35)}`),
      deliveryStreamNames: ['d'.repeat(64)],
      alarmNames: Array.from({ length: 9 }, (_, i) => `${cluster}-audit-cluster-admin-bindings${i}`),
      insightRuleNames: [`${cluster}-audit-403-by-principal`],
      topicArns: [`arn:aws-us-gov:sns:us-gov-west-1:111122223333:${'t'.repeat(100)}`],
      accountWide: true,
    });
    for (const p of [...Object.values(long), rulesPattern(Array.from({ length: 12 }, () => 'r'.repeat(64)))]) {
      expect(JSON.stringify(p).length).toBeLessThanOrEqual(2048);
    }
  });

  test('do not match the same calls on other resources, reads, or other event types', () => {
    expect(matched(apiCall('logs', 'DeleteSubscriptionFilter', { logGroupName: '/aws/lambda/x' }))).toEqual([]);
    expect(matched(apiCall('logs', 'FilterLogEvents', { logGroupName: '/aws/eks/prod/cluster' }))).toEqual([]);
    expect(matched(apiCall('eks', 'UpdateClusterConfig', { name: 'staging' }))).toEqual([]);
    expect(matched(apiCall('s3', 'GetBucketPolicy', { bucketName: 'prod-audit-archive' }))).toEqual([]);
    expect(matched(apiCall('kms', 'ScheduleKeyDeletion', { keyId: 'bbbb' }, [{ ARN: 'arn:aws:kms:eu-west-1:111122223333:key/bbbb' }]))).toEqual([]);
    expect(matched(apiCall('cloudwatch', 'DeleteAlarms', { alarmNames: ['unrelated'] }))).toEqual([]);
    expect(matched({ ...apiCall('s3', 'PutBucketLifecycle', { bucketName: 'prod-audit-archive' }), 'detail-type': 'Object Created' })).toEqual([]);
  });

  test('a service without resources is not watched', () => {
    expect(Object.keys(tamperingPatterns({ logGroupNames: ['/aws/eks/prod/cluster'] }))).toEqual(['Logs', 'LogsByIdentifier']);
  });

  test('every event name is one CloudTrail writes for a change, never a read', () => {
    for (const name of Object.values(TAMPERING_EVENTS).flat()) {
      expect(name).toMatch(/^(Create|Associate|Delete|Put|Update|Disable|Schedule|Disassociate|Stop|Set|Remove)/);
    }
  });
});

describe('AuditDetections.watchEvidence', () => {
  function detect(props: object = {}) {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const detections = new AuditDetections(stack, 'AuditDetections', { logGroup: new logs.LogGroup(stack, 'Lg'), clusterName: 'prod', ...props });
    const rules = detections.watchEvidence(RESOURCES);
    return { stack, detections, rules, template: Template.fromStack(stack) };
  }

  test('one rule per service, each notifying the topic, which EventBridge rules of this account may publish to', () => {
    const { rules, template, detections } = detect();
    expect(rules).toHaveLength(12);
    expect(detections.tamperingRules).toEqual(rules);
    template.resourceCountIs('AWS::Events::Rule', 12);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.kms'], 'detail-type': ['AWS API Call via CloudTrail'], 'detail': Match.objectLike({ eventName: [...TAMPERING_EVENTS.kms] }) },
      Targets: [{ Arn: { Ref: Match.stringLikeRegexp('AuditDetectionsAlarmTopic') }, Id: 'Target0' }],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'EventBridgeRulesOfThisAccountOnly', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: Match.anyValue() },
      })]) },
    });
  });

  test('turned off: no rules, and the warning names it', () => {
    const { rules, template, stack } = detect({ evidenceTampering: { enabled: false } });
    expect(rules).toEqual([]);
    template.resourceCountIs('AWS::Events::Rule', 0);
    AssertAnnotations.fromStack(stack).hasWarning('/Test/AuditDetections', Match.stringLikeRegexp(`evidenceTampering.*\\[ack: ${WARNINGS.auditDetectionOff}\\]`));
  });

  test('fails when given a threshold or period, which it cannot use', () => {
    expect(() => detect({ evidenceTampering: { threshold: 2 } })).toThrow(/evidenceTampering: received \{"threshold":2\}.*Set only enabled/);
  });

  test('fails when breakGlassUse is tuned without a break-glass role', () => {
    expect(() => detect({ breakGlassUse: { threshold: 2 } })).toThrow(/breakGlassUse: received \{"threshold":2\}.*no break-glass role/);
  });
});

describe('EventBridge pattern matcher (test helper)', () => {
  test('lists match scalars or any array element; objects match nested objects or any object in an array; absent fields fail', () => {
    expect(matchesEventPattern({ a: ['x'] }, { a: 'x' })).toBe(true);
    expect(matchesEventPattern({ a: ['x'] }, { a: ['y', 'x'] })).toBe(true);
    expect(matchesEventPattern({ a: ['x'] }, { a: 'y' })).toBe(false);
    expect(matchesEventPattern({ a: { b: ['1'] } }, { a: [{ b: '2' }, { b: '1' }] })).toBe(true);
    expect(matchesEventPattern({ a: { b: ['1'] } }, { a: { c: '1' } })).toBe(false);
    expect(matchesEventPattern({ a: ['x'] }, {})).toBe(false);
  });

  test('content filters it does not implement throw', () => {
    expect(() => matchesEventPattern({ a: [{ prefix: 'x' }] }, { a: 'x' })).toThrow(/unsupported/);
    expect(() => matchesEventPattern({ $or: [] }, {})).toThrow(/unsupported/);
  });
});
