import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { HardenedEksChecks, HardenedEksCluster } from '../../lib';
import { renderNamespaceAccessObjects } from '../../lib/manifests/namespace-objects';
import { STORAGE_DEFAULTS } from '../../lib/private/defaults';
import { renderStorageClass } from '../../lib/storage/cluster-storage';
import { validateAgainstSchema } from '../manifests/k8s-schema';
import { fastApp, onlyResource, podIdentityTrust, synthCluster } from '../fixtures';

const CLUSTER_NAME = 'storage-test';

describe('renderStorageClass', () => {
  const storageClass = renderStorageClass({ name: 'encrypted-gp3', kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });

  test('the one default class: EBS CSI, gp3, encrypted with the given key, bound when a pod lands, expandable, retained', () => {
    expect(storageClass).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: 'encrypted-gp3',
        labels: { 'app.kubernetes.io/managed-by': 'cdk-hardened-eks' },
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'ebs.csi.aws.com',
      parameters: {
        'type': 'gp3',
        'encrypted': 'true',
        'kmsKeyId': 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        'csi.storage.k8s.io/fstype': 'ext4',
      },
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: 'Retain',
    });
  });

  test('validates against the Kubernetes 1.36 schema', () => {
    validateAgainstSchema(storageClass);
  });
});

describe('the default cluster', () => {
  const { stack, cluster, template } = synthCluster({ clusterName: CLUSTER_NAME });
  const resources = template.toJSON().Resources;
  const idOf = (c: any) => stack.resolve(c.node.defaultChild.logicalId);
  const storage = cluster.storage!;

  test('the aws-ebs-csi-driver add-on, its controller on a Pod Identity role, after the Pod Identity agent and the first node group', () => {
    const addon = resources[idOf(storage.addon)];
    expect(addon.Properties.AddonName).toBe('aws-ebs-csi-driver');
    expect(addon.Properties.AddonVersion).toBeUndefined();
    expect(addon.Properties.PodIdentityAssociations).toEqual([
      { ServiceAccount: 'ebs-csi-controller-sa', RoleArn: { 'Fn::GetAtt': [idOf(storage.driverRole), 'Arn'] } },
    ]);
    expect(addon.DependsOn).toEqual(expect.arrayContaining([
      idOf(cluster.cluster.eksPodIdentityAgent!), idOf(cluster.defaultNodeGroup!.nodegroup),
    ]));
  });

  test('the driver role: trusted only by that service account of this cluster, the AWS managed driver policy and nothing else attached', () => {
    const role = resources[idOf(storage.driverRole)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual(podIdentityTrust(CLUSTER_NAME, 'kube-system', 'ebs-csi-controller-sa'));
    expect(role.Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy']] },
    ]);
    expect(role.Properties.Policies).toBeUndefined();
  });

  test('the key permissions: grants for AWS resources only, key use only through EC2 in this region, on the volume key only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[];
    const [policy] = policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(idOf(storage.driverRole)));
    const keyArn = { 'Fn::GetAtt': [idOf(storage.volumeKey), 'Arn'] };
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'GrantsForEbsOnly', Effect: 'Allow', Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], Resource: keyArn,
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
      {
        Sid: 'KeyUseThroughEc2', Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        Resource: keyArn,
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['ec2.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } } },
      },
    ]);
  });

  test('a volume key of its own, not the node volume key: rotating and retained', () => {
    expect(idOf(storage.volumeKey)).not.toBe(idOf(cluster.nodeVolumeKey));
    const key = resources[idOf(storage.volumeKey)];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.UpdateReplacePolicy).toBe('Retain');
  });

  test('the StorageClass manifest holds the class with the volume key, applied with kubectl apply and no prune', () => {
    const manifest = resources[idOf(storage.storageClassManifest)];
    const text = JSON.stringify(manifest.Properties.Manifest);
    expect(text).toContain('\\"name\\":\\"encrypted-gp3\\"');
    expect(text).toContain('\\"kmsKeyId\\":\\"');
    expect(text).toContain(idOf(storage.volumeKey));
    expect(manifest.Properties.Overwrite).toBe(true);
    expect(manifest.Properties.PruneLabel).toBeUndefined();
    expect(storage.storageClassName).toBe(STORAGE_DEFAULTS.storageClassName);
  });
});

