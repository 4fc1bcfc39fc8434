import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ClusterEndpointAccess, HardenedEksCluster, HardenedEksClusterProps, UpgradeSupportType } from '../../lib';
import { canonicalIpv4Cidr } from '../../lib/cluster/validation';
import { fastApp } from '../fixtures';

function build(props: HardenedEksClusterProps | ((stack: Stack) => HardenedEksClusterProps)): void {
  const stack = new Stack(fastApp(), 'Test');
  new HardenedEksCluster(stack, 'Cluster', typeof props === 'function' ? props(stack) : props);
}

function errorOf(props: HardenedEksClusterProps | ((stack: Stack) => HardenedEksClusterProps)): string {
  try {
    build(props);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the construct to throw');
}

describe('bad input', () => {
  test('fails when the cluster name is not a valid EKS name', () => {
    const message = errorOf({ clusterName: '-bad name!' });
    expect(message).toContain('Invalid props for Test/Cluster (1 problem)');
    expect(message).toContain('clusterName: received "-bad name!"');
    expect(message).toContain("letters, digits, '-' and '_'");
  });

  test('fails when the cluster name is longer than 100 characters', () => {
    expect(errorOf({ clusterName: 'a'.repeat(101) })).toContain('clusterName: received');
  });

  test('fails when a public endpoint names no CIDR', () => {
    const message = errorOf({ endpointAccess: ClusterEndpointAccess.publicAndPrivate([]) });
    expect(message).toContain('endpointAccess: received "publicAndPrivate([])"');
    expect(message).toContain('ClusterEndpointAccess.PRIVATE');
  });

  test.each(['0.0.0.0/0', '::/0', '10.0.0.0/0'])('fails when the public endpoint is open to everything (%s)', (cidr) => {
    const message = errorOf({ endpointAccess: ClusterEndpointAccess.publicAndPrivate(['203.0.113.0/24', cidr]) });
    expect(message).toContain(`endpointAccess: received "${cidr}"`);
    expect(message).toContain('open to the whole internet (or to more than a /8) is never accepted');
  });

  test('fails when ranges wider than /8 together cover the internet', () => {
    const message = errorOf({ endpointAccess: ClusterEndpointAccess.publicAndPrivate(['0.0.0.0/1', '128.0.0.0/1']) });
    expect(message).toContain('(2 problems)');
    expect(message).toContain('endpointAccess: received "0.0.0.0/1"');
    expect(message).toContain('endpointAccess: received "128.0.0.0/1"');
  });

  test.each(['203.0.113.0', '203.0.113.0/33', '300.1.1.1/32', 'example.com/24'])('fails when a public CIDR is malformed (%s)', (cidr) => {
    expect(errorOf({ endpointAccess: ClusterEndpointAccess.publicAndPrivate([cidr]) }))
      .toContain(`endpointAccess: received "${cidr}". Each public CIDR must be an IPv4 CIDR block`);
  });

  test('fails when a public CIDR has host bits set, and suggests the network address', () => {
    expect(errorOf({ endpointAccess: ClusterEndpointAccess.publicAndPrivate(['203.0.113.77/24']) }))
      .toContain("Did you mean '203.0.113.0/24'?");
  });

  test('fails when the control-plane log retention is INFINITE', () => {
    const message = errorOf({ controlPlaneLogRetention: logs.RetentionDays.INFINITE });
    expect(message).toContain('controlPlaneLogRetention: received "RetentionDays.INFINITE"');
    expect(message).toContain('at least ONE_YEAR');
  });

  test('fails when a retention is not a CloudWatch Logs value', () => {
    expect(errorOf({ flowLogRetention: 42 as logs.RetentionDays })).toContain('flowLogRetention: received 42. CloudWatch Logs accepts only');
  });

  test('fails when flowLogRetention is given with a VPC of the user (it would be ignored)', () => {
    const message = errorOf((stack) => ({ vpc: new ec2.Vpc(stack, 'Vpc'), flowLogRetention: logs.RetentionDays.ONE_YEAR }));
    expect(message).toContain('flowLogRetention: received 365. Flow logs are created only for the VPC the library creates');
  });

  test('fails when the VPC has no private subnets', () => {
    const message = errorOf((stack) => ({
      vpc: new ec2.Vpc(stack, 'PublicOnly', { subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] }),
    }));
    expect(message).toContain('vpc: received "Test/PublicOnly". The VPC has no private subnets');
    expect(message).toContain('PRIVATE_WITH_EGRESS');
  });

  test('fails when the version has no bundled kubectl layer and none is given', () => {
    const message = errorOf({ version: eks.KubernetesVersion.V1_34 });
    expect(message).toContain('kubectlLayer: received nothing');
    expect(message).toContain('the layer of the @aws-cdk/lambda-layer-kubectl-v34 package where it is published');
    expect(message).toContain('kubectl 1.33 to 1.35');
  });

  test.each([eks.KubernetesVersion.V1_29, eks.KubernetesVersion.V1_30])('fails when the version is past EKS extended support (%s)', (version) => {
    expect(errorOf({ version })).toContain(`version: received "${version.version}". Kubernetes ${version.version} is past Amazon EKS extended support`);
  });

  test.each(['1.31', '1.32', '1.33'])('fails when %s (past standard support) keeps the STANDARD upgrade policy', (v) => {
    const layer = (stack: Stack) => lambda.LayerVersion.fromLayerVersionArn(stack, 'L', 'arn:aws:lambda:us-east-1:111122223333:layer:k:1');
    expect(errorOf((stack) => ({ version: eks.KubernetesVersion.of(v), kubectlLayer: layer(stack) })))
      .toContain(`version: received "${v}". Kubernetes ${v} is past EKS standard support`);
    expect(() => build((stack) => ({ version: eks.KubernetesVersion.of(v), kubectlLayer: layer(stack), upgradeSupport: UpgradeSupportType.EXTENDED })))
      .not.toThrow();
  });

  test('fails when the secrets key defined in the app does not rotate', () => {
    expect(errorOf((stack) => ({ secretsEncryptionKey: new kms.Key(stack, 'NoRotation') })))
      .toContain('secretsEncryptionKey: received "Test/NoRotation". The key does not rotate');
  });

  test('fails when all private subnets are in one availability zone', () => {
    const message = errorOf((stack) => ({
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'OneAz', {
        vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'],
      }),
    }));
    expect(message).toContain('vpc: received "Test/OneAz". All private subnets are in one availability zone (eu-west-1a)');
  });

  test('fails when two admin entries name the same role ARN', () => {
    const message = errorOf((stack) => ({
      clusterAdmins: [
        iam.Role.fromRoleArn(stack, 'A', 'arn:aws:iam::111122223333:role/admins'),
        iam.Role.fromRoleArn(stack, 'B', 'arn:aws:iam::111122223333:role/admins'),
      ],
    }));
    expect(message).toContain('clusterAdmins: received "Test/B". Each role may appear once');
  });

  test('fails when the version is not a Kubernetes minor version', () => {
    expect(errorOf({ version: eks.KubernetesVersion.of('latest') })).toContain('version: received "latest"');
  });

  test('fails when an add-on version is malformed', () => {
    const message = errorOf({ coreDnsAddonVersion: 'latest', kubeProxyAddonVersion: '1.36' });
    expect(message).toContain('coreDnsAddonVersion: received "latest"');
    expect(message).toContain('kubeProxyAddonVersion: received "1.36"');
  });

  test('fails when a cluster admin is listed twice', () => {
    const message = errorOf((stack) => {
      const role = iam.Role.fromRoleName(stack, 'Admins', 'admins');
      return { clusterAdmins: [role, role] };
    });
    expect(message).toContain('clusterAdmins: received "Test/Admins". Each role may appear once');
  });

  test('reports every problem in one error', () => {
    const message = errorOf({
      clusterName: 'no spaces please',
      endpointAccess: ClusterEndpointAccess.publicAndPrivate(['0.0.0.0/0']),
      controlPlaneLogRetention: logs.RetentionDays.INFINITE,
      version: eks.KubernetesVersion.V1_35,
    });
    expect(message).toContain('(4 problems)');
    for (const prop of ['clusterName', 'endpointAccess', 'controlPlaneLogRetention', 'kubectlLayer']) {
      expect(message).toContain(`  - ${prop}: received`);
    }
  });

  test('skips values that are only known at deploy time', () => {
    expect(() => build((stack) => ({
      clusterName: new CfnParameter(stack, 'Name').valueAsString,
      endpointAccess: ClusterEndpointAccess.publicAndPrivate([new CfnParameter(stack, 'Cidr').valueAsString]),
    }))).not.toThrow();
  });
});

describe('canonicalIpv4Cidr', () => {
  test.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['192.168.1.1/32', '192.168.1.1/32'],
    ['255.255.255.255/1', '128.0.0.0/1'],
    ['1.2.3.4/0', '0.0.0.0/0'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalIpv4Cidr(input)).toBe(expected);
  });

  test.each(['1.2.3.4', '1.2.3.256/8', '1.2.3.4/40', '::1/128'])('rejects %s', (input) => {
    expect(canonicalIpv4Cidr(input)).toBeUndefined();
  });
});
