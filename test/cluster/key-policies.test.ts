import { KEY_ADMINISTRATION_ACTIONS, KEY_USE_ACTIONS } from '../../lib/private/key-policy';
import { synthCluster } from '../fixtures';

/**
 * Every key the library creates: an administrator that can always repair it, no grants except for
 * AWS resources (in the exact form of AWS Control Tower's CT.KMS.PR.3), and every role that the
 * library lets use a key through IAM can still use it.
 */
const { template } = synthCluster({ clusterName: 'keys' });
const resources = template.toJSON().Resources as Record<string, any>;
const keys = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::KMS::Key');
const ROOT = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } };
const list = (v: unknown): string[] => (Array.isArray(v) ? v : [v]) as string[];
const matches = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`, 'i').test(action);
const ALL_KMS_ACTIONS = [...KEY_ADMINISTRATION_ACTIONS, ...KEY_USE_ACTIONS, 'kms:CreateGrant', 'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:Sign', 'kms:Verify', 'kms:GenerateMac', 'kms:VerifyMac', 'kms:ImportKeyMaterial'];

test('the default cluster has the keys this test covers', () => {
  expect(keys.length).toBeGreaterThanOrEqual(10);
});

describe.each(keys)('key %s', (_id, key) => {
  const statements = key.Properties.KeyPolicy.Statement as any[];
  const allows = statements.filter((s) => s.Effect === 'Allow');

  test('the account administers it: key policy, rotation, deletion, tags, grants revocation', () => {
    const admin = allows.find((s) => JSON.stringify(s.Principal) === JSON.stringify(ROOT) && s.Condition === undefined);
    for (const action of ['kms:PutKeyPolicy', 'kms:GetKeyPolicy', 'kms:DescribeKey', 'kms:EnableKeyRotation', 'kms:ScheduleKeyDeletion',
      'kms:CancelKeyDeletion', 'kms:TagResource', 'kms:RevokeGrant', 'kms:EnableKey']) {
      expect(list(admin.Action)).toContain(action);
    }
  });

  test('no statement allows everything, or grants without kms:GrantIsForAWSResource', () => {
    for (const s of allows) {
      expect(list(s.Action)).not.toContain('kms:*');
      expect(list(s.Action)).not.toContain('*');
      if (list(s.Action).some((a) => matches(a, 'kms:CreateGrant'))) {
        expect([s.Condition?.Bool?.['kms:GrantIsForAWSResource']]).toContainEqual(expect.stringMatching(/^true$/));
      }
    }
  });

  test('a Deny stops every other grant, in the form CT.KMS.PR.3 checks', () => {
    expect(statements).toContainEqual({
      Sid: 'NoGrantsExceptForAwsResources',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  });
});

test('every role the library lets use a key through IAM can still use it', () => {
  const keyIds = new Set(keys.map(([id]) => id));
  const rootActions = (keyId: string) => (resources[keyId].Properties.KeyPolicy.Statement as any[])
    .filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal) === JSON.stringify(ROOT) && s.Condition === undefined)
    .flatMap((s) => list(s.Action));
  let checked = 0;
  for (const [id, r] of Object.entries(resources)) {
    const documents = r.Type === 'AWS::IAM::Role' ? (r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument)
      : ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type) ? [r.Properties.PolicyDocument] : [];
    for (const statement of documents.flatMap((d: any) => d.Statement)) {
      const keyId = list(statement.Resource).map((res: any) => res?.['Fn::GetAtt']?.[0]).find((k: string) => keyIds.has(k));
      if (!keyId || statement.Effect !== 'Allow') { continue; }
      for (const pattern of list(statement.Action)) {
        checked++;
        if (matches(pattern, 'kms:CreateGrant')) {
          // Only grants for AWS resources get past the key's Deny.
          expect({ id, pattern, condition: statement.Condition?.Bool?.['kms:GrantIsForAWSResource'] }).toEqual({ id, pattern, condition: 'true' });
          continue;
        }
        const usable = ALL_KMS_ACTIONS.filter((a) => matches(pattern, a)).filter((a) => rootActions(keyId).some((k) => matches(k, a)));
        expect({ id, pattern, usable: usable.length > 0 }).toEqual({ id, pattern, usable: true });
      }
    }
  }
  // The EBS CSI driver, the Firehose delivery role and the subscription role use keys through IAM.
  expect(checked).toBeGreaterThanOrEqual(10);
});
