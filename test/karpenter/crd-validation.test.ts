import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { crdSchema, validateCrdObject } from './crd-validation';
import { defineAutoscalingExample } from '../../examples/autoscaling';
import { HardenedEksCluster, KarpenterCapacityType, KarpenterConsolidationPolicy, KarpenterRequirementOperator, NodeArchitecture } from '../../lib';
import { isKubernetesManifest, readManifest } from '../../lib/nag/rules/manifests';
import { UNRESOLVED } from '../../lib/nag/rules/rule';
import { fastApp } from '../fixtures';

const NODE_CLASS = crdSchema('karpenter.k8s.aws_ec2nodeclasses.yaml');
const NODE_POOL = crdSchema('karpenter.sh_nodepools.yaml');

/** Every EC2NodeClass and NodePool a stack renders, deploy-time values as placeholder strings. */
function karpenterObjects(stack: Stack): Array<Record<string, any>> {
  Template.fromStack(stack);
  return stack.node.findAll()
    .filter((c: any) => c.cfnResourceType !== undefined && isKubernetesManifest(c))
    .flatMap((c: any) => readManifest(c).objects.map((o) => o.object))
    .filter((o) => o.kind === 'EC2NodeClass' || o.kind === 'NodePool')
    .map((o) => resolved(o));
}

const schemaOf = (object: Record<string, any>) => (object.kind === 'EC2NodeClass' ? NODE_CLASS : NODE_POOL);

/**
 * Whether a CEL rule is one @bufbuild/cel cannot run: it calls `find`, a regex function of the
 * Kubernetes CEL library. Those rules guard requirement and label keys in Karpenter's own domains,
 * which the library refuses in requirements and labels at synth (tested in karpenter.test.ts).
 */
const usesKubernetesFind = (rule: string) => /\.find\("/.test(rule);

/** Deploy-time values (subnet and security group ids) as the values CloudFormation will put there. */
function resolved(value: any, key: string = ''): any {
  if (Array.isArray(value)) { return value.map((v) => resolved(v, key)); }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolved(v, k === 'id' ? key : k)]));
  }
  if (value === UNRESOLVED) {
    if (key === 'subnetSelectorTerms') { return 'subnet-0a1b2c3d4e5f67890'; }
    if (key === 'securityGroupSelectorTerms') { return 'sg-0a1b2c3d4e5f67890'; }
    return 'resolved-at-deploy';
  }
  return value;
}

describe('rendered Karpenter objects against the Karpenter 1.14.1 CRDs', () => {
  const rich = new Stack(fastApp(), 'Rich');
  const karpenter = new HardenedEksCluster(rich, 'Cluster').addKarpenter();
  karpenter.addNodePool('general');
  karpenter.addNodePool('options', {
    architecture: NodeArchitecture.ARM_64,
    capacityTypes: [KarpenterCapacityType.ON_DEMAND, KarpenterCapacityType.SPOT],
    requirements: [
      { key: 'karpenter.k8s.aws/instance-family', operator: KarpenterRequirementOperator.IN, values: ['m7g', 'c7g'], minValues: 2 },
      { key: 'karpenter.k8s.aws/instance-cpu', operator: KarpenterRequirementOperator.LT, values: ['33'] },
      { key: 'example.com/zone-class', operator: KarpenterRequirementOperator.EXISTS },
    ],
    taints: [{ key: 'example.com/gpu', value: 'true', effect: eks.TaintEffect.NO_EXECUTE }],
    startupTaints: [{ key: 'example.com/setup', effect: eks.TaintEffect.NO_SCHEDULE }],
    labels: { 'example.com/pool': 'options' },
    dedicated: 'batch',
    limits: { cpu: '500m', memory: '1Ti' },
    expireAfter: 'Never',
    terminationGracePeriod: '1h30m',
    disruption: { consolidationPolicy: KarpenterConsolidationPolicy.WHEN_EMPTY, consolidateAfter: 'Never', budgets: [{ nodes: '0', schedule: '@daily', duration: '2h' }] },
    weight: 100,
    dataVolumeSize: 16384,
    tags: { 'example.com/cost-centre': '42' },
  });
  karpenter.addNodePool('unlimited', { allowUnlimited: true });
  const objects = [...karpenterObjects(rich), ...karpenterObjects(defineAutoscalingExample(fastApp()))];

  test('the stacks render every kind', () => {
    expect(objects.filter((o) => o.kind === 'EC2NodeClass')).toHaveLength(5);
    expect(objects.filter((o) => o.kind === 'NodePool')).toHaveLength(5);
  });

  test.each(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o] as const))('%s passes the schema and every CEL rule', (_name, object) => {
    const { errors, unevaluated } = validateCrdObject(object, schemaOf(object));
    expect(errors).toEqual([]);
    expect(unevaluated.filter((rule) => !usesKubernetesFind(rule))).toEqual([]);
  });

  test('the validator fails what the API server would refuse', () => {
    const nodeClass = JSON.parse(JSON.stringify(objects.find((o) => o.kind === 'EC2NodeClass')));
    nodeClass.spec.role = 'nodes';
    nodeClass.spec.metadataOptions.httpPutResponseHopLimit = 65;
    nodeClass.spec.blockDeviceMappings[0].ebs.volumeSize = '4GB';
    nodeClass.spec.amiSelectorTerms.push({ id: 'ami-0123456789abcdef0' });
    nodeClass.spec.surprise = true;
    expect(validateCrdObject(nodeClass, NODE_CLASS).errors).toEqual(expect.arrayContaining([
      'EC2NodeClass.spec.metadataOptions.httpPutResponseHopLimit: above 64',
      'EC2NodeClass.spec: unknown field surprise',
      expect.stringContaining('EC2NodeClass.spec.blockDeviceMappings[0].ebs.volumeSize: "4GB" does not match'),
      expect.stringMatching(/role|instanceProfile/),
      expect.stringMatching(/alias/),
    ]));
    const pool = JSON.parse(JSON.stringify(objects.find((o) => o.kind === 'NodePool')));
    pool.spec.disruption.budgets = [{ nodes: '10%', schedule: '@daily' }];
    pool.spec.template.spec.requirements.push({ key: 'karpenter.k8s.aws/instance-cpu', operator: 'Gt', values: ['-1'] });
    expect(validateCrdObject(pool, NODE_POOL).errors.length).toBeGreaterThanOrEqual(2);
  });
});
