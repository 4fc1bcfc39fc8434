import { App, Stack } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { defineBasicExample, nagPacks } from '../../examples/basic';
import { fastApp } from '../fixtures';
import { HardenedEksTesting } from '../../lib/testing/hardened-eks-testing';

function synthExample(app: App = fastApp()): { app: App; stack: Stack; template: Template } {
  const stack = defineBasicExample(app);
  return { app, stack, template: Template.fromStack(stack) };
}

describe('examples/basic', () => {
  const { app, template } = synthExample();

  test.each(nagPacks().map((pack) => [pack.readPackName, pack] as const))('has zero unacknowledged %s findings', (_name, pack) => {
    const violations = HardenedEksTesting.nagViolations(pack, app);
    expect(violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  test('runs all five packs', () => {
    expect(nagPacks().map((p) => p.readPackName)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'HardenedEks']);
  });

  test('matches the snapshot (asset hashes stripped)', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('two synths write byte-identical templates and asset manifests', () => {
    const synthTo = () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'determinism-'));
      // Asset staging on, as `cdk synth` does: staged asset paths are part of what must not change.
      const app = fastApp({ 'aws:cdk:disable-asset-staging': false }, { outdir });
      defineBasicExample(app);
      app.synth();
      const files = ['HardenedEksBasic.template.json', 'HardenedEksBasic.assets.json']
        .map((file) => fs.readFileSync(path.join(outdir, file), 'utf8'));
      fs.rmSync(outdir, { recursive: true, force: true });
      return files;
    };
    const [first, second] = [synthTo(), synthTo()];
    expect(first[0].length).toBeGreaterThan(10000);
    expect(second).toEqual(first);
  });

  test('the logical ids of the stateful resources never change', () => {
    const json = template.toJSON().Resources;
    const pinned: Record<string, string> = {
      ClusterC2E21B66: 'AWS::EKS::Cluster',
      ClusterSecretsKey462B29B5: 'AWS::KMS::Key',
      ClusterStorageVolumeKey119DFFDA: 'AWS::KMS::Key',
      ClusterControlPlaneLogKey176C87DF: 'AWS::KMS::Key',
      ClusterControlPlaneLogGroup6A0AE1E2: 'AWS::Logs::LogGroup',
      ClusterFlowLogKey075E8360: 'AWS::KMS::Key',
      ClusterFlowLogGroup28D7828C: 'AWS::Logs::LogGroup',
      ClusterKubectlLogKey6749B068: 'AWS::KMS::Key',
      ClusterKubectlLogGroup7EF21579: 'AWS::Logs::LogGroup',
      ClusterNodeVolumeKey59B4C3D6: 'AWS::KMS::Key',
      ClusterAuditLogBucketDBB5644C: 'AWS::S3::Bucket',
      ClusterAuditLogAccessLogsBucket3B52417E: 'AWS::S3::Bucket',
      ClusterAuditLogAccessLogsBucketKeyB6E53C43: 'AWS::KMS::Key',
      ClusterAuditLogBucketKey65009476: 'AWS::KMS::Key',
      ClusterAuditLogStreamKeyA2445F74: 'AWS::KMS::Key',
      ClusterAuditDetectionsAlarmTopicKeyC083475F: 'AWS::KMS::Key',
      ClusterAuditLogDeliveryErrorLogKey33902120: 'AWS::KMS::Key',
      ClusterAuditLogDeliveryErrorLogGroupD2786501: 'AWS::Logs::LogGroup',
      ClusterAuditLogDeliveryErrorLogStream495540D1: 'AWS::Logs::LogStream',
    };
    for (const [logicalId, type] of Object.entries(pinned)) {
      expect({ logicalId, type: json[logicalId]?.Type, deletion: json[logicalId]?.DeletionPolicy })
        .toEqual({ logicalId, type, deletion: 'Retain' });
    }
    // Nothing else of these types appears under another id.
    for (const type of new Set(Object.values(pinned))) {
      const ids = Object.entries(json).filter(([, r]: [string, any]) => r.Type === type).map(([id]) => id).sort();
      expect(ids).toEqual(Object.keys(pinned).filter((id) => pinned[id] === type).sort());
    }
  });

  test('the logical ids of the audit shipping and alarm resources never change (stateless, but renamed ones lose data in flight or subscriptions)', () => {
    const json = template.toJSON().Resources;
    const pinned: Record<string, string> = {
      ClusterAuditLogDeliveryStream72112282: 'AWS::KinesisFirehose::DeliveryStream',
      ClusterAuditLogSubscription67186AC8: 'AWS::Logs::SubscriptionFilter',
      ClusterAuditDetectionsAlarmTopicD6235F96: 'AWS::SNS::Topic',
    };
    for (const [logicalId, type] of Object.entries(pinned)) {
      expect({ logicalId, type: json[logicalId]?.Type }).toEqual({ logicalId, type });
    }
  });

  test('the cluster name is pinned too (a new name replaces the cluster)', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', { Name: 'HardenedEksBasic-Cluster-2B99BDC3' });
  });
});
