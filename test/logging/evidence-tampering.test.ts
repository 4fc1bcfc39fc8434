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
  functionNames: ['prod-kubectl-handler'],
  deliveryRoleArns: ['arn:aws:iam::111122223333:role/eks-audit-delivery-abc'],
  functionRoleArns: ['arn:aws:iam::111122223333:role/prod-kubectl-handler'],
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
    expect(Object.keys(patterns)).toEqual(['Logs', 'LogsByIdentifier', 'Cluster', 'Buckets', 'Keys', 'Stream', 'Alarms', 'AlarmChanges', 'InsightRules',
      'InsightRuleChanges', 'Topic', 'TopicDataProtection', 'TopicSubscriptions', 'Functions', 'FunctionsWithRole', 'StreamsWithDeliveryRole', 'AccountWide']);
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

  test('the rules watch each other, whether a call names the rule in `name` or in `rule`', () => {
    const p = rulesPattern('TestAuditDetectionsD523A165-');
    expect(matchesEventPattern(p, apiCall('events', 'DisableRule', { name: 'TestAuditDetectionsD523A165-RulesWatch' }))).toBe(true);
    expect(matchesEventPattern(p, apiCall('events', 'DeleteRule', { name: 'TestAuditDetectionsD523A165-Rules', force: true }))).toBe(true);
    // PutTargets and RemoveTargets, as CloudTrail records them, carry the rule in `rule`.
    expect(matchesEventPattern(p, apiCall('events', 'RemoveTargets', { rule: 'TestAuditDetectionsD523A165-Keys', ids: ['Target0'] }))).toBe(true);
    expect(matchesEventPattern(p, apiCall('events', 'PutTargets', { rule: 'TestAuditDetectionsD523A165-Topic', targets: [{ id: 'Target0', arn: 'arn:aws:sns:eu-west-1:999988887777:elsewhere' }] }))).toBe(true);
    expect(matchesEventPattern(p, apiCall('events', 'DisableRule', { name: 'someone-elses' }))).toBe(false);
    expect(matchesEventPattern(p, apiCall('events', 'RemoveTargets', { rule: 'someone-elses', ids: ['x'] }))).toBe(false);
    expect(matchesEventPattern(p, apiCall('events', 'DescribeRule', { name: 'TestAuditDetectionsD523A165-Rules' }))).toBe(false);
  });

  test('the alarm topic\'s subscriptions: unsubscribing or filtering everything out', () => {
    const subscription = 'arn:aws:sns:eu-west-1:111122223333:prod-audit-alarms:3f1c2d4e-0000-4000-8000-000000000000';
    expect(matched(apiCall('sns', 'Unsubscribe', { subscriptionArn: subscription }))).toEqual(['TopicSubscriptions']);
    expect(matched(apiCall('sns', 'SetSubscriptionAttributes', { subscriptionArn: subscription, attributeName: 'FilterPolicy', attributeValue: '{"x":["never"]}' }))).toEqual(['TopicSubscriptions']);
    // Another topic whose name starts the same is not ours.
    expect(matched(apiCall('sns', 'Unsubscribe', { subscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:prod-audit-alarms-2:3f1c' }))).toEqual([]);
    expect(matched(apiCall('sns', 'Subscribe', { topicArn: 'arn:aws:sns:eu-west-1:111122223333:prod-audit-alarms' }))).toEqual([]);
  });

  test('the kubectl handler (cluster admin): new code, configuration or permissions, however the function is named', () => {
    for (const name of ['prod-kubectl-handler', 'arn:aws:lambda:eu-west-1:111122223333:function:prod-kubectl-handler', '111122223333:function:prod-kubectl-handler']) {
      expect(matched(apiCall('lambda', 'UpdateFunctionCode20150331v2', { functionName: name, zipFile: '<redacted>' }))).toEqual(['Functions']);
    }
    expect(matched(apiCall('lambda', 'UpdateFunctionConfiguration20150331v2', { functionName: 'prod-kubectl-handler', environment: {} }))).toEqual(['Functions']);
    expect(matched(apiCall('lambda', 'AddPermission20150331v2', { functionName: 'prod-kubectl-handler', principal: '*' }))).toEqual(['Functions']);
    expect(matched(apiCall('lambda', 'UpdateFunctionCode20150331v2', { functionName: 'another-function' }))).toEqual([]);
    expect(matched(apiCall('lambda', 'GetFunction20150331v2', { functionName: 'prod-kubectl-handler' }))).toEqual([]);
  });

  test('a new function, or another one reconfigured, running as the kubectl handler\'s role', () => {
    const role = 'arn:aws:iam::111122223333:role/prod-kubectl-handler';
    expect(matched(apiCall('lambda', 'CreateFunction20150331', { functionName: 'backdoor', role, runtime: 'python3.13' }))).toEqual(['FunctionsWithRole']);
    expect(matched(apiCall('lambda', 'UpdateFunctionConfiguration20150331v2', { functionName: 'other', role }))).toEqual(['FunctionsWithRole']);
    expect(matched(apiCall('lambda', 'CreateFunction20150331', { functionName: 'app', role: 'arn:aws:iam::111122223333:role/app' }))).toEqual([]);
  });

  test('a second delivery stream, or another stream repointed, using the archive\'s delivery role', () => {
    const role = 'arn:aws:iam::111122223333:role/eks-audit-delivery-abc';
    expect(matched(apiCall('firehose', 'CreateDeliveryStream', { deliveryStreamName: 'forger', extendedS3DestinationConfiguration: { roleARN: role, bucketARN: 'arn:aws:s3:::prod-audit-archive' } }))).toEqual(['StreamsWithDeliveryRole']);
    expect(matched(apiCall('firehose', 'CreateDeliveryStream', { deliveryStreamName: 'forger', s3DestinationConfiguration: { roleARN: role } }))).toEqual(['StreamsWithDeliveryRole']);
    expect(matched(apiCall('firehose', 'UpdateDestination', { deliveryStreamName: 'other', extendedS3DestinationUpdate: { roleARN: role } }))).toEqual(['StreamsWithDeliveryRole']);
    expect(matched(apiCall('firehose', 'CreateDeliveryStream', { deliveryStreamName: 'app', extendedS3DestinationConfiguration: { roleARN: 'arn:aws:iam::111122223333:role/app' } }))).toEqual([]);
  });

  test('the calls that do the same damage another way: key grants, encryption swaps, insight rule rewrites, topic data protection, log groups named by ARN', () => {
    expect(matched(apiCall('kms', 'CreateGrant', { keyId: 'aaaa', granteePrincipal: 'arn:aws:iam::999988887777:root' },
      [{ ARN: 'arn:aws:kms:eu-west-1:111122223333:key/aaaa' }]))).toEqual(['Keys']);
    expect(matched(apiCall('kms', 'RevokeGrant', { keyId: 'aaaa', grantId: 'g' }, [{ ARN: 'arn:aws:kms:eu-west-1:111122223333:key/aaaa' }]))).toEqual(['Keys']);
    expect(matched(apiCall('firehose', 'StartDeliveryStreamEncryption', { deliveryStreamName: 'prod-audit', deliveryStreamEncryptionConfigurationInput: { keyType: 'CUSTOMER_MANAGED_CMK' } }))).toEqual(['Stream']);
    expect(matched(apiCall('cloudwatch', 'PutInsightRule', { ruleName: 'prod-audit-403-by-principal', ruleState: 'DISABLED' }))).toEqual(['InsightRuleChanges']);
    expect(matched(apiCall('sns', 'PutDataProtectionPolicy', { resourceArn: 'arn:aws:sns:eu-west-1:111122223333:prod-audit-alarms', dataProtectionPolicy: '{}' }))).toEqual(['TopicDataProtection']);
    const byArn = 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/prod/cluster';
    expect(matched(apiCall('logs', 'PutTransformer', { logGroupIdentifier: byArn }))).toEqual(['LogsByIdentifier']);
    expect(matched(apiCall('logs', 'DisassociateKmsKey', { resourceIdentifier: byArn }))).toEqual(['LogsByIdentifier']);
    expect(matched(apiCall('logs', 'AssociateKmsKey', { logGroupName: '/aws/eks/prod/cluster', kmsKeyId: 'arn:aws:kms:eu-west-1:999988887777:key/x' }))).toEqual(['Logs']);
    expect(matched(apiCall('logs', 'PutTransformer', { logGroupIdentifier: 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/prod/cluster-other' }))).toEqual([]);
    expect(matched(apiCall('eks', 'CreateAddon', { name: 'prod', addonName: 'some-webhook' }))).toEqual(['Cluster']);
    expect(matched(apiCall('s3', 'PutBucketAcl', { bucketName: 'prod-audit-archive' }))).toEqual(['Buckets']);
  });

  test('the cluster\'s add-ons (network policy switched off) and new login paths', () => {
    expect(matched(apiCall('eks', 'UpdateAddon', { name: 'prod', addonName: 'vpc-cni', configurationValues: '{"enableNetworkPolicy":"false"}' }))).toEqual(['Cluster']);
    expect(matched(apiCall('eks', 'AssociateIdentityProviderConfig', { name: 'prod', oidc: { issuerUrl: 'https://evil.example' } }))).toEqual(['Cluster']);
    expect(matched(apiCall('s3', 'PutBucketReplication', { bucketName: 'prod-audit-archive' }))).toEqual(['Buckets']);
  });

  test('each pattern stays within EventBridge\'s 2048 characters with the longest names (100-character cluster name)', () => {
    const cluster = 'c'.repeat(100);
    const long = tamperingPatterns({
      logGroupNames: [`/aws/eks/${cluster}/cluster`, `/aws/lambda/${cluster}-kubectl-provider`, `/aws/kinesisfirehose/${cluster}-eks-audit`],
      clusterNames: [cluster],
      functionNames: ['f'.repeat(64), 'g'.repeat(64)],
      deliveryRoleArns: [`arn:aws-us-gov:iam::111122223333:role/${'r'.repeat(64)}`],
      functionRoleArns: [`arn:aws-us-gov:iam::111122223333:role/${'k'.repeat(64)}`],
      bucketNames: ['x'.repeat(63), 'y'.repeat(63)],
      keyArns: Array.from({ length: 7 }, (_, i) => `arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/${i}${'0'.repeat(35)}`),
      deliveryStreamNames: ['d'.repeat(64)],
      alarmNames: Array.from({ length: 9 }, (_, i) => `${cluster}-audit-cluster-admin-bindings${i}`),
      insightRuleNames: [`${cluster}-audit-403-by-principal`],
      topicArns: [`arn:aws-us-gov:sns:us-gov-west-1:111122223333:${'t'.repeat(100)}`],
      accountWide: true,
    });
    expect(Object.keys(long)).toHaveLength(17);
    for (const p of [...Object.values(long), rulesPattern('r'.repeat(39))]) {
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
      expect(name).toMatch(/^(Create|Associate|Delete|Put|Update|Disable|Schedule|Disassociate|Stop|Start|Set|Remove|Revoke|Retire|Unsubscribe|AddPermission)/);
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
    // 17 per kind of resource, and the two that watch each other.
    expect(rules).toHaveLength(19);
    expect(detections.tamperingRules).toEqual(rules);
    template.resourceCountIs('AWS::Events::Rule', 19);
    // Every rule carries one prefix, and the last two watch every rule with it, each other included.
    const json = template.toJSON().Resources as Record<string, any>;
    const names = rules.map((r) => json[Stack.of(r).getLogicalId(r.node.defaultChild as any)].Properties.Name as string);
    const prefix = names[0].slice(0, names[0].lastIndexOf('-') + 1);
    expect(names.every((n) => n.startsWith(prefix) && n.length <= 64)).toBe(true);
    expect(names.slice(-2)).toEqual([`${prefix}Rules`, `${prefix}RulesWatch`]);
    const watchers = rules.slice(-2).map((r) => json[Stack.of(r).getLogicalId(r.node.defaultChild as any)].Properties.EventPattern);
    for (const watcher of watchers) {
      for (const name of names) {
        expect(matchesEventPattern(watcher, apiCall('events', 'DisableRule', { name }))).toBe(true);
      }
    }
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
    expect(() => matchesEventPattern({ a: [{ 'anything-but': 'x' }] }, { a: 'y' })).toThrow(/unsupported/);
    expect(() => matchesEventPattern({ a: [{ numeric: ['>', 1] }] }, { a: 2 })).toThrow(/unsupported/);
    expect(() => matchesEventPattern({ $and: [] }, {})).toThrow(/unsupported/);
    expect(() => matchesEventPattern({ $or: [{ a: ['x'] }] }, {})).toThrow(/at least two/);
  });

  test('prefix, suffix and $or follow EventBridge', () => {
    expect(matchesEventPattern({ a: [{ prefix: 'ab' }] }, { a: 'abc' })).toBe(true);
    expect(matchesEventPattern({ a: [{ prefix: 'ab' }] }, { a: 'cab' })).toBe(false);
    expect(matchesEventPattern({ a: [{ suffix: 'bc' }, 'zz'] }, { a: 'abc' })).toBe(true);
    expect(matchesEventPattern({ a: [{ suffix: 'bc' }] }, { a: 7 })).toBe(false);
    expect(matchesEventPattern({ $or: [{ a: ['x'] }, { b: ['y'] }] }, { b: 'y' })).toBe(true);
    expect(matchesEventPattern({ k: ['v'], $or: [{ a: ['x'] }, { b: ['y'] }] }, { k: 'w', b: 'y' })).toBe(false);
  });
});

test('the watched CloudTrail events are pinned: dropping one fails here, not only in a review', () => {
  expect(TAMPERING_EVENTS).toEqual({
    logs: ['DeleteLogGroup', 'DeleteLogStream', 'PutRetentionPolicy', 'DeleteRetentionPolicy', 'DisassociateKmsKey', 'AssociateKmsKey',
      'DeleteSubscriptionFilter', 'PutSubscriptionFilter', 'DeleteMetricFilter', 'PutMetricFilter'],
    logsByIdentifier: ['PutDataProtectionPolicy', 'DeleteDataProtectionPolicy', 'PutTransformer', 'DeleteTransformer', 'AssociateKmsKey', 'DisassociateKmsKey'],
    eks: ['UpdateClusterConfig', 'DeleteCluster', 'CreateAccessEntry', 'UpdateAccessEntry', 'DeleteAccessEntry', 'AssociateAccessPolicy',
      'DisassociateAccessPolicy', 'UpdateAddon', 'DeleteAddon', 'AssociateIdentityProviderConfig', 'DisassociateIdentityProviderConfig', 'CreateAddon',
      'AssociateEncryptionConfig'],
    s3: ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketLifecycle', 'DeleteBucketLifecycle', 'PutBucketVersioning', 'PutBucketLogging',
      'PutBucketEncryption', 'DeleteBucketEncryption', 'PutObjectLockConfiguration', 'PutBucketObjectLockConfiguration', 'DeleteBucket',
      'PutBucketReplication', 'DeleteBucketReplication', 'PutBucketNotification', 'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock',
      'PutBucketOwnershipControls', 'PutBucketAcl'],
    kms: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'DisableKeyRotation', 'CreateGrant', 'RevokeGrant', 'RetireGrant'],
    firehose: ['DeleteDeliveryStream', 'UpdateDestination', 'StopDeliveryStreamEncryption', 'StartDeliveryStreamEncryption'],
    alarms: ['DeleteAlarms', 'DisableAlarmActions'],
    alarm: ['PutMetricAlarm', 'SetAlarmState'],
    insightRules: ['DeleteInsightRules', 'DisableInsightRules'],
    insightRule: ['PutInsightRule'],
    topic: ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission'],
    topicDataProtection: ['PutDataProtectionPolicy'],
    subscriptions: ['Unsubscribe', 'SetSubscriptionAttributes'],
    functions: ['UpdateFunctionCode20150331v2', 'UpdateFunctionConfiguration20150331v2', 'DeleteFunction20150331', 'AddPermission20150331v2',
      'PutFunctionConcurrency20171031'],
    streamsWithRole: ['CreateDeliveryStream', 'UpdateDestination'],
    functionsWithRole: ['CreateFunction20150331', 'UpdateFunctionConfiguration20150331v2'],
    accountWide: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutAccountPolicy', 'DeleteAccountPolicy'],
    rules: ['DisableRule', 'DeleteRule', 'PutRule', 'RemoveTargets', 'PutTargets'],
  });
});
