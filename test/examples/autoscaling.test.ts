import { Template } from 'aws-cdk-lib/assertions';
import { defineAutoscalingExample } from '../../examples/autoscaling';
import { nagPacks } from '../../examples/basic';
import { HardenedEksTesting } from '../../lib/testing/hardened-eks-testing';
import { fastApp } from '../fixtures';

describe('examples/autoscaling', () => {
  const app = fastApp();
  const stack = defineAutoscalingExample(app);
  const template = Template.fromStack(stack);

  test.each(nagPacks().map((pack) => [pack.readPackName, pack] as const))('has zero unacknowledged %s findings', (_name, pack) => {
    expect(HardenedEksTesting.nagViolations(pack, app).map((v) => v.ruleName)).toEqual([]);
  });

  test('matches the snapshot (asset hashes stripped)', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('the batch namespace\'s pods must select the batch pool, whose nodes carry the dedicated taint', () => {
    const manifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map((r: any) => JSON.stringify(r.Properties.Manifest));
    expect(manifests.filter((m) => m.includes('cdk-hardened-eks.io/dedicated=batch')).length).toBeGreaterThan(0);
    expect(manifests.filter((m) => m.includes('\\"kind\\":\\"NodePool\\"') && m.includes('\\"effect\\":\\"NoSchedule\\"') && m.includes('\\"value\\":\\"batch\\"'))).toHaveLength(1);
  });
});
