import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createLibraryKey } from '../private/key-policy';

/**
 * A CloudWatch Logs log group with a fixed name, encrypted with a customer managed key of its own.
 *
 * The key policy lets CloudWatch Logs of this region use the key only for this one log group (the
 * `aws:logs:arn` encryption context), so the key cannot be borrowed to read or write other logs.
 * Both the key and the log group are retained when the stack is deleted: they hold evidence.
 */
export interface EncryptedLogGroupOptions {
  /** Construct id of the key. Part of the logical id: never change it once released. */
  readonly keyId: string;
  /** Construct id of the log group. Part of the logical id: never change it once released. */
  readonly logGroupId: string;
  /** The log group's name; must be known at synth so the key policy can name it. */
  readonly logGroupName: string;
  readonly retention: logs.RetentionDays;
  /** Says what the key is for, in the KMS console. */
  readonly keyDescription: string;
}

export interface EncryptedLogGroup {
  readonly key: kms.Key;
  readonly logGroup: logs.LogGroup;
}

export function createEncryptedLogGroup(scope: Construct, options: EncryptedLogGroupOptions): EncryptedLogGroup {
  const stack = Stack.of(scope);
  const key = createLibraryKey(scope, options.keyId, options.keyDescription);
  const logGroupArn = stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: options.logGroupName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsForThisLogGroupOnly',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
  }));
  const logGroup = new logs.LogGroup(scope, options.logGroupId, {
    logGroupName: options.logGroupName,
    encryptionKey: key,
    retention: options.retention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return { key, logGroup };
}
