import { App, Stack } from 'aws-cdk-lib';
import { HardenedEksChecks, HardenedEksCluster } from '../../lib';
import { renderEc2NodeClass, renderNodePool } from '../../lib/karpenter/karpenter-objects';
import { fastApp } from '../fixtures';

/** A cluster with the app's own Karpenter objects added through the escape hatch (and, optionally, the library's Karpenter). */
function build(objects: Record<string, any>[], withLibraryKarpenter: boolean = false): App {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
  if (withLibraryKarpenter) { cluster.addKarpenter().addNodePool('general'); }
  if (objects.length > 0) { cluster.cluster.addManifest('Own', ...objects); }
  return app;
}

function findings(app: App): string[] {
  return new HardenedEksChecks().validateScope(app).violations
    .filter((v) => v.ruleName.startsWith('HardenedEks-Karpenter'))
    .map((v) => v.ruleName).sort();
}

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** A compliant EC2NodeClass, as the library renders one. */
function goodNodeClass(name: string = 'own'): Record<string, any> {
  return renderEc2NodeClass({
    name, instanceProfile: 'nodes', amiAlias: 'bottlerocket@v1.64.0', subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'], volumeKeyArn: KEY,
    volumes: [{ deviceName: '/dev/xvda', volumeSize: '4Gi' }, { deviceName: '/dev/xvdb', volumeSize: '50Gi' }],
    userData: '', detailedMonitoring: true, tags: {},
  });
}

function goodNodePool(name: string = 'own'): Record<string, any> {
  return renderNodePool({
    name, nodeClassName: name, labels: {}, requirements: [], taints: [], startupTaints: [], expireAfter: '504h', terminationGracePeriod: '24h',
    limits: { cpu: '8', memory: '32Gi' }, consolidationPolicy: 'WhenEmpty', consolidateAfter: '1m', budgets: [{ nodes: '1' }],
  });
}

const edit = (object: Record<string, any>, change: (spec: any) => void) => {
  const copy = JSON.parse(JSON.stringify(object));
  change(copy.spec);
  return copy;
};

test('the library\'s Karpenter objects and compliant objects of the app have no finding', () => {
  expect(findings(build([goodNodeClass(), goodNodePool()], true))).toEqual([]);
});

test('EC2NodeClass: each way pods reach IMDS is a finding; fields left to the CRD defaults are not', () => {
  expect(findings(build([edit(goodNodeClass(), (s) => { s.metadataOptions.httpPutResponseHopLimit = 2; })]))).toEqual(['HardenedEks-KarpenterNodeClass[Imds::EC2NodeClass/own]']);
  expect(findings(build([edit(goodNodeClass(), (s) => { s.metadataOptions.httpTokens = 'optional'; })]))).toEqual(['HardenedEks-KarpenterNodeClass[Imds::EC2NodeClass/own]']);
  expect(findings(build([edit(goodNodeClass(), (s) => { s.metadataOptions.httpProtocolIPv6 = 'enabled'; })]))).toEqual(['HardenedEks-KarpenterNodeClass[Imds::EC2NodeClass/own]']);
  expect(findings(build([edit(goodNodeClass(), (s) => { delete s.metadataOptions; })]))).toEqual([]);
});

test('EC2NodeClass: unencrypted volumes, the AWS managed key, and Karpenter\'s default volumes are findings', () => {
  expect(findings(build([edit(goodNodeClass(), (s) => { s.blockDeviceMappings[1].ebs.encrypted = false; })])))
    .toEqual(['HardenedEks-KarpenterNodeClass[Unencrypted::EC2NodeClass/own]']);
  expect(findings(build([edit(goodNodeClass(), (s) => { delete s.blockDeviceMappings[0].ebs.kmsKeyID; })])))
    .toEqual(['HardenedEks-KarpenterNodeClass[AwsManagedKey::EC2NodeClass/own]']);
  expect(findings(build([edit(goodNodeClass(), (s) => { s.blockDeviceMappings[0].ebs.kmsKeyID = 'alias/aws/ebs'; })])))
    .toEqual(['HardenedEks-KarpenterNodeClass[AwsManagedKey::EC2NodeClass/own]']);
  expect(findings(build([edit(goodNodeClass(), (s) => { delete s.blockDeviceMappings; })])))
    .toEqual(['HardenedEks-KarpenterNodeClass[AwsManagedKey::EC2NodeClass/own]']);
});

test('EC2NodeClass: another AMI family, AMIs by id, bottlerocket@latest and public IPs are findings', () => {
  expect(findings(build([edit(goodNodeClass(), (s) => { s.amiSelectorTerms = [{ alias: 'al2023@latest' }]; })])))
    .toEqual(['HardenedEks-KarpenterNodeClass[NotBottlerocket::EC2NodeClass/own]']);
  expect(findings(build([edit(goodNodeClass(), (s) => { s.amiSelectorTerms = [{ id: 'ami-0123456789abcdef0' }]; s.amiFamily = 'Bottlerocket'; })])))
    .toEqual(['HardenedEks-KarpenterNodeClass[NotBottlerocket::EC2NodeClass/own]']);
  expect(findings(build([edit(goodNodeClass(), (s) => { s.amiSelectorTerms = [{ alias: 'bottlerocket@latest' }]; })])))
    .toEqual(['HardenedEks-KarpenterNodeClass[UnpinnedAmi::EC2NodeClass/own]']);
  expect(findings(build([edit(goodNodeClass(), (s) => { s.associatePublicIPAddress = true; })])))
    .toEqual(['HardenedEks-KarpenterNodeClass[PublicIp::EC2NodeClass/own]']);
});

