import { Template } from 'aws-cdk-lib/assertions';
import { nagPacks } from '../../examples/basic';
import { defineIdentityExample } from '../../examples/identity';
import { fastApp } from '../fixtures';
import { HardenedEksTesting } from '../../lib/testing/hardened-eks-testing';

describe('examples/identity', () => {
  const app = fastApp();
  const stack = defineIdentityExample(app);
  const template = Template.fromStack(stack);

  test.each(nagPacks().map((pack) => [pack.readPackName, pack] as const))('has zero unacknowledged %s findings', (_name, pack) => {
    expect(HardenedEksTesting.nagViolations(pack, app).map((v) => v.ruleName)).toEqual([]);
  });

  test('one role per service account, one through IRSA (OIDC + CfnJson), one through Pod Identity', () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.resourceCountIs('Custom::AWSCDKCfnJson', 1);
    // The VPC CNI's association lives on its add-on, so only the app's is a resource of its own.
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
  });

  test('each reads exactly one prefix', () => {
    const documents = (Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[])
      .map((p) => JSON.stringify(p.Properties.PolicyDocument));
    expect(documents.filter((d) => d.includes('reports/team-a/*'))).toHaveLength(1);
    expect(documents.filter((d) => d.includes('reports/team-b/*'))).toHaveLength(1);
  });
});
