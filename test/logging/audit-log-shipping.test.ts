import { Annotations as AssertAnnotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { nagPacks } from '../../examples/basic';
import { AuditLogShipping, AuditLogShippingProps, AuditObjectLockMode } from '../../lib';
import { deliveryRoleName, lifecycleTransitions } from '../../lib/logging/audit-log-shipping';
import { AUDIT_EVENTS_PATTERN, AUDIT_LOG_DEFAULTS, WARNINGS } from '../../lib/private/defaults';
import { fastApp, warningsOf } from '../fixtures';
import { HardenedEksTesting } from '../../lib/testing/hardened-eks-testing';

const ARCHIVE_ACCOUNT = '999988887777';

function ship(props: Partial<AuditLogShippingProps> = {}, env = { account: '111122223333', region: 'eu-west-1' }) {
  const app = fastApp();
  const stack = new Stack(app, 'Test', { env });
  const logGroup = new logs.LogGroup(stack, 'ControlPlane', { logGroupName: '/aws/eks/prod/cluster', retention: logs.RetentionDays.ONE_YEAR });
  const shipping = new AuditLogShipping(stack, 'AuditLog', {
    logGroup, clusterName: 'prod', logGroupRetention: logs.RetentionDays.ONE_YEAR, ...props,
  });
  return { app, stack, shipping, template: Template.fromStack(stack) };
}

function importedArchive(stack: Stack) {
  return {
    bucket: s3.Bucket.fromBucketName(stack, 'Archive', 'org-log-archive'),
    bucketKey: kms.Key.fromKeyArn(stack, 'ArchiveKey', `arn:aws:kms:eu-west-1:${ARCHIVE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
  };
}

function findings(app: ReturnType<typeof fastApp>): string[] {
  return nagPacks().flatMap((pack) => HardenedEksTesting.nagViolations(pack, app)
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)))
    // The test's stand-in for the control-plane log group is not the construct under test.
    .filter((f) => !f.endsWith('Test/ControlPlane/Resource'));
}

describe('AuditLogShipping, default bucket in the stack', () => {
  const { app, template, shipping } = ship();
  const bucket = () => Object.fromEntries(Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) => /^AuditLogBucket[0-9A-F]{8}$/.test(id)));
  const accessLogsBucket = () => Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) => /^AuditLogAccessLogsBucket[0-9A-F]{8}$/.test(id)).map(([, r]) => r as any);

  test('subscribes the control-plane log group with the audit-event pattern, through a role', () => {
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('ControlPlane') },
      FilterPattern: AUDIT_EVENTS_PATTERN,
      DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditLogDeliveryStream'), 'Arn'] },
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditLogSubscriptionRole'), 'Arn'] },
    });
  });

  test('Firehose: customer managed key, decompresses and extracts the events, gzip, prefixes per cluster and an error prefix', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditLogStreamKey'), 'Arn'] } },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'eks-audit/prod/!{timestamp:yyyy/MM/dd/HH}/',
        ErrorOutputPrefix: 'eks-audit-errors/prod/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
        CompressionFormat: 'GZIP',
        BufferingHints: { IntervalInSeconds: AUDIT_LOG_DEFAULTS.bufferSeconds, SizeInMBs: AUDIT_LOG_DEFAULTS.bufferMiB },
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditLogBucketKey'), 'Arn'] } } },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            { Type: 'Decompression', Parameters: [{ ParameterName: 'CompressionFormat', ParameterValue: 'GZIP' }] },
            { Type: 'CloudWatchLogProcessing', Parameters: [{ ParameterName: 'DataMessageExtraction', ParameterValue: 'true' }] },
            { Type: 'AppendDelimiterToRecord' },
          ],
        },
      }),
    });
  });

  test('the bucket: SSE-KMS with its own key and bucket keys, versioned, public access blocked, owner enforced, access logs elsewhere, Object Lock on, events to EventBridge', () => {
    const buckets = bucket();
    expect(Object.keys(buckets)).toHaveLength(1);
    const props = (Object.values(buckets)[0] as any).Properties;
    expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/AuditLogBucketKey/), 'Arn'] } },
    });
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(props.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(props.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: expect.stringMatching(/AuditLogAccessLogsBucket/) }, LogFilePrefix: 'audit-bucket/' });
    // Object Lock on (legal holds possible; CT.S3.PR.9), without a default retention unless chosen.
    expect(props.ObjectLockEnabled).toBe(true);
    expect(props.ObjectLockConfiguration).toBeUndefined();
    // Natively, not through aws-cdk-lib's notification custom resource (CT.S3.PR.4).
    expect(props.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  test('lifecycle: IA at 30 days, Glacier IR at 90, Deep Archive at 365, expiry after seven years, the expired version 30 days later', () => {
    const [rule, markers] = (Object.values(bucket())[0] as any).Properties.LifecycleConfiguration.Rules;
    expect(markers).toEqual({ Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true });
    expect(rule).toEqual(expect.objectContaining({
      Status: 'Enabled',
      ExpirationInDays: 2557,
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      Transitions: [
        { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
        { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
        { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
      ],
    }));
    expect(shipping.retentionDays).toBe(2557);
  });

  test('bucket policy: TLS 1.2+ only, only the delivery role writes or replicates, nobody deletes objects or versions', () => {
    const policy = (Object.values(template.findResources('AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: Match.stringLikeRegexp('AuditLogBucket(?!Key)') } },
    })).find((p: any) => JSON.stringify(p).includes('DenyWritesExceptTheDeliveryRole')) as any).Properties.PolicyDocument.Statement;
    const bySid = (sid: string) => policy.find((s: any) => s.Sid === sid);
    expect(policy.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    expect(policy.some((s: any) => s.Effect === 'Deny' && s.Condition?.NumericLessThan?.['s3:TlsVersion'] === 1.2)).toBe(true);
    expect(bySid('DenyDeletingObjects')).toEqual(expect.objectContaining({ Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'] }));
    expect(bySid('DenyWritesExceptTheDeliveryRole')).toEqual(expect.objectContaining({
      Effect: 'Deny', Action: ['s3:PutObject', 's3:ReplicateDelete', 's3:ReplicateObject'],
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [expect.stringMatching(/AuditLogDeliveryRole/), 'Arn'] } } },
    }));
  });

  test('server access log bucket: SSE-KMS with a key of its own that S3 log delivery of this account may use, no Object Lock, log delivery only from the audit bucket, same retention', () => {
    const [accessLogs] = accessLogsBucket();
    expect(accessLogs.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^AuditLogAccessLogsBucketKey/), 'Arn'] } },
    });
    // S3 does not deliver server access logs into a bucket with Object Lock.
    expect(accessLogs.Properties.ObjectLockEnabled).toBeUndefined();
    expect(accessLogs.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    const key = Object.entries(template.findResources('AWS::KMS::Key')).find(([id]) => /^AuditLogAccessLogsBucketKey/.test(id))![1] as any;
    expect(key.Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'S3LogDeliveryOfThisAccountEncryptsAccessLogs',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 'kms:GenerateDataKey',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    });
    expect(accessLogs.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(2557);
    // A version made non-current by an overwrite is kept for the whole retention.
    expect(accessLogs.Properties.LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 2557 });
    expect(accessLogs.Properties.PublicAccessBlockConfiguration.RestrictPublicBuckets).toBe(true);
    expect(accessLogs.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('AuditLogAccessLogsBucket') },
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        Match.objectLike({ Sid: 'DenyDeletingObjects', Effect: 'Deny', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'] }),
      ]) },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'S3ServerAccessLogsOfTheAuditBucketOnly',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditLogBucket'), 'Arn'] } }, StringEquals: { 'aws:SourceAccount': '111122223333' } },
      })]) },
    });
  });

  test('the access log bucket refuses writes from everyone but S3 log delivery, whatever their IAM policies say', () => {
    const statements = (Object.values(template.findResources('AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: Match.stringLikeRegexp('AuditLogAccessLogsBucket') } },
    }))[0] as any).Properties.PolicyDocument.Statement as any[];
    const deny = statements.find((st) => st.Sid === 'DenyWritesExceptS3LogDelivery');
    expect(deny).toEqual({
      Sid: 'DenyWritesExceptS3LogDelivery', Effect: 'Deny', Principal: { AWS: '*' },
      Action: ['s3:PutObject', 's3:ReplicateDelete', 's3:ReplicateObject'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/AuditLogAccessLogsBucket/), 'Arn'] }, '/*']] },
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalServiceName': 'logging.s3.amazonaws.com' } },
    });
    // How the Deny decides: an IAM principal carries no service name (IfExists: denied); log delivery does.
    const denied = (context: Record<string, string>) => {
      const value = context['aws:PrincipalServiceName'];
      return value === undefined || value !== deny.Condition.StringNotEqualsIfExists['aws:PrincipalServiceName'];
    };
    expect(denied({})).toBe(true);
    expect(denied({ 'aws:PrincipalServiceName': 'firehose.amazonaws.com' })).toBe(true);
    expect(denied({ 'aws:PrincipalServiceName': 'logging.s3.amazonaws.com' })).toBe(false);
    // The archive keeps the short undo window: only the delivery role writes there.
    const archive = (Object.values(bucket())[0] as any).Properties.LifecycleConfiguration.Rules[0];
    expect(archive.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 30 });
  });

  test('both buckets, all keys and the delivery error log are retained; the keys rotate', () => {
    for (const [type, count] of [['AWS::S3::Bucket', 2], ['AWS::KMS::Key', 4], ['AWS::Logs::LogGroup', 2], ['AWS::Logs::LogStream', 1]] as const) {
      const resources = Object.values(template.findResources(type)) as any[];
      expect(resources.length).toBe(count);
      for (const r of resources) {
        expect(r.DeletionPolicy).toBe('Retain');
        expect(r.UpdateReplacePolicy).toBe('Retain');
        if (type === 'AWS::KMS::Key') { expect(r.Properties.EnableKeyRotation).toBe(true); }
      }
    }
  });

  test('Firehose role: trusted by Firehose of this account only; writes this cluster\'s prefixes; the key only through S3 for this bucket', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({
        Principal: { Service: 'firehose.amazonaws.com' }, Condition: { StringEquals: { 'sts:ExternalId': '111122223333' } },
      })] },
    });
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('Firehose needs') } })) as any[];
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Sid)).toEqual(['WriteAuditObjects', 'FindBucket', 'EncryptThroughS3ForThisBucketOnly', 'WriteDeliveryErrors']);
    expect(JSON.stringify(statements[3].Resource)).toMatch(/:log-group:",\{"Ref":"AuditLogDeliveryErrorLogGroup[0-9A-F]{8}"\},":log-stream:",\{"Ref":"AuditLogDeliveryErrorLogStream[0-9A-F]{8}"\}/);
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/kinesisfirehose/prod-eks-audit', RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', { ExtendedS3DestinationConfiguration: Match.objectLike({
      CloudWatchLoggingOptions: { Enabled: true, LogGroupName: { Ref: Match.stringLikeRegexp('AuditLogDeliveryErrorLogGroup') }, LogStreamName: { Ref: Match.stringLikeRegexp('AuditLogDeliveryErrorLogStream') } },
    }) });
    expect(JSON.stringify(statements[0].Resource)).toContain('/eks-audit/prod/*');
    expect(JSON.stringify(statements[0].Resource)).toContain('/eks-audit-errors/prod/*');
    expect(statements[2].Condition.StringEquals).toEqual({ 'kms:ViaService': 's3.eu-west-1.amazonaws.com' });
    expect(JSON.stringify(statements).includes('"*"')).toBe(false);
  });

  test('subscription role: trusted by this region\'s CloudWatch Logs for this account\'s log groups; puts into this stream only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({
        Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' }, ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^ControlPlane'), 'Arn'] } } },
      })] },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [
        Match.objectLike({ Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditLogDeliveryStream'), 'Arn'] } }),
        Match.objectLike({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: { StringEquals: { 'kms:ViaService': 'firehose.eu-west-1.amazonaws.com' } } }),
      ] },
    });
  });

  test('the stream and the subscription wait for their policies (IAM is eventually consistent)', () => {
    const resources = template.toJSON().Resources;
    const stream = Object.values(resources).find((r: any) => r.Type === 'AWS::KinesisFirehose::DeliveryStream') as any;
    const sub = Object.values(resources).find((r: any) => r.Type === 'AWS::Logs::SubscriptionFilter') as any;
    expect(stream.DependsOn.some((d: string) => d.includes('DeliveryPolicy'))).toBe(true);
    expect(sub.DependsOn.some((d: string) => d.includes('SubscriptionPolicy'))).toBe(true);
  });

  test('zero unacknowledged findings in all five packs', () => {
    expect(findings(app)).toEqual([]);
  });
});

describe('AuditLogShipping options', () => {
  test('Object Lock locks every version for the whole retention, in the chosen mode', () => {
    for (const mode of [AuditObjectLockMode.COMPLIANCE, AuditObjectLockMode.GOVERNANCE]) {
      const { template } = ship({ objectLock: mode, retention: Duration.days(400) });
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: mode, Days: 400 } } },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]) },
      });
    }
  });

  test('DISABLED leaves the bucket without Object Lock, as release 0.1.0 created it, and warns on the construct itself', () => {
    const { template, stack } = ship({ objectLock: AuditObjectLockMode.DISABLED });
    expect(warningsOf(stack).filter((w) => w.includes(WARNINGS.auditObjectLockDisabled))).toHaveLength(1);
    expect(warningsOf(ship().stack).join('\n')).not.toContain(WARNINGS.auditObjectLockDisabled);
    const archive = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => /^AuditLogBucket[0-9A-F]{8}$/.test(id))![1] as any;
    // Absent, not false: CloudFormation would replace a bucket whose ObjectLockEnabled changes at all.
    expect(Object.keys(archive.Properties)).not.toContain('ObjectLockEnabled');
    expect(archive.Properties.ObjectLockConfiguration).toBeUndefined();
  });

  test('Object Lock keeps zero findings', () => {
    expect(findings(ship({ objectLock: AuditObjectLockMode.COMPLIANCE }).app)).toEqual([]);
  });

  test('lifecycle steps that objects would leave before their minimum storage duration are skipped', () => {
    expect(lifecycleTransitions(365).map((t) => t.storageClass.value)).toEqual(['STANDARD_IA', 'GLACIER_IR']);
    expect(lifecycleTransitions(545).map((t) => t.storageClass.value)).toEqual(['STANDARD_IA', 'GLACIER_IR', 'DEEP_ARCHIVE']);
    expect(lifecycleTransitions(59)).toEqual([]);
  });

  test('an existing bucket and key (log-archive account): no bucket or bucket key here, scoped permissions on theirs', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    const logGroup = new logs.LogGroup(stack, 'ControlPlane', { logGroupName: '/aws/eks/prod/cluster' });
    const shipping = new AuditLogShipping(stack, 'AuditLog', { logGroup, clusterName: 'prod', ...importedArchive(stack) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::KMS::Key', 2); // the stream key and the delivery error log's key
    // The archive's policies name the delivery role before it exists.
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: deliveryRoleName('Test', 'prod') });
    expect(deliveryRoleName('Test', 'prod')).toMatch(/^eks-audit-delivery-[0-9a-f]{10}$/);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Sid: 'WriteAuditObjects', Resource: Match.arrayWith([{ 'Fn::Join': ['', [Match.stringLikeRegexp('arn:'), Match.anyValue(), ':s3:::org-log-archive/eks-audit/prod/*']] }]) }),
        Match.objectLike({ Sid: 'EncryptThroughS3ForThisBucketOnly', Resource: `arn:aws:kms:eu-west-1:${ARCHIVE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` }),
      ]) },
    });
    expect(shipping.retentionDays).toBeUndefined();
    expect(findings(app)).toEqual([]);
  });

  test('a CloudWatch Logs destination: the subscription points there without a role, and nothing else is created', () => {
    const arn = 'arn:aws:logs:eu-west-1:999988887777:destination:org-eks-audit';
    const { template, app } = ship({ logsDestinationArn: arn });
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { DestinationArn: arn, FilterPattern: AUDIT_EVENTS_PATTERN, RoleArn: Match.absent() });
    for (const type of ['AWS::S3::Bucket', 'AWS::KinesisFirehose::DeliveryStream', 'AWS::IAM::Role', 'AWS::KMS::Key']) {
      template.resourceCountIs(type, 0);
    }
    expect(findings(app)).toEqual([]);
  });

  test('with an alarm topic, an alarm fires when delivery falls 15 minutes behind', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const logGroup = new logs.LogGroup(stack, 'ControlPlane');
    const topic = new sns.Topic(stack, 'Topic');
    new AuditLogShipping(stack, 'AuditLog', { logGroup, clusterName: 'prod', alarmTopic: topic });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-audit-delivery-stalled',
      Namespace: 'AWS/Firehose',
      MetricName: 'DeliveryToS3.DataFreshness',
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Topic') }],
    });
  });

  test('the default retention follows a log group that keeps events longer than seven years', () => {
    const { template, shipping } = ship({ logGroupRetention: logs.RetentionDays.TEN_YEARS });
    expect(shipping.retentionDays).toBe(3653);
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 3653 })]) } });
  });

  test('the archive key cannot be disabled or scheduled for deletion by anyone (a key-policy deny)', () => {
    const { template } = ship();
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('audit log archive'),
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'DenyDisablingOrDeletingTheArchiveKey', Effect: 'Deny', Principal: { AWS: '*' }, Action: ['kms:DisableKey', 'kms:ScheduleKeyDeletion'],
      })]) },
    });
  });

  test('the delivery role gets a fixed name only for an existing bucket; the key is used through S3 of the key\'s region', () => {
    expect(ship().template.findResources('AWS::IAM::Role', { Properties: { RoleName: Match.anyValue() } })).toEqual({});
    const app = fastApp();
    const stack = new Stack(app, 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    new AuditLogShipping(stack, 'AuditLog', {
      logGroup: new logs.LogGroup(stack, 'Lg'), clusterName: 'prod',
      bucket: s3.Bucket.fromBucketName(stack, 'Archive', 'org-log-archive'),
      bucketKey: kms.Key.fromKeyArn(stack, 'ArchiveKey', `arn:aws:kms:us-east-1:${ARCHIVE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'EncryptThroughS3ForThisBucketOnly', Condition: Match.objectLike({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }),
      })]) },
    });
  });

  test('leaves no warning with its defaults', () => {
    const { stack } = ship();
    AssertAnnotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('cdk-hardened-eks'));
  });
});