test('EC2NodeClass: user data that weakens the node is a finding, as for managed node groups, plus static pods and the dedicated key', () => {
  const withUserData = (userData: string) => findings(build([edit(goodNodeClass(), (s) => { s.userData = userData; })]));
  expect(withUserData('[settings.host-containers.admin]\nenabled = true\n[settings.kernel]\nlockdown = "none"\n')).toEqual([
    'HardenedEks-KarpenterNodeClass[UserData::EC2NodeClass/own::host-containers.admin.enabled]',
    'HardenedEks-KarpenterNodeClass[UserData::EC2NodeClass/own::kernel.lockdown]',
  ]);
  expect(withUserData('settings.host-containers.debug = { enabled = true, superpowered = true }\nsettings.kubernetes.allowed-unsafe-sysctls = ["*"]\n')).toEqual([
    'HardenedEks-KarpenterNodeClass[UserData::EC2NodeClass/own::host-containers.debug.superpowered]',
    'HardenedEks-KarpenterNodeClass[UserData::EC2NodeClass/own::kubernetes.allowed-unsafe-sysctls]',
  ]);
  expect(withUserData('[settings.kubernetes.static-pods.x]\nenabled = true\nmanifest = "e30="\n[settings.kubernetes.node-labels]\n"cdk-hardened-eks.io/dedicated" = "batch"\n')).toEqual([
    'HardenedEks-KarpenterNodeClass[UserData::EC2NodeClass/own::kubernetes.node-labels]',
    'HardenedEks-KarpenterNodeClass[UserData::EC2NodeClass/own::kubernetes.static-pods]',
  ]);
  expect(withUserData('not = toml = at all')).toEqual(['HardenedEks-KarpenterNodeClass[UserData::EC2NodeClass/own::Unparseable]']);
  expect(withUserData('[settings.kernel]\nlockdown = "integrity"\n')).toEqual([]);
});

test('EC2NodeClass: a Bottlerocket volume left out of the mappings, or another AMI family, is a finding', () => {
  expect(findings(build([edit(goodNodeClass(), (s) => { s.blockDeviceMappings = [s.blockDeviceMappings[0]]; })])))
    .toEqual(['HardenedEks-KarpenterNodeClass[Unencrypted::EC2NodeClass/own]']);
  expect(findings(build([edit(goodNodeClass(), (s) => { s.amiFamily = 'Custom'; })])))
    .toEqual(['HardenedEks-KarpenterNodeClass[NotBottlerocket::EC2NodeClass/own]']);
});

test('a library pool with kernel lockdown off is a finding, as a node group with it is', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const { KernelLockdown } = require('../../lib');
  new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false }).addKarpenter().addNodePool('open', { bottlerocket: { kernelLockdown: KernelLockdown.NONE } });
  expect(findings(app)).toEqual(['HardenedEks-KarpenterNodeClass[UserData::EC2NodeClass/open::kernel.lockdown]']);
});

test('NodePool: no termination grace period or one above 7 days, a very late or unreadable expiry, a dedicated label without its taint', () => {
  expect(findings(build([edit(goodNodePool(), (s) => { delete s.template.spec.terminationGracePeriod; })])))
    .toEqual(['HardenedEks-KarpenterNodePool[NoTerminationGracePeriod::NodePool/own]']);
  expect(findings(build([edit(goodNodePool(), (s) => { s.template.spec.terminationGracePeriod = '87600h'; })])))
    .toEqual(['HardenedEks-KarpenterNodePool[NoTerminationGracePeriod::NodePool/own]']);
  expect(findings(build([edit(goodNodePool(), (s) => { s.template.spec.expireAfter = '876000h'; })])))
    .toEqual(['HardenedEks-KarpenterNodePool[NeverExpires::NodePool/own]']);
  expect(findings(build([edit(goodNodePool(), (s) => { s.template.spec.expireAfter = '2160h'; })]))).toEqual([]);
  expect(findings(build([edit(goodNodePool(), (s) => { delete s.template.spec.expireAfter; })]))).toEqual([]);
  expect(findings(build([edit(goodNodePool(), (s) => { s.template.metadata = { labels: { 'cdk-hardened-eks.io/dedicated': 'batch' } }; })])))
    .toEqual(['HardenedEks-KarpenterNodePool[DedicatedWithoutTaint::NodePool/own]']);
  expect(findings(build([edit(goodNodePool(), (s) => {
    s.template.metadata = { labels: { 'cdk-hardened-eks.io/dedicated': 'batch' } };
    s.template.spec.taints = [{ key: 'cdk-hardened-eks.io/dedicated', value: 'batch', effect: 'NoSchedule' }];
  })]))).toEqual([]);
});

test('NodePool: a missing cpu or memory limit, and nodes that never expire, are findings', () => {
  expect(findings(build([edit(goodNodePool(), (s) => { delete s.limits; })]))).toEqual(['HardenedEks-KarpenterNodePool[NoLimits::NodePool/own]']);
  expect(findings(build([edit(goodNodePool(), (s) => { delete s.limits.memory; })]))).toEqual(['HardenedEks-KarpenterNodePool[NoLimits::NodePool/own]']);
  expect(findings(build([edit(goodNodePool(), (s) => { s.template.spec.expireAfter = 'Never'; })]))).toEqual(['HardenedEks-KarpenterNodePool[NeverExpires::NodePool/own]']);
});

test('a pool the library renders with allowUnlimited is a finding too (a warned weakening, acknowledged by its owner)', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false }).addKarpenter().addNodePool('burst', { allowUnlimited: true });
  expect(findings(app)).toEqual(['HardenedEks-KarpenterNodePool[NoLimits::NodePool/burst]']);
});
