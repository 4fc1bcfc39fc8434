import { Template } from 'aws-cdk-lib/assertions';
import { nagPacks } from '../../examples/basic';
import { defineIsolatedExample } from '../../examples/isolated';
import { fastApp } from '../fixtures';
import { HardenedEksTesting } from '../../lib/testing/hardened-eks-testing';

describe('examples/isolated', () => {
  const app = fastApp();
  const stack = defineIsolatedExample(app);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, any>;

  test.each(nagPacks().map((pack) => [pack.readPackName, pack] as const))('has zero unacknowledged %s findings', (_name, pack) => {
    expect(HardenedEksTesting.nagViolations(pack, app).map((v) => v.ruleName)).toEqual([]);
  });

  test('no internet path: no internet gateway, NAT gateway, Elastic IP or route to anywhere but the S3 gateway endpoint', () => {
    for (const type of ['AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::EgressOnlyInternetGateway']) {
      template.resourceCountIs(type, 0);
    }
    template.resourceCountIs('AWS::EC2::Route', 0);
    const subnets = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::Subnet');
    expect(subnets.length).toBeGreaterThanOrEqual(2);
    for (const subnet of subnets) { expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false); }
  });
});