describe('AuditLogShipping bad input', () => {
  const fails = (props: Partial<AuditLogShippingProps> | ((stack: Stack) => Partial<AuditLogShippingProps>), ...messages: RegExp[]) => {
    const app = fastApp();
    const stack = new Stack(app, 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    const logGroup = new logs.LogGroup(stack, 'ControlPlane');
    const resolved = typeof props === 'function' ? props(stack) : props;
    let error: Error | undefined;
    try {
      new AuditLogShipping(stack, 'AuditLog', { logGroup, clusterName: 'prod', logGroupRetention: logs.RetentionDays.ONE_YEAR, ...resolved });
    } catch (e) { error = e as Error; }
    expect(error?.message).toBeDefined();
    for (const m of messages) { expect(error!.message).toMatch(m); }
  };

  test('fails when the retention is shorter than the control-plane log group\'s', () => {
    fails({ retention: Duration.days(90) }, /retention: received "90 days"/, /keeps events 365 days/, /Duration\.days\(365\)/);
  });

  test('fails when the control-plane log group never expires, naming both props', () => {
    fails({ retention: Duration.days(3650), logGroupRetention: logs.RetentionDays.INFINITE }, /never expires/, /controlPlaneLogRetention/);
  });

  test('fails when the log group never expires and no retention is given', () => {
    fails({ logGroupRetention: logs.RetentionDays.INFINITE }, /retention: received nothing/, /never expires/);
  });

  test('fails when the retention is not whole days', () => {
    fails({ retention: Duration.hours(36) }, /retention: received "1 day 12 hours"/, /whole days/);
  });

  test('fails when Object Lock is asked of an imported bucket', () => {
    fails((stack) => ({ ...importedArchive(stack), objectLock: AuditObjectLockMode.COMPLIANCE }),
      /objectLock: received "COMPLIANCE"/, /only be turned on for the bucket this stack creates/);
  });

  test('fails when an imported bucket comes without its key, or with a retention it does not control', () => {
    fails((stack) => ({ bucket: importedArchive(stack).bucket, retention: Duration.days(400) }), /bucketKey: received nothing/, /retention: received/);
  });

  test('fails when the destination ARN is not a CloudWatch Logs destination', () => {
    fails({ logsDestinationArn: 'arn:aws:firehose:eu-west-1:999988887777:deliverystream/audit' }, /not a CloudWatch Logs destination ARN but a Firehose delivery stream/);
    fails({ logsDestinationArn: 'arn:aws:kinesis:eu-west-1:999988887777:stream/audit' }, /but a Kinesis data stream/);
    fails({ logsDestinationArn: 'org-eks-audit' }, /logsDestinationArn: received "org-eks-audit"/, /destination:<name>/);
  });

  test('fails when the destination is in another region', () => {
    fails({ logsDestinationArn: 'arn:aws:logs:us-east-1:999988887777:destination:audit' }, /in eu-west-1, the destination in us-east-1/);
  });

  test('fails when both an existing bucket and a destination are given', () => {
    fails((stack) => ({ ...importedArchive(stack), logsDestinationArn: 'arn:aws:logs:eu-west-1:999988887777:destination:audit' }), /not both/);
  });
});
