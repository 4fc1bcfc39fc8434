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
  /** Log groups (their filters, retention, key and existence). @default - none */
  readonly logGroupNames?: string[];
  /** EKS clusters (their logging configuration and existence). @default - none */
  readonly clusterNames?: string[];
  /** S3 buckets of this account (policy, lifecycle, versioning, encryption, logging, Object Lock). @default - none */
  readonly bucketNames?: string[];
  /** KMS keys (disabling, deletion, key policy, rotation). @default - none */
  readonly keyArns?: string[];
  /** Firehose delivery streams (deletion, destination, encryption). @default - none */
  readonly deliveryStreamNames?: string[];
  /** CloudWatch alarms (deletion, actions, changes). @default - none */
  readonly alarmNames?: string[];
}

/** The CloudTrail event names, per service, that can switch off or destroy evidence. */
export const TAMPERING_EVENTS = {
  logs: ['DeleteLogGroup', 'DeleteLogStream', 'PutRetentionPolicy', 'DeleteRetentionPolicy', 'DisassociateKmsKey',
    'DeleteSubscriptionFilter', 'PutSubscriptionFilter', 'DeleteMetricFilter', 'PutMetricFilter'],
  eks: ['UpdateClusterConfig', 'DeleteCluster'],
  s3: ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketLifecycle', 'DeleteBucketLifecycle', 'PutBucketVersioning',
    'PutBucketLogging', 'PutBucketEncryption', 'DeleteBucketEncryption', 'PutBucketObjectLockConfiguration', 'DeleteBucket'],
  kms: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'DisableKeyRotation'],
  firehose: ['DeleteDeliveryStream', 'UpdateDestination', 'StopDeliveryStreamEncryption'],
  cloudwatch: ['DeleteAlarms', 'DisableAlarmActions', 'PutMetricAlarm'],
} as const;

const API_CALL = ['AWS API Call via CloudTrail'];

/** One EventBridge pattern per watched service that has resources, keyed by a short name. */
export function tamperingPatterns(r: EvidenceResources): Record<string, object> {
  const patterns: Record<string, object> = {};
  const add = (name: string, source: string, eventSource: string, events: readonly string[], match: object, values: string[] | undefined) => {
    if (!values || values.length === 0) { return; }
    patterns[name] = {
      'source': [source],
      'detail-type': API_CALL,
      'detail': { eventSource: [eventSource], eventName: [...events], ...match },
    };
  };
  add('Logs', 'aws.logs', 'logs.amazonaws.com', TAMPERING_EVENTS.logs, { requestParameters: { logGroupName: r.logGroupNames } }, r.logGroupNames);
  add('Cluster', 'aws.eks', 'eks.amazonaws.com', TAMPERING_EVENTS.eks, { requestParameters: { name: r.clusterNames } }, r.clusterNames);
  add('Buckets', 'aws.s3', 's3.amazonaws.com', TAMPERING_EVENTS.s3, { requestParameters: { bucketName: r.bucketNames } }, r.bucketNames);
  add('Keys', 'aws.kms', 'kms.amazonaws.com', TAMPERING_EVENTS.kms, { resources: { ARN: r.keyArns } }, r.keyArns);
  add('Stream', 'aws.firehose', 'firehose.amazonaws.com', TAMPERING_EVENTS.firehose, { requestParameters: { deliveryStreamName: r.deliveryStreamNames } }, r.deliveryStreamNames);
  add('Alarms', 'aws.cloudwatch', 'monitoring.amazonaws.com', TAMPERING_EVENTS.cloudwatch, { requestParameters: { alarmNames: r.alarmNames } }, r.alarmNames);
  return patterns;
}