describe('options', () => {
  test('storage: false leaves out the add-on, the role, the key and the class', () => {
    const { template } = synthCluster({ storage: false, defaultNodeGroup: false });
    const addons = Object.values(template.findResources('AWS::EKS::Addon')) as any[];
    expect(addons.map((a) => a.Properties.AddonName)).not.toContain('aws-ebs-csi-driver');
    expect(JSON.stringify(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))).not.toContain('StorageClass');
    expect(Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.includes('Storage'))).toEqual([]);
  });

  test('a key of your own and a pinned add-on version', () => {
    const stack = new Stack(fastApp(), 'Test');
    const volumeKey = new kms.Key(stack, 'MyVolumeKey', { enableKeyRotation: true });
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false, storageOptions: { volumeKey, ebsCsiAddonVersion: 'v1.45.0-eksbuild.1' } });
    const template = Template.fromStack(stack);
    expect(cluster.storage!.volumeKey).toBe(volumeKey);
    const addon = (Object.values(template.findResources('AWS::EKS::Addon')) as any[]).find((a) => a.Properties.AddonName === 'aws-ebs-csi-driver');
    expect(addon.Properties.AddonVersion).toBe('v1.45.0-eksbuild.1');
    expect(JSON.stringify(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))).toContain(stack.resolve((volumeKey.node.defaultChild as any).logicalId));
    expect(Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.includes('StorageVolumeKey'))).toEqual([]);
  });

  test('fails when storageOptions come with storage: false, a key does not rotate, or the add-on version is malformed', () => {
    const stack = new Stack(fastApp(), 'Test');
    const volumeKey = new kms.Key(stack, 'Flat');
    expect(() => new HardenedEksCluster(stack, 'A', { storage: false, storageOptions: {} }))
      .toThrow('storageOptions: received "options with storage: false". There is no storage to apply them to.');
    expect(() => new HardenedEksCluster(stack, 'B', { storageOptions: { volumeKey } }))
      .toThrow('storageOptions.volumeKey: received "Test/Flat". The key does not rotate.');
    expect(() => new HardenedEksCluster(stack, 'C', { storageOptions: { ebsCsiAddonVersion: 'latest' } }))
      .toThrow('storageOptions.ebsCsiAddonVersion: received "latest"');
  });
});

describe('tenants and storage', () => {
  test('namespace roles grant nothing on StorageClasses or PersistentVolumes (cluster-scoped, so no Role could)', () => {
    for (const role of renderNamespaceAccessObjects('team-a').filter((o: any) => o.kind === 'Role') as any[]) {
      const resources = role.rules.flatMap((r: any) => r.resources);
      expect(resources).not.toContain('storageclasses');
      expect(resources).not.toContain('persistentvolumes');
      expect(role.rules.flatMap((r: any) => r.apiGroups)).not.toContain('storage.k8s.io');
    }
  });

  test('a namespace gets a storage quota and a claim count by default', () => {
    const cluster = new HardenedEksCluster(new Stack(fastApp(), 'Ns'), 'Cluster', { defaultNodeGroup: false });
    const ns = cluster.addNamespace('team-a');
    const quota = ns.objects.find((o: any) => o.kind === 'ResourceQuota') as any;
    expect(quota.spec.hard['requests.storage']).toBe('100Gi');
    expect(quota.spec.hard.persistentvolumeclaims).toBe('10');
  });
});

