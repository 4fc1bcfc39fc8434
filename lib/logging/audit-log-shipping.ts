import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { checkAuditLogOptions } from './audit-validation';
import { applyAcknowledgements, auditArchiveAcknowledgements } from '../nag/acknowledgements';
import { createEncryptedLogGroup } from './encrypted-log-group';
import { AUDIT_LOG_DEFAULTS, AUDIT_EVENTS_PATTERN, WARNINGS } from '../private/defaults';
import { PropProblems } from '../private/errors';
import { stableHash } from '../private/names';
import { createLibraryKey } from '../private/key-policy';

/**
 * How the audit bucket's S3 Object Lock protects each object for the whole retention.
 */
export enum AuditObjectLockMode {
  /**
   * Nobody, not even the account root user, can delete or overwrite an object version before its
   * retention ends, and the retention cannot be shortened. Choose it only with a retention you are
   * ready to pay for to the end.
   */
  COMPLIANCE = 'COMPLIANCE',
  /**
   * Principals with `s3:BypassGovernanceRetention` can still delete object versions early;
   * everyone else cannot.
   */
  GOVERNANCE = 'GOVERNANCE',
  /**
   * No Object Lock at all, as release 0.1.0 created the bucket. CloudFormation cannot turn Object
   * Lock on for an existing bucket (it replaces the bucket), so a stack deployed with 0.1.0 keeps
   * its archive with this. Without Object Lock nobody can place a legal hold on an audit object.
   * Leaves the warning `cdk-hardened-eks:auditObjectLockDisabled`.
   */
  DISABLED = 'DISABLED',
}

/**
 * Where the cluster's audit events go and how long they are kept.
 *
 * By default a bucket in this stack receives them. Set `bucket` and `bucketKey` to ship to a
 * log-archive account's bucket instead, or `logsDestinationArn` to hand them to a CloudWatch Logs
 * destination of another account; these three ways exclude each other.
 */
export interface AuditLogOptions {
  /**
   * How long audit objects are kept in the bucket this stack creates, after which they expire.
   * Must be at least the control-plane log group's retention: the archive outlives the working copy.
   *
   * @default - seven years (2557 days), or the control-plane log group's retention when that is longer
   */
  readonly retention?: Duration;

  /**
   * A default retention of S3 Object Lock on the bucket this stack creates, locking every object
   * version for the whole `retention` in this mode; or `DISABLED` for a bucket without Object Lock.
   * Cannot be combined with `bucket`.
   *
   * @default - Object Lock enabled without a default retention (legal holds and per-object
   * retention possible), versioning, and a bucket policy that denies deleting objects and versions
   */
  readonly objectLock?: AuditObjectLockMode;

  /**
   * An existing bucket to deliver to, for example in a log-archive account. Its owner keeps its
   * encryption, lifecycle and retention; the bucket policy there must let this stack's delivery
   * role write (the README has the statements). Requires `bucketKey`.
   *
   * @default - a bucket in this stack
   */
  readonly bucket?: s3.IBucket;

  /**
   * The customer managed KMS key the existing `bucket` encrypts with. The delivery role may use it
   * only through S3 for that bucket. Its key policy must admit the delivery role when it lives in
   * another account.
   *
   * @default - none; required with `bucket`
   */
  readonly bucketKey?: kms.IKey;

  /**
   * A CloudWatch Logs destination (`arn:<partition>:logs:<region>:<account>:destination:<name>`)
   * in another account, in this stack's region, whose access policy admits this account. The
   * subscription sends audit events there and this stack creates no bucket or delivery stream.
   *
   * @default - none
   */
  readonly logsDestinationArn?: string;
}

/**
 * Props of AuditLogShipping.
 */
export interface AuditLogShippingProps extends AuditLogOptions {
  /** The EKS control-plane log group whose audit events are shipped. */
  readonly logGroup: logs.ILogGroup;

  /** The cluster's name: it names the S3 prefix, so several clusters can share one archive bucket. */
  readonly clusterName: string;

  /**
   * Retention of `logGroup`; `retention` must not be shorter.
   *
   * @default - not checked
   */
  readonly logGroupRetention?: logs.RetentionDays;

