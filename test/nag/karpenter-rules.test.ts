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
