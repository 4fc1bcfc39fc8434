/**
 * EventBridge event patterns for CloudTrail records of API calls that switch off or destroy the
 * audit evidence: the control-plane log group and its filters, the cluster's logging
 * configuration, the archive buckets, the keys, the delivery stream and the alarms themselves.
 * Pure: resource names in, patterns out (one pattern per service, each small enough for
 * EventBridge's pattern size limit even with deploy-time names).
 *
 * EventBridge receives these records only when the account has a CloudTrail trail recording
 * management events.
 */

/** The resources whose tampering AuditDetections watches. A service without resources is not watched. */
export interface EvidenceResources {
  /** Log groups (their filters, retention, key, data protection, existence). @default - none */
  readonly logGroupNames?: string[];
  /** EKS clusters (logging configuration, access entries and policies, add-ons, identity providers, existence). @default - none */
  readonly clusterNames?: string[];
  /** S3 buckets of this account (policy, lifecycle, versioning, encryption, logging, Object Lock, replication, notifications, public access block). @default - none */
  readonly bucketNames?: string[];
  /** KMS keys (disabling, deletion, key policy, rotation). @default - none */
  readonly keyArns?: string[];
  /** Firehose delivery streams (deletion, destination, encryption). @default - none */
  readonly deliveryStreamNames?: string[];
  /** CloudWatch alarms (deletion, actions, changes, forced state). @default - none */
  readonly alarmNames?: string[];
  /** Contributor Insights rules (deletion, disabling). @default - none */
  readonly insightRuleNames?: string[];
  /** SNS topics the alarms notify (deletion, attributes, permissions, and their subscriptions removed or filtered). @default - none */
  readonly topicArns?: string[];
  /** Lambda functions whose code, configuration or permissions must not change unseen (the kubectl handler is cluster admin). @default - none */
  readonly functionNames?: string[];
  /** Roles only the archive's delivery stream may use: any stream created or pointed at one of them is reported. @default - none */
  readonly deliveryRoleArns?: string[];
  /** Roles only the watched functions may run as (the kubectl handler's is cluster admin): any Lambda function created or reconfigured to run as one is reported. @default - none */
  readonly functionRoleArns?: string[];
  /**
   * Also watch account-wide switches: CloudTrail trails stopped, deleted or narrowed, and CloudWatch
   * Logs account policies (data protection, subscription filters) put or deleted.
   * @default false
   */
  readonly accountWide?: boolean;
}

/** The CloudTrail event names, per watched kind of resource, that can switch off or destroy evidence. */
export const TAMPERING_EVENTS = {
  logs: ['DeleteLogGroup', 'DeleteLogStream', 'PutRetentionPolicy', 'DeleteRetentionPolicy', 'DisassociateKmsKey', 'AssociateKmsKey',
    'DeleteSubscriptionFilter', 'PutSubscriptionFilter', 'DeleteMetricFilter', 'PutMetricFilter'],
  logsByIdentifier: ['PutDataProtectionPolicy', 'DeleteDataProtectionPolicy', 'PutTransformer', 'DeleteTransformer', 'AssociateKmsKey', 'DisassociateKmsKey'],
  eks: ['UpdateClusterConfig', 'DeleteCluster', 'CreateAccessEntry', 'UpdateAccessEntry', 'DeleteAccessEntry',
    'AssociateAccessPolicy', 'DisassociateAccessPolicy', 'UpdateAddon', 'DeleteAddon', 'AssociateIdentityProviderConfig',
    'DisassociateIdentityProviderConfig', 'CreateAddon', 'AssociateEncryptionConfig'],
  s3: ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketLifecycle', 'DeleteBucketLifecycle', 'PutBucketVersioning',
    'PutBucketLogging', 'PutBucketEncryption', 'DeleteBucketEncryption', 'PutObjectLockConfiguration',
    'PutBucketObjectLockConfiguration', 'DeleteBucket', 'PutBucketReplication', 'DeleteBucketReplication', 'PutBucketNotification',
    'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock', 'PutBucketOwnershipControls', 'PutBucketAcl'],
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
} as const;

const API_CALL = ['AWS API Call via CloudTrail'];

function pattern(sources: string[], events: readonly string[], detail: object = {}): object {
  return { 'source': sources, 'detail-type': API_CALL, 'detail': { eventName: [...events], ...detail } };
}

/** A pattern's detail matching `values` at one field path, or at any of several (an `$or`). */
function matchAt(paths: string[][], values: Array<string | object>): object {
  const at = (path: string[]) => path.reduceRight<object>((match, key) => ({ [key]: match }), [...values]);
  return paths.length === 1 ? at(paths[0]) : { $or: paths.map(at) };
}