  /**
   * Topic that hears when delivery to S3 stalls.
   *
   * @default - no alarm on delivery
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Ships the Kubernetes audit events of an EKS control-plane log group out of CloudWatch Logs, to
 * a place an attacker in the cluster's account cannot quietly edit.
 *
 * A subscription filter passes every audit event (and nothing else) to an Amazon Data Firehose
 * stream, encrypted with its own customer managed key, which unpacks the CloudWatch Logs records
 * and writes the audit events as gzipped JSON lines under `eks-audit/<cluster>/YYYY/MM/DD/HH/`.
 * Records Firehose cannot process go under `eks-audit-errors/<cluster>/`; delivery errors go to
 * the log group `/aws/kinesisfirehose/<cluster>-eks-audit`.
 *
 * The bucket this stack creates by default: SSE-KMS with its own key (rotation on; disabling or
 * deleting it denied to everyone), versioning, Block Public Access, TLS 1.2 or later only, writes
 * only by the delivery role, deleting objects and versions denied to everyone, server access logs
 * to a second bucket, cheaper storage classes after 30, 90 and 365 days, expiry after the
 * retention (seven years by default, or the log group's when longer) with expired versions kept
 * 30 more days, optional Object Lock. Both buckets, the keys and the error log group are retained
 * when the stack is deleted.
 *
 * IAM: CloudWatch Logs may only put records from this log group into this stream, from this
 * account; Firehose may only write this cluster's objects to this bucket, use its key through S3
 * for this bucket, and write its one error log stream.
 */
export class AuditLogShipping extends Construct {
  /** The bucket the audit events land in; undefined when they go to a CloudWatch Logs destination. */
  public readonly bucket?: s3.IBucket;

  /** The key of `bucket`; undefined when they go to a CloudWatch Logs destination. */
  public readonly bucketKey?: kms.IKey;

  /** The bucket receiving the audit bucket's server access logs, when this stack created the audit bucket. */
  public readonly accessLogsBucket?: s3.IBucket;

  /** The key of the server access log bucket, when this stack created the audit bucket. */
  public readonly accessLogsKey?: kms.IKey;

  /** The Firehose delivery stream; undefined when the events go to a CloudWatch Logs destination. */
  public readonly deliveryStream?: firehose.CfnDeliveryStream;

  /** The key encrypting the delivery stream's buffered data. */
  public readonly streamKey?: kms.IKey;

  /** The role Firehose uses to write to the bucket. */
  public readonly deliveryRole?: iam.IRole;

  /** The subscription filter on the control-plane log group. */
  public readonly subscriptionFilter: logs.CfnSubscriptionFilter;

  /** Days objects stay in the bucket this stack created; undefined for an existing bucket or a destination. */
  public readonly retentionDays?: number;

  /** The S3 key prefix of delivered audit events. */
  public readonly objectPrefix?: string;

  /** Alarm that fires when delivery to S3 falls behind; present when an alarm topic was given. */
  public readonly deliveryAlarm?: cloudwatch.Alarm;

  /** The topic the delivery alarm notifies (on a HardenedEksCluster, the audit detections' topic). */
  public readonly alarmTopic?: sns.ITopic;

