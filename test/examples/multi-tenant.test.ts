import { Template } from 'aws-cdk-lib/assertions';
import { nagPacks } from '../../examples/basic';
import { defineMultiTenantExample } from '../../examples/multi-tenant';
import { fastApp } from '../fixtures';
import { HardenedEksTesting } from '../../lib/testing/hardened-eks-testing';

describe('examples/multi-tenant', () => {
  const app = fastApp();
  const template = Template.fromStack(defineMultiTenantExample(app));

  test.each(nagPacks().map((pack) => [pack.readPackName, pack] as const))('has zero unacknowledged %s findings', (_name, pack) => {
    expect(HardenedEksTesting.nagViolations(pack, app).map((v) => v.ruleName)).toEqual([]);
  });

  test('three namespaces, one admission policy and one service account are five Kubernetes custom resources', () => {
    template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 5);
  });

  test('payments reaches the Pod Identity agent; the others do not', () => {
    const manifests = (Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[])
      .map((r) => JSON.stringify(r.Properties.Manifest));
    const withAgent = manifests.filter((m) => m.includes('allow-pod-identity-agent'));
    expect(withAgent).toHaveLength(1);
    expect(withAgent[0]).toMatch(/"namespace\\*":\\*"payments\\*"/);
  });
});