/** One EventBridge pattern per watched kind of resource that has resources, keyed by a short name. */
export function tamperingPatterns(r: EvidenceResources): Record<string, object> {
  const patterns: Record<string, object> = {};
  /** One pattern matching `values` (exact, or content filters such as `{ suffix }`) at `field`, or at any of several fields. */
  const add = (name: string, source: string, events: readonly string[], field: string[] | string[][], values: Array<string | object> | undefined) => {
    if (!values || values.length === 0) { return; }
    patterns[name] = pattern([source], events, matchAt(Array.isArray(field[0]) ? field as string[][] : [field as string[]], values));
  };
  add('Logs', 'aws.logs', TAMPERING_EVENTS.logs, ['requestParameters', 'logGroupName'], r.logGroupNames);
  // These calls take a name or an ARN, in logGroupIdentifier or (the key calls) resourceIdentifier.
  add('LogsByIdentifier', 'aws.logs', TAMPERING_EVENTS.logsByIdentifier,
    [['requestParameters', 'logGroupIdentifier'], ['requestParameters', 'resourceIdentifier']],
    r.logGroupNames?.flatMap((name) => [name, { suffix: `:log-group:${name}` }]));
  add('Cluster', 'aws.eks', TAMPERING_EVENTS.eks, ['requestParameters', 'name'], r.clusterNames);
  add('Buckets', 'aws.s3', TAMPERING_EVENTS.s3, ['requestParameters', 'bucketName'], r.bucketNames);
  add('Keys', 'aws.kms', TAMPERING_EVENTS.kms, ['resources', 'ARN'], r.keyArns);
  add('Stream', 'aws.firehose', TAMPERING_EVENTS.firehose, ['requestParameters', 'deliveryStreamName'], r.deliveryStreamNames);
  add('Alarms', 'aws.cloudwatch', TAMPERING_EVENTS.alarms, ['requestParameters', 'alarmNames'], r.alarmNames);
  add('AlarmChanges', 'aws.cloudwatch', TAMPERING_EVENTS.alarm, ['requestParameters', 'alarmName'], r.alarmNames);
  add('InsightRules', 'aws.cloudwatch', TAMPERING_EVENTS.insightRules, ['requestParameters', 'ruleNames'], r.insightRuleNames);
  add('InsightRuleChanges', 'aws.cloudwatch', TAMPERING_EVENTS.insightRule, ['requestParameters', 'ruleName'], r.insightRuleNames);
  add('Topic', 'aws.sns', TAMPERING_EVENTS.topic, ['requestParameters', 'topicArn'], r.topicArns);
  // A data protection policy that denies inbound messages silences the topic as surely as deleting it.
  add('TopicDataProtection', 'aws.sns', TAMPERING_EVENTS.topicDataProtection, ['requestParameters', 'resourceArn'], r.topicArns);
  // A subscription's ARN is its topic's ARN and an id: a filter policy that drops everything, or an
  // unsubscribe, silences the alarms as surely as deleting the topic.
  add('TopicSubscriptions', 'aws.sns', TAMPERING_EVENTS.subscriptions, ['requestParameters', 'subscriptionArn'],
    r.topicArns?.map((arn) => ({ prefix: `${arn}:` })));
  // A function may be named by name, full ARN or partial ARN.
  add('Functions', 'aws.lambda', TAMPERING_EVENTS.functions, ['requestParameters', 'functionName'],
    r.functionNames?.flatMap((name) => [name, { suffix: `:function:${name}` }]));
  // A second function running as the kubectl handler's role would be cluster admin too.
  add('FunctionsWithRole', 'aws.lambda', TAMPERING_EVENTS.functionsWithRole, ['requestParameters', 'role'], r.functionRoleArns);
  // The delivery role trusts Firehose of this account: a second stream using it could write into
  // the archive as the real one does.
  add('StreamsWithDeliveryRole', 'aws.firehose', TAMPERING_EVENTS.streamsWithRole,
    ['extendedS3DestinationConfiguration', 's3DestinationConfiguration', 'extendedS3DestinationUpdate', 's3DestinationUpdate']
      .map((key) => ['requestParameters', key, 'roleARN']), r.deliveryRoleArns);
  if (r.accountWide) {
    patterns.AccountWide = pattern(['aws.cloudtrail', 'aws.logs'], TAMPERING_EVENTS.accountWide);
  }
  return patterns;
}

/**
 * The pattern that watches the tampering rules, all named with one prefix: DisableRule, DeleteRule
 * and PutRule name the rule in `name`, PutTargets and RemoveTargets in `rule`.
 */
export function rulesPattern(ruleNamePrefix: string): object {
  return pattern(['aws.events'], TAMPERING_EVENTS.rules, matchAt([['requestParameters', 'name'], ['requestParameters', 'rule']], [{ prefix: ruleNamePrefix }]));
}
