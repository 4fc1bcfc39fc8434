import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The account's part of every key policy the library writes.
 *
 * aws-cdk-lib's default key policy gives the account root `kms:*`, which lets any principal of the
 * account that IAM allows create grants on the key for anyone (AWS Control Tower CT.KMS.PR.3). Instead:
 *
 * - the account administers the key and uses it through IAM, with every action named except
 *   `kms:CreateGrant` (so an administrator can always repair the key policy, and the roles the
 *   library grants through IAM, scoped by `kms:ViaService` or encryption context, keep working);
 * - the account creates grants only for AWS resources (`kms:GrantIsForAWSResource`): EKS, EBS,
 *   Firehose and Auto Scaling create theirs that way;
 * - and a Deny makes that hold whatever else a key policy or IAM says: nobody creates a grant
 *   unless it is for an AWS resource or the caller is an AWS service (the form AWS Control
 *   Tower's proactive control CT.KMS.PR.3 requires, string values and `BoolIfExists` included).
 *
 * Service principals (CloudWatch Logs, SNS publishers, S3 log delivery) get statements of their
 * own, next to each key.
 */
export const KEY_ADMINISTRATION_ACTIONS: readonly string[] = [
  'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:DeleteAlias', 'kms:DescribeKey', 'kms:DisableKey', 'kms:DisableKeyRotation',
  'kms:EnableKey', 'kms:EnableKeyRotation', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListAliases', 'kms:ListGrants',
  'kms:ListKeyPolicies', 'kms:ListKeyRotations', 'kms:ListResourceTags', 'kms:PutKeyPolicy', 'kms:RetireGrant', 'kms:RevokeGrant',
  'kms:RotateKeyOnDemand', 'kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:UntagResource', 'kms:UpdateAlias', 'kms:UpdateKeyDescription',
];

/** What the account may do with the key's data, through IAM policies that scope it further. */
export const KEY_USE_ACTIONS: readonly string[] = [
  'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo',
];

/** A key policy holding the account's statements; add service statements with `addToResourcePolicy`. */
export function accountKeyPolicy(): iam.PolicyDocument {
  const account = new iam.AccountRootPrincipal();
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AccountAdministersTheKeyAndUsesItThroughIam',
        principals: [account],
        actions: [...KEY_ADMINISTRATION_ACTIONS, ...KEY_USE_ACTIONS],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'AccountCreatesGrantsOnlyForAwsResources',
        principals: [account],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
      new iam.PolicyStatement({
        sid: 'NoGrantsExceptForAwsResources',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    ],
  });
}

/**
 * A key of the library: the account's key policy above (service statements are added next to each
 * key), rotation on, retained when the stack is deleted (what it encrypted would be lost with it).
 */
export function createLibraryKey(scope: Construct, id: string, description: string): kms.Key {
  return new kms.Key(scope, id, { description, enableKeyRotation: true, policy: accountKeyPolicy(), removalPolicy: RemovalPolicy.RETAIN });
}
