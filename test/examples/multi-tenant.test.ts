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

  test('three namespaces (two manifests and a wait each), the admission policies, the StorageClass, the kube-system policies and one service account', () => {
    template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 10);
    template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesObjectValue', 3);
  });

  test('no manifest that creates a Namespace also holds an object a controller creates in it on its own', () => {
    const manifests = (Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[])
      .map((r) => JSON.stringify(r.Properties.Manifest));
    const withNamespace = manifests.filter((m) => /\\"kind\\":\\"Namespace\\"/.test(m));
    expect(withNamespace).toHaveLength(3);
    for (const m of withNamespace) {
      expect(m).not.toMatch(/\\"kind\\":\\"ServiceAccount\\"/);
      expect(m).not.toContain('kube-root-ca.crt');
    }
  });

  test('payments runs on its dedicated node group: the others may neither select nor tolerate it', () => {
    const manifests = (Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[])
      .map((r) => JSON.stringify(r.Properties.Manifest)).filter((m) => /\\"kind\\":\\"Namespace\\"/.test(m));
    const bound = manifests.filter((m) => m.includes('cdk-hardened-eks.io/node-selectors\\":\\"cdk-hardened-eks.io/dedicated=pci'));
    expect(bound).toHaveLength(1);
    expect(bound[0]).toMatch(/"name\\*":\\*"payments\\*"/);
    const tolerating = manifests.filter((m) => m.includes('allowed-toleration-keys\\":\\"cdk-hardened-eks.io/dedicated'));
    expect(tolerating).toEqual(bound);
    const nodegroups = Object.values(template.findResources('AWS::EKS::Nodegroup')) as any[];
    expect(nodegroups.map((n) => n.Properties.Taints ?? [])).toContainEqual([{ Key: 'cdk-hardened-eks.io/dedicated', Value: 'pci', Effect: 'NO_SCHEDULE' }]);
  });

  test('payments reaches the Pod Identity agent; the other namespaces do not', () => {
    const manifests = (Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[])
      .map((r) => JSON.stringify(r.Properties.Manifest)).filter((m) => /\\"kind\\":\\"Namespace\\"/.test(m));
    const withAgent = manifests.filter((m) => m.includes('169.254.170.23/32'));
    expect(withAgent).toHaveLength(1);
    expect(withAgent[0]).toMatch(/"namespace\\*":\\*"payments\\*"/);
  });
});