  /** The log group Firehose writes delivery errors to (S3 or KMS access denied, for example). */
  public readonly deliveryErrorLogGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: AuditLogShippingProps) {
    super(scope, id);
    const problems = new PropProblems();
    checkAuditLogOptions(problems, '', props, props.logGroupRetention, Stack.of(this).region);
    problems.throwIfAny(this.node.path);

    if (props.logsDestinationArn !== undefined) {
      this.subscriptionFilter = new logs.CfnSubscriptionFilter(this, 'Subscription', {
        logGroupName: props.logGroup.logGroupName,
        destinationArn: props.logsDestinationArn,
        filterPattern: AUDIT_EVENTS_PATTERN,
      });
      return;
    }

    const stack = Stack.of(this);
    this.objectPrefix = `eks-audit/${props.clusterName}/`;
    const errorPrefix = `eks-audit-errors/${props.clusterName}/`;
    this.alarmTopic = props.alarmTopic;

    if (props.bucket) {
      this.bucket = props.bucket;
      this.bucketKey = props.bucketKey;
    } else {
      const created = this.createBucket(props);
      this.bucket = created.bucket;
      this.bucketKey = created.key;
      this.accessLogsBucket = created.accessLogs;
      this.accessLogsKey = created.accessLogsKey;
      this.retentionDays = created.retentionDays;
    }
    const bucket = this.bucket;
    const bucketKey = this.bucketKey!;

    const streamKey = createLibraryKey(this, 'StreamKey', `Encrypts the audit events Firehose buffers for EKS cluster ${props.clusterName}`);
    this.streamKey = streamKey;

    const deliveryRole = new iam.Role(this, 'DeliveryRole', {
      // An archive in another account names this role in its bucket and key policies: give it a
      // name known before deployment.
      roleName: props.bucket ? deliveryRoleName(stack.stackName, props.clusterName) : undefined,
      description: `Firehose writes the audit events of EKS cluster ${props.clusterName} to S3`,
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': stack.account } },
      }),
    });
    this.deliveryRole = deliveryRole;
    const objectResources = [bucket.arnForObjects(`${this.objectPrefix}*`), bucket.arnForObjects(`${errorPrefix}*`)];
    const deliveryPolicy = new iam.ManagedPolicy(this, 'DeliveryPolicy', {
      description: `Only what Firehose needs to write the audit events of EKS cluster ${props.clusterName} to one bucket`,
      roles: [deliveryRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteAuditObjects',
          actions: ['s3:AbortMultipartUpload', 's3:PutObject'],
          resources: objectResources,
        }),
        new iam.PolicyStatement({
          sid: 'FindBucket',
          actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          resources: [bucket.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'EncryptThroughS3ForThisBucketOnly',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [bucketKey.keyArn],
          conditions: {
            // The key's region: an archive bucket may live in another region than this stack.
            StringEquals: { 'kms:ViaService': `s3.${bucketKey.env.region}.amazonaws.com` },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, `${bucket.bucketArn}/*`] },
          },
        }),
      ],
    });

    if (this.accessLogsBucket) {
      // Only the delivery role writes into the archive; anything else would be a forged audit record.
      this.bucket.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'DenyWritesExceptTheDeliveryRole',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject', 's3:ReplicateObject', 's3:ReplicateDelete'],
        resources: [bucket.arnForObjects('*')],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': deliveryRole.roleArn } },
      }));
    }

    // Delivery failures (S3 or KMS access denied) are only visible here; the error prefix holds
    // records that failed processing.
    const errorLogs = createEncryptedLogGroup(this, {
      keyId: 'DeliveryErrorLogKey',
      logGroupId: 'DeliveryErrorLogGroup',
      logGroupName: `/aws/kinesisfirehose/${props.clusterName}-eks-audit`,
      retention: logs.RetentionDays.ONE_YEAR,
      keyDescription: `Encrypts the Firehose delivery error log of the audit events of EKS cluster ${props.clusterName}`,
    });
    this.deliveryErrorLogGroup = errorLogs.logGroup;
    const errorStream = new logs.LogStream(this, 'DeliveryErrorLogStream', {
      logGroup: errorLogs.logGroup,
      logStreamName: 'S3Delivery',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    deliveryPolicy.addStatements(new iam.PolicyStatement({
      sid: 'WriteDeliveryErrors',
      actions: ['logs:PutLogEvents'],
      resources: [stack.formatArn({
        service: 'logs', resource: 'log-group', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        resourceName: `${errorLogs.logGroup.logGroupName}:log-stream:${errorStream.logStreamName}`,
      })],
    }));

    const stream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: streamKey.keyArn },
      extendedS3DestinationConfiguration: {
        bucketArn: bucket.bucketArn,
        roleArn: deliveryRole.roleArn,
        prefix: `${this.objectPrefix}!{timestamp:yyyy/MM/dd/HH}/`,
        errorOutputPrefix: `${errorPrefix}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/`,
        bufferingHints: { intervalInSeconds: AUDIT_LOG_DEFAULTS.bufferSeconds, sizeInMBs: AUDIT_LOG_DEFAULTS.bufferMiB },
        compressionFormat: 'GZIP',
        cloudWatchLoggingOptions: { enabled: true, logGroupName: errorLogs.logGroup.logGroupName, logStreamName: errorStream.logStreamName },
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: bucketKey.keyArn } },
        processingConfiguration: {
          enabled: true,
          processors: [
            // CloudWatch Logs sends gzipped batches; store the audit events themselves, one JSON per line.
            { type: 'Decompression', parameters: [{ parameterName: 'CompressionFormat', parameterValue: 'GZIP' }] },
            { type: 'CloudWatchLogProcessing', parameters: [{ parameterName: 'DataMessageExtraction', parameterValue: 'true' }] },
            // A newline after each record, so objects are JSON lines that Athena and jq read as they are.
            { type: 'AppendDelimiterToRecord' },
          ],
        },
      },
    });
    stream.node.addDependency(deliveryPolicy);
    applyAcknowledgements(auditArchiveAcknowledgements({
      deliveryPolicy,
      objectArns: objectResources,
      bucket: this.accessLogsBucket ? bucket : undefined,
      accessLogsBucket: this.accessLogsBucket,
    }));
    this.deliveryStream = stream;

    const subscriptionRole = new iam.Role(this, 'SubscriptionRole', {
      description: `CloudWatch Logs puts the audit events of EKS cluster ${props.clusterName} into one Firehose stream`,
      assumedBy: new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`, {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': props.logGroup.logGroupArn },
        },
      }),
    });
    const subscriptionPolicy = new iam.ManagedPolicy(this, 'SubscriptionPolicy', {
      description: `Only PutRecord into the audit delivery stream of EKS cluster ${props.clusterName}`,
      roles: [subscriptionRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'PutIntoTheAuditStream',
          actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
          resources: [stream.attrArn],
        }),
        // Writers into a stream encrypted with a customer managed key need the key through Firehose,
        // per an AWS notice on Firehose CMK encryption (2026) seen quoted in public issue trackers;
        // not verified in the AWS documentation or by a deployment.
        new iam.PolicyStatement({
          sid: 'UseTheStreamKeyThroughFirehose',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [streamKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `firehose.${stack.region}.amazonaws.com` } },
        }),
      ],
    });

    this.subscriptionFilter = new logs.CfnSubscriptionFilter(this, 'Subscription', {
      logGroupName: props.logGroup.logGroupName,
      destinationArn: stream.attrArn,
      roleArn: subscriptionRole.roleArn,
      filterPattern: AUDIT_EVENTS_PATTERN,
    });
    this.subscriptionFilter.node.addDependency(subscriptionPolicy);

    if (props.alarmTopic) {
      this.deliveryAlarm = new cloudwatch.Alarm(this, 'DeliveryStalledAlarm', {
        alarmName: `${props.clusterName}-audit-delivery-stalled`,
        alarmDescription: `Audit events of EKS cluster ${props.clusterName} have waited more than ${AUDIT_LOG_DEFAULTS.stalledAfter.toMinutes()} minutes ` +
          'in Firehose: S3 delivery is failing (bucket policy, key policy or a deleted bucket). The delivery error log group says why.',
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Firehose',
          metricName: 'DeliveryToS3.DataFreshness',
          dimensionsMap: { DeliveryStreamName: stream.ref },
          statistic: 'Maximum',
          period: Duration.minutes(5),
        }),
        threshold: AUDIT_LOG_DEFAULTS.stalledAfter.toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.deliveryAlarm.addAlarmAction(new cw_actions.SnsAction(props.alarmTopic));
    }
  }

  private createBucket(props: AuditLogShippingProps): { bucket: s3.Bucket; key: kms.Key; accessLogs: s3.Bucket; accessLogsKey: kms.Key; retentionDays: number } {
    // Never shorter than the log group it archives.
    const retentionDays = props.retention?.toDays()
      ?? Math.max(AUDIT_LOG_DEFAULTS.retention.toDays(), props.logGroupRetention ?? 0);
    const key = createLibraryKey(this, 'BucketKey', `Encrypts the audit log archive of EKS cluster ${props.clusterName}`);
    // Destroying the key would make every archived object unreadable, Object Lock or not. Someone
    // must first rewrite this key policy (PutKeyPolicy, in CloudTrail and watched by the
    // evidence-tampering rule) and then wait the 7-day minimum before deletion.
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyDisablingOrDeletingTheArchiveKey',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:DisableKey', 'kms:ScheduleKeyDeletion'],
      resources: ['*'],
    }));

    // Server access logs, on a key of their own that S3 log delivery of this account may use.
    // No Object Lock here: S3 does not deliver server access logs into a bucket that has it.
    const accessLogsKey = createLibraryKey(this, 'AccessLogsBucketKey', `Encrypts the server access logs of the audit log archive of EKS cluster ${props.clusterName}`);
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
      ...PROTECTED_BUCKET,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: accessLogsKey,
      bucketKeyEnabled: true,
      // A version that became non-current early is evidence that someone overwrote a log (which
      // the policy below refuses): it stays for the whole retention.
      lifecycleRules: expiryRules('expire-access-logs', retentionDays, [], Duration.days(retentionDays)),
    });
    accessLogsKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'S3LogDeliveryOfThisAccountEncryptsAccessLogs',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['kms:GenerateDataKey'],
      resources: ['*'],
      // The bucket's own ARN cannot be named here: the bucket depends on the key.
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));

    const bucket = new s3.Bucket(this, 'Bucket', {
      ...PROTECTED_BUCKET,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      // DISABLED renders nothing, exactly as 0.1.0 did: CloudFormation replaces a bucket whose
      // ObjectLockEnabled changes, even from absent to false.
      objectLockEnabled: props.objectLock === AuditObjectLockMode.DISABLED ? undefined : true,
      objectLockDefaultRetention: objectLockRetention(props.objectLock, retentionDays),
      lifecycleRules: expiryRules('archive-then-expire', retentionDays, lifecycleTransitions(retentionDays)),
    });
    if (props.objectLock === AuditObjectLockMode.DISABLED) {
      Annotations.of(this).addWarningV2(WARNINGS.auditObjectLockDisabled,
        'auditLog.objectLock is DISABLED: the audit bucket has no S3 Object Lock, so no legal hold or retention can be placed on an audit object. ' +
        'Keep it only for an archive created by release 0.1.0 (CloudFormation replaces a bucket to turn Object Lock on).');
    }
    // Written by hand, not through serverAccessLogsBucket: that helper switches between an ACL and
    // a bucket policy on a feature flag, and the library must not depend on the consumer's flags.
    const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.loggingConfiguration = { destinationBucketName: accessLogs.bucketName, logFilePrefix: 'audit-bucket/' };
    // Every object event goes to EventBridge, natively: aws-cdk-lib's eventBridgeEnabled would add a
    // custom resource and a Lambda function of its own.
    for (const b of [bucket, accessLogs]) {
      (b.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
    accessLogs.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'S3ServerAccessLogsOfTheAuditBucketOnly',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [accessLogs.arnForObjects('audit-bucket/*')],
      conditions: {
        ArnLike: { 'aws:SourceArn': bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      },
    }));
    // Only S3's log delivery writes access logs (the statement above limits it to the archive's);
    // an IAM principal with s3:PutObject could otherwise overwrite the record of who read what.
    accessLogs.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyWritesExceptS3LogDelivery',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject', 's3:ReplicateObject', 's3:ReplicateDelete'],
      resources: [accessLogs.arnForObjects('*')],
      conditions: { StringNotEqualsIfExists: { 'aws:PrincipalServiceName': 'logging.s3.amazonaws.com' } },
    }));
    // Objects leave only by lifecycle expiry (which no bucket policy can stop), never by a request:
    // the audit objects, and the record of who read them.
    for (const b of [bucket, accessLogs]) {
      b.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'DenyDeletingObjects',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [b.arnForObjects('*')],
      }));
    }
    return { bucket, key, accessLogs, accessLogsKey, retentionDays };
  }
}

/** What both buckets of the archive share: no public access, owner-enforced, TLS 1.2+, versioned, retained. */
const PROTECTED_BUCKET: s3.BucketProps = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
  removalPolicy: RemovalPolicy.RETAIN,
};

/**
 * Lifecycle of a bucket nobody may delete from (bucket policy): expiry after the retention, and the
 * expired version kept for the undo window (a version becomes noncurrent only by this expiry, or
 * after someone rewrote the bucket policy), not for a second retention.
 */
function expiryRules(id: string, retentionDays: number, transitions: s3.Transition[], noncurrentKept: Duration = AUDIT_LOG_DEFAULTS.undoWindow): s3.LifecycleRule[] {
  return [{
    id,
    transitions: transitions.length > 0 ? transitions : undefined,
    expiration: Duration.days(retentionDays),
    noncurrentVersionExpiration: noncurrentKept,
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  }, {
    id: 'remove-expired-delete-markers',
    expiredObjectDeleteMarker: true,
  }];
}

/**
 * Storage classes the archive moves through: Standard-IA after 30 days, Glacier Instant Retrieval
 * after 90, Deep Archive after a year. Each step is taken only when objects would stay in that class
 * for at least its minimum storage duration (30, 90 and 180 days) before expiring.
 */
export function lifecycleTransitions(retentionDays: number): s3.Transition[] {
  const steps: Array<{ storageClass: s3.StorageClass; after: number; minimumStay: number }> = [
    { storageClass: s3.StorageClass.INFREQUENT_ACCESS, after: 30, minimumStay: 30 },
    { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, after: 90, minimumStay: 90 },
    { storageClass: s3.StorageClass.DEEP_ARCHIVE, after: 365, minimumStay: 180 },
  ];
  return steps
    .filter((s) => s.after + s.minimumStay <= retentionDays)
    .map((s) => ({ storageClass: s.storageClass, transitionAfter: Duration.days(s.after) }));
}

function objectLockRetention(mode: AuditObjectLockMode | undefined, days: number): s3.ObjectLockRetention | undefined {
  if (mode === undefined || mode === AuditObjectLockMode.DISABLED) { return undefined; }
  return mode === AuditObjectLockMode.COMPLIANCE
    ? s3.ObjectLockRetention.compliance(Duration.days(days))
    : s3.ObjectLockRetention.governance(Duration.days(days));
}

/**
 * The delivery role's name when an archive in another account must name it: stable, at most 64
 * characters, unique per stack and cluster.
 */
export function deliveryRoleName(stackName: string, clusterName: string): string {
  return `eks-audit-delivery-${stableHash(`${stackName}/${clusterName}`, 10)}`;
}
