import { Duration, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { AuditLogOptions } from './audit-log-shipping';
import type { AuditDetectionSettings } from './audit-detections';
import { PropProblems } from '../private/errors';

/**
 * Pure checks of the audit options. Each adds to `problems`; `prefix` is how the user reaches the
 * options (`auditLog.` on HardenedEksCluster, nothing on AuditLogShipping itself).
 */

const LOGS_DESTINATION_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):destination:[^:/*]+$/;

export function checkAuditLogOptions(problems: PropProblems, prefix: string, options: AuditLogOptions,
  logGroupRetention: logs.RetentionDays | undefined, stackRegion?: string): void {
  const p = (name: string) => `${prefix}${name}`;
  if (options.bucket && !options.bucketKey) {
    problems.add(p('bucketKey'), undefined,
      'An existing audit bucket needs the KMS key it encrypts with, so the delivery role can use that key (and only through S3 for that bucket). ' +
      'Pass bucketKey, for example kms.Key.fromKeyArn(this, \'ArchiveKey\', \'arn:aws:kms:...\').');
  }
  if (options.bucketKey && !options.bucket) {
    problems.add(p('bucketKey'), 'a key without a bucket',
      'bucketKey names the key of an existing bucket; pass bucket as well, or leave both unset to let the stack create an encrypted bucket.');
  }
  if (options.bucket && options.logsDestinationArn !== undefined) {
    problems.add(p('logsDestinationArn'), options.logsDestinationArn,
      'Audit events go to one place: an existing bucket or a CloudWatch Logs destination, not both. Remove one of bucket and logsDestinationArn.');
  }
  const external = options.bucket ? 'bucket' : options.logsDestinationArn !== undefined ? 'logsDestinationArn' : undefined;
  if (external && options.objectLock !== undefined) {
    problems.add(p('objectLock'), options.objectLock,
      `Object Lock can only be turned on for the bucket this stack creates; with ${external} the archive's owner configures it there. ` +
      `Remove objectLock, or remove ${external} to let the stack create a bucket with Object Lock.`);
  }
  if (external && options.retention !== undefined) {
    problems.add(p('retention'), describeDuration(options.retention),
      `The retention of an archive this stack does not own is set by its owner (with ${external} this stack creates no bucket or lifecycle). ` +
      `Remove retention, or remove ${external}.`);
  }
  if (!external && options.retention === undefined && logGroupRetention === logs.RetentionDays.INFINITE) {
    problems.add(p('retention'), undefined,
      'The log group never expires, so the archive has no retention to outlive. Pass the years you must keep audit logs, for example Duration.days(3653).');
  }
  const retention = options.retention;
  if (retention !== undefined && !Token.isUnresolved(retention.toSeconds())) {
    const days = wholeDays(retention);
    if (days === undefined || days < 1) {
      problems.add(p('retention'), describeDuration(retention),
        'S3 lifecycle expiry counts whole days; pass Duration.days(n) with n of at least 1 (the default is seven years).');
    } else if (logGroupRetention !== undefined && days < logGroupRetention) {
      const source = logGroupRetention === logs.RetentionDays.INFINITE ? 'never expires' : `keeps events ${logGroupRetention} days`;
      problems.add(p('retention'), `${days} days`,
        `The control-plane log group ${source}, so the S3 archive would forget audit events first. ` +
        `Pass a retention of at least ${logGroupRetention === logs.RetentionDays.INFINITE ? 'the years you must keep audit logs, and give controlPlaneLogRetention a finite value' : `Duration.days(${logGroupRetention})`}.`);
    }
  }
  const arn = options.logsDestinationArn;
  if (arn !== undefined && !Token.isUnresolved(arn)) {
    const match = LOGS_DESTINATION_ARN.exec(arn);
    if (!match) {
      problems.add(p('logsDestinationArn'), arn,
        `This is not a CloudWatch Logs destination ARN${hintFor(arn)}. A cross-account subscription needs ` +
        'arn:<partition>:logs:<region>:<account>:destination:<name>, created in the receiving account with PutDestination; ' +
        'or leave logsDestinationArn unset to ship to S3 through Firehose.');
    } else if (stackRegion !== undefined && !Token.isUnresolved(stackRegion) && match[1] !== stackRegion) {
      problems.add(p('logsDestinationArn'), arn,
        `A CloudWatch Logs subscription can only reach a destination in its own region; this stack is in ${stackRegion}, the destination in ${match[1]}. ` +
        `Create the destination in ${stackRegion} (it may forward to a stream elsewhere).`);
    }
  }
}

/** Checks the threshold, period and evaluation periods of one detection. */
export function checkDetectionSettings(problems: PropProblems, prop: string, settings: AuditDetectionSettings | undefined): void {
  if (!settings) { return; }
  const { threshold, evaluationPeriods, period } = settings;
  if (threshold !== undefined && !Token.isUnresolved(threshold) && !(Number.isInteger(threshold) && threshold >= 1)) {
    problems.add(`${prop}.threshold`, threshold,
      'The alarm counts matching audit events; a threshold below 1 would alarm with no event at all, and fractions never match a count. Use a whole number of at least 1.');
  }
  if (evaluationPeriods !== undefined && !Token.isUnresolved(evaluationPeriods) && !(Number.isInteger(evaluationPeriods) && evaluationPeriods >= 1)) {
    problems.add(`${prop}.evaluationPeriods`, evaluationPeriods, 'Use a whole number of at least 1.');
  }
  const seconds = (period ?? Duration.minutes(5)).toSeconds() * (evaluationPeriods ?? 1);
  if (!Token.isUnresolved(seconds) && Number.isInteger(evaluationPeriods ?? 1) && seconds > 86400) {
    problems.add(`${prop}.evaluationPeriods`, evaluationPeriods ?? 1,
      'The library keeps period × evaluationPeriods within 24 hours (CloudWatch\'s evaluation range for periods under an hour); lower evaluationPeriods or the period.');
  }
  if (period !== undefined && !Token.isUnresolved(period.toSeconds())) {
    const seconds = period.toSeconds();
    if (seconds < 60 || seconds % 60 !== 0 || seconds > 86400) {
      problems.add(`${prop}.period`, describeDuration(period),
        'Metric-filter metrics have one-minute resolution: use whole minutes from Duration.minutes(1) to Duration.days(1).');
    }
  }
}

function wholeDays(d: Duration): number | undefined {
  const seconds = d.toSeconds();
  return seconds % 86400 === 0 ? seconds / 86400 : undefined;
}

function describeDuration(d: Duration): string {
  return d.toHumanString();
}

function hintFor(arn: string): string {
  if (/:firehose:/.test(arn)) { return ' but a Firehose delivery stream (leave logsDestinationArn unset and the library creates the Firehose path itself)'; }
  if (/:kinesis:/.test(arn)) { return ' but a Kinesis data stream (in the receiving account, put a CloudWatch Logs destination in front of it)'; }
  if (/:logs:.*:log-group:/.test(arn)) { return ' but a log group'; }
  return '';
}