describe('HardenedEks-ManifestStorageClass', () => {
  function findings(...classes: Record<string, any>[]): string[] {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    if (classes.length > 0) { cluster.cluster.addManifest('Classes', ...classes); }
    return new HardenedEksChecks().validateScope(app).violations
      .filter((v) => v.ruleName.startsWith('HardenedEks-ManifestStorageClass'))
      .flatMap((v) => v.violatingResources.map(() => v.ruleName));
  }
  const sc = (name: string, parameters: Record<string, string>, isDefault = false, provisioner = 'ebs.csi.aws.com') => ({
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner, parameters,
    metadata: { name, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
  });
  const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  test("the library's own class and an encrypted class with a key of your own pass", () => {
    expect(findings()).toEqual([]);
    expect(findings(sc('fast', { type: 'io2', encrypted: 'true', kmsKeyId: KEY }))).toEqual([]);
  });

  test('unencrypted EBS classes are reported, with every EBS provisioner', () => {
    expect(findings(
      sc('plain', { type: 'gp3' }),
      sc('legacy', { type: 'gp2', encrypted: 'false' }, false, 'kubernetes.io/aws-ebs'),
      sc('auto', { type: 'gp3' }, false, 'ebs.csi.eks.amazonaws.com'),
    )).toEqual([
      'HardenedEks-ManifestStorageClass[Unencrypted::StorageClass/plain]',
      'HardenedEks-ManifestStorageClass[Unencrypted::StorageClass/legacy]',
      'HardenedEks-ManifestStorageClass[Unencrypted::StorageClass/auto]',
    ]);
  });

  test('encryption with the AWS managed key is reported: no kmsKeyId, or alias/aws/ebs', () => {
    expect(findings(
      sc('managed', { type: 'gp3', encrypted: 'true' }),
      sc('alias', { type: 'gp3', encrypted: 'true', kmsKeyId: 'alias/aws/ebs' }),
      sc('alias-arn', { type: 'gp3', encrypted: 'true', kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs' }),
    )).toEqual([
      'HardenedEks-ManifestStorageClass[AwsManagedKey::StorageClass/managed]',
      'HardenedEks-ManifestStorageClass[AwsManagedKey::StorageClass/alias]',
      'HardenedEks-ManifestStorageClass[AwsManagedKey::StorageClass/alias-arn]',
    ]);
  });

  test('a second default class beside the library\'s is reported, the library\'s is not', () => {
    expect(findings(sc('mine', { type: 'gp3', encrypted: 'true', kmsKeyId: KEY }, true)))
      .toEqual(['HardenedEks-ManifestStorageClass[SecondDefault::StorageClass/mine]']);
  });

  test('without the library\'s class, two default classes are both reported; one is fine', () => {
    const run = (...classes: Record<string, any>[]) => {
      const app = fastApp();
      const stack = new Stack(app, 'Test');
      const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false, storage: false });
      cluster.cluster.addManifest('Classes', ...classes);
      return new HardenedEksChecks().validateScope(app).violations.filter((v) => v.ruleName.includes('SecondDefault')).map((v) => v.ruleName);
    };
    expect(run(sc('a', { encrypted: 'true', kmsKeyId: KEY }, true))).toEqual([]);
    expect(run(sc('a', { encrypted: 'true', kmsKeyId: KEY }, true), sc('b', { encrypted: 'true', kmsKeyId: KEY }, true))).toEqual([
      'HardenedEks-ManifestStorageClass[SecondDefault::StorageClass/a]', 'HardenedEks-ManifestStorageClass[SecondDefault::StorageClass/b]',
    ]);
  });

  test('other provisioners are not judged on EBS encryption', () => {
    expect(findings(sc('efs', { provisioningMode: 'efs-ap' }, false, 'efs.csi.aws.com'))).toEqual([]);
  });
});

test('the volume key is pinned among the retained resources', () => {
  const { template } = synthCluster({});
  const { logicalId } = onlyResource(template, 'AWS::EKS::Cluster');
  expect(logicalId).toBe('ClusterC2E21B66');
  expect(Object.keys(template.findResources('AWS::KMS::Key'))).toContain('ClusterStorageVolumeKey119DFFDA');
});
