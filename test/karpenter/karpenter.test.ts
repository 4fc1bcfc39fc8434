import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as TOML from 'smol-toml';
import {
  ClusterNetwork, HardenedEksChecks, HardenedEksCluster, HardenedEksClusterProps, HardenedEksTesting, KarpenterCapacityType, KarpenterConsolidationPolicy,
  KarpenterDisruptionReason, KarpenterNodePoolOptions, KarpenterOptions, KarpenterRequirementOperator, KernelLockdown, NodeArchitecture,
} from '../../lib';
import { fastApp, podIdentityTrust, warningsOf } from '../fixtures';

/** Builds a cluster with Karpenter and the given node pools, synthesized. */
function build(options: KarpenterOptions = {}, pools: Record<string, KarpenterNodePoolOptions> = { general: {} }, props: HardenedEksClusterProps = {}) {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', props);
  const karpenter = cluster.addKarpenter(options);
  const nodePools = Object.entries(pools).map(([id, o]) => karpenter.addNodePool(id, o));
  const template = Template.fromStack(stack);
  return { app, stack, cluster, karpenter, nodePools, template, resources: template.toJSON().Resources as Record<string, any> };
}

/** A JSON document built with Fn::Join, parsed, with each deploy-time part as `<LogicalId>` or `<LogicalId.Attr>`. */
function parseJoined(value: unknown): any {
  if (typeof value === 'string') { return JSON.parse(value); }
  const [sep, parts] = (value as any)['Fn::Join'];
  return JSON.parse(parts.map((p: any) => (typeof p === 'string' ? p : p.Ref ? `<${p.Ref}>` : `<${p['Fn::GetAtt'].join('.')}>`)).join(sep));
}

const logicalId = (stack: Stack, construct: any) => stack.resolve((construct.node.defaultChild ?? construct).logicalId) as string;
const chartResource = (_stack: Stack, chart: eks.HelmChart) =>
  chart.node.findAll().find((c: any) => c.cfnResourceType === 'Custom::AWSCDK-EKS-HelmChart') as any;

describe('HardenedEksCluster.addKarpenter().addNodePool()', () => {
  const { app, stack, cluster, karpenter, nodePools, template, resources } = build();
  const [general] = nodePools;
  const objects = parseJoined(resources[logicalId(stack, general.manifest)].Properties.Manifest) as any[];
  const nodeClass = objects.find((o) => o.kind === 'EC2NodeClass');
  const nodePool = objects.find((o) => o.kind === 'NodePool');
  const volumeKey = `<${logicalId(stack, cluster.nodeVolumeKey)}.Arn>`;

  test.each(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'HardenedEks'])('has zero unacknowledged %s findings', (name) => {
    const { nagPacks } = require('../../examples/basic');
    const pack = nagPacks().find((p: any) => p.readPackName === name);
    expect(HardenedEksTesting.nagViolations(pack, app).map((v) => v.ruleName)).toEqual([]);
  });

  test('five interruption rules, one per event Karpenter handles, with the exact detail-types, each sending to the queue', () => {
    const queueArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, karpenter.interruptionQueue), 'Arn'] });
    const rules = (Object.values(template.findResources('AWS::Events::Rule')) as any[]).filter((r) => JSON.stringify(r.Properties.Targets).includes(queueArn));
    expect(rules.map((r) => [r.Properties.EventPattern.source, r.Properties.EventPattern['detail-type']]).sort()).toEqual([
      [['aws.ec2'], ['EC2 Capacity Reservation Instance Interruption Warning']],
      [['aws.ec2'], ['EC2 Instance Rebalance Recommendation']],
      [['aws.ec2'], ['EC2 Instance State-change Notification']],
      [['aws.ec2'], ['EC2 Spot Instance Interruption Warning']],
      [['aws.health'], ['AWS Health Event']],
    ]);
    const queue = logicalId(stack, karpenter.interruptionQueue);
    for (const rule of rules) {
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [queue, 'Arn'] } })]);
    }
  });

  test('the queue: SQS-managed encryption, 300 s retention, a dead-letter queue; its policy refuses plain HTTP and admits only the five rules', () => {
    const queue = resources[logicalId(stack, karpenter.interruptionQueue)];
    expect(queue.Properties).toEqual(expect.objectContaining({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 300 }));
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as any[];
    const policy = policies.find((p) => JSON.stringify(p.Properties.Queues).includes(logicalId(stack, karpenter.interruptionQueue)));
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Action: 'sqs:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(5);
    for (const allow of allows) {
      expect(allow.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect(Object.keys(allow.Condition)).toEqual(['ArnEquals']);
      expect(allow.Condition.ArnEquals['aws:SourceArn']['Fn::GetAtt'][1]).toBe('Arn');
    }
  });

  test('the node role has only the worker-node and ECR pull-only policies, an instance profile, and an EC2_LINUX access entry', () => {
    const role = resources[logicalId(stack, karpenter.nodeRole)];
    expect(role.Properties.ManagedPolicyArns.map((a: any) => a['Fn::Join'][1][2])).toEqual([
      ':iam::aws:policy/AmazonEKSWorkerNodePolicy', ':iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
    ]);
    expect(role.Properties.Policies).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Roles: [{ Ref: logicalId(stack, karpenter.nodeRole) }] });
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      Type: 'EC2_LINUX', PrincipalArn: { 'Fn::GetAtt': [logicalId(stack, karpenter.nodeRole), 'Arn'] },
    });
  });

  describe('the controller policy', () => {
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .find((p: any) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: logicalId(stack, karpenter.controllerRole) }])) as any;
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    const actionsOf = (s: any) => [].concat(s.Action);
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid);

    test('passes only the node role, only to EC2', () => {
      const passing = statements.filter((s) => actionsOf(s).some((a: string) => a.startsWith('iam:Pass')));
      expect(passing).toEqual([{
        Sid: 'AllowPassingInstanceRole', Effect: 'Allow', Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [logicalId(stack, karpenter.nodeRole), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': { 'Fn::Join': ['', ['ec2.', { Ref: 'AWS::URLSuffix' }]] } } },
      }]);
    });

    test('writes no instance profile and nothing else in IAM: the library created the profile', () => {
      const iamActions = statements.flatMap(actionsOf).filter((a: string) => a.startsWith('iam:')).sort();
      expect(iamActions).toEqual(['iam:GetInstanceProfile', 'iam:GetInstanceProfile', 'iam:ListInstanceProfiles', 'iam:PassRole']);
      expect(bySid('AllowInstanceProfileReadActions').Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, karpenter.instanceProfile), 'Arn'] });
      // The name Karpenter looks up when an EC2NodeClass is deleted: a read, of this cluster's names only.
      expect(JSON.stringify(bySid('AllowLegacyInstanceProfileLookup').Resource)).toContain(`:instance-profile/${cluster.clusterName}_*`);
    });

    test('every call that launches, tags or terminates needs this cluster\'s tags', () => {
      const clusterTag = `kubernetes.io/cluster/${cluster.clusterName}`;
      for (const sid of ['AllowScopedEC2LaunchTemplateAccessActions', 'AllowScopedDeletion', 'AllowScopedResourceTagging']) {
        expect(bySid(sid).Condition.StringEquals[`aws:ResourceTag/${clusterTag}`]).toBe('owned');
        expect(bySid(sid).Condition.StringLike['aws:ResourceTag/karpenter.sh/nodepool']).toBe('*');
      }
      for (const sid of ['AllowScopedEC2InstanceActionsWithTags', 'AllowScopedResourceCreationTagging']) {
        expect(bySid(sid).Condition.StringEquals).toEqual(expect.objectContaining({
          [`aws:RequestTag/${clusterTag}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': cluster.clusterName,
        }));
      }
      expect(bySid('AllowScopedResourceCreationTagging').Condition.StringEquals['ec2:CreateAction']).toEqual(['RunInstances', 'CreateFleet', 'CreateLaunchTemplate']);
      expect(bySid('AllowScopedResourceTagging').Condition['ForAllValues:StringEquals']['aws:TagKeys']).toEqual(['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name']);
      // Every statement that allows a write carries a condition, or names its resources exactly.
      const unconditionedWrites = statements.filter((s) => !s.Condition && actionsOf(s).some((a: string) => !/:(Describe|Get|List)/.test(a)));
      expect(unconditionedWrites.map((s) => s.Sid).sort()).toEqual(['AllowInterruptionQueueActions', 'AllowScopedEC2InstanceAccessActions']);
    });

    test('launches only into the nodes\' subnets with the cluster security group, reads only Bottlerocket parameters, no action or resource is "*" where AWS scopes it', () => {
      const launch = JSON.stringify(bySid('AllowScopedEC2InstanceAccessActions').Resource);
      for (const subnet of karpenter.nodeSubnets) { expect(launch).toContain(stack.resolve(subnet.subnetId).Ref); }
      expect(launch).not.toContain('subnet/*');
      expect(launch).not.toContain('security-group/*');
      expect(JSON.stringify(bySid('AllowSSMReadActions').Resource)).toContain('parameter/aws/service/bottlerocket/*');
      expect(statements.flatMap(actionsOf).filter((a: string) => a.includes('*'))).toEqual([]);
      const starResources = statements.filter((s) => s.Resource === '*').map((s) => s.Sid).sort();
      expect(starResources).toEqual(['AllowPricingReadActions', 'AllowRegionalReadActions', 'AllowUnscopedInstanceProfileListAction']);
      expect(bySid('AllowRegionalReadActions').Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } });
      expect(bySid('AllowInterruptionQueueActions').Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, karpenter.interruptionQueue), 'Arn'] });
      expect(bySid('AllowAPIServerEndpointDiscovery').Resource).toEqual(stack.resolve(cluster.cluster.clusterArn));
    });

    test('uses the node volume key only through EC2, and grants it only to AWS resources', () => {
      const key = { 'Fn::GetAtt': [logicalId(stack, cluster.nodeVolumeKey), 'Arn'] };
      const kms = statements.filter((s) => actionsOf(s).some((a: string) => a.startsWith('kms:')));
      expect(kms.map((s) => s.Resource)).toEqual([key, key]);
      for (const s of kms) { expect(s.Condition.StringEquals['kms:ViaService']).toBeDefined(); }
      expect(bySid('AllowNodeVolumeGrants').Condition.Bool).toEqual({ 'kms:GrantIsForAWSResource': 'true' });
    });
  });

  test('the controller gets its role through Pod Identity, for kube-system/karpenter of this cluster only, one-hour sessions', () => {
    const role = resources[logicalId(stack, karpenter.controllerRole)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual(podIdentityTrust(cluster.clusterName, 'kube-system', 'karpenter'));
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'kube-system', ServiceAccount: 'karpenter', RoleArn: { 'Fn::GetAtt': [logicalId(stack, karpenter.controllerRole), 'Arn'] },
    });
  });

  test('the charts: pinned version, kube-system, CRDs from karpenter-crd first; the controller on managed node group nodes only, its region set', () => {
    const crd = chartResource(stack, karpenter.crdChart);
    const main = chartResource(stack, karpenter.chart);
    const crdProps = resources[stack.resolve(crd.logicalId)].Properties;
    const props = resources[stack.resolve(main.logicalId)].Properties;
    expect(crdProps).toEqual(expect.objectContaining({ Chart: 'karpenter-crd', Repository: 'oci://public.ecr.aws/karpenter/karpenter-crd', Version: '1.14.1', Namespace: 'kube-system' }));
    expect(props).toEqual(expect.objectContaining({
      Chart: 'karpenter', Repository: 'oci://public.ecr.aws/karpenter/karpenter', Version: '1.14.1', Namespace: 'kube-system', Release: 'karpenter', SkipCrds: true,
    }));
    expect(resources[stack.resolve(main.logicalId)].DependsOn).toContain(stack.resolve(crd.logicalId));
    const values = parseJoined(props.Values);
    expect(values.settings).toEqual({
      clusterName: cluster.clusterName,
      clusterEndpoint: `<${logicalId(stack, cluster.cluster)}.Endpoint>`,
      interruptionQueue: `<${logicalId(stack, karpenter.interruptionQueue)}.QueueName>`,
      isolatedVPC: false,
    });
    expect(values.serviceAccount).toEqual({ create: true, name: 'karpenter' });
    expect(values.controller.env).toEqual([{ name: 'AWS_REGION', value: '<AWS::Region>' }]);
    expect(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [
      { key: 'karpenter.sh/nodepool', operator: 'DoesNotExist' }, { key: 'eks.amazonaws.com/nodegroup', operator: 'Exists' },
    ] }]);
    expect(values.controller.image).toBeUndefined();
  });

  test('the controller has a kube-system NetworkPolicy (HTTPS out, Pod Identity agent, CoreDNS; nothing in) before the chart installs', () => {
    const policyManifest = karpenter.node.findChild('NetworkPolicy') as eks.KubernetesManifest;
    const [policy] = parseJoined(resources[logicalId(stack, policyManifest)].Properties.Manifest);
    expect(policy.metadata.namespace).toBe('kube-system');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': 'karpenter' } });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toBeUndefined();
    expect(policy.spec.egress.map((e: any) => e.ports.map((p: any) => `${p.protocol}/${p.port}`).join(','))).toEqual(['TCP/443', 'TCP/80', 'UDP/53,TCP/53']);
    expect(resources[stack.resolve(chartResource(stack, karpenter.chart).logicalId)].DependsOn).toContain(logicalId(stack, policyManifest));
  });

  test('EC2NodeClass: pinned Bottlerocket, IMDSv2 hop limit 1 without IPv6, both volumes encrypted with the node volume key, monitoring, no public IP', () => {
    expect(nodeClass.apiVersion).toBe('karpenter.k8s.aws/v1');
    expect(nodeClass.metadata.name).toBe('general');
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@v1.64.0' }]);
    expect(nodeClass.spec.metadataOptions).toEqual({ httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' });
    expect(nodeClass.spec.blockDeviceMappings).toEqual([
      { deviceName: '/dev/xvda', ebs: { volumeSize: '4Gi', volumeType: 'gp3', encrypted: true, kmsKeyID: volumeKey, deleteOnTermination: true } },
      { deviceName: '/dev/xvdb', ebs: { volumeSize: '50Gi', volumeType: 'gp3', encrypted: true, kmsKeyID: volumeKey, deleteOnTermination: true } },
    ]);
    expect(nodeClass.spec.detailedMonitoring).toBe(true);
    expect(nodeClass.spec.associatePublicIPAddress).toBe(false);
    expect(nodeClass.spec.instanceProfile).toBe(`<${logicalId(stack, karpenter.instanceProfile)}>`);
    expect(nodeClass.spec.role).toBeUndefined();
    expect(nodeClass.spec.securityGroupSelectorTerms).toEqual([{ id: `<${logicalId(stack, cluster.cluster)}.ClusterSecurityGroupId>` }]);
    expect(nodeClass.spec.subnetSelectorTerms).toEqual(karpenter.nodeSubnets.map((s) => ({ id: `<${stack.resolve(s.subnetId).Ref}>` })));
  });

  test('EC2NodeClass userData: the managed node groups\' Bottlerocket hardening, and none of the settings Karpenter owns', () => {
    const settings = TOML.parse(nodeClass.spec.userData) as any;
    expect(settings).toEqual(TOML.parse(cluster.defaultNodeGroup!.userData));
    expect(settings.settings.kernel.lockdown).toBe('integrity');
    expect(settings.settings['host-containers']).toEqual({ admin: { enabled: false }, control: { enabled: false } });
    const kubernetes = Object.keys(settings.settings.kubernetes);
    for (const owned of ['cluster-name', 'api-server', 'cluster-certificate', 'cluster-dns-ip', 'node-labels', 'node-taints', 'max-pods']) {
      expect(kubernetes).not.toContain(owned);
    }
    // Karpenter re-serializes settings.kubernetes from a typed struct and drops keys it does not
    // know (pkg/providers/amifamily/bootstrap/bottlerocketsettings.go, v1.14.1): ours are all known.
    const known = ['seccomp-default', 'pod-pids-limit', 'event-qps', 'event-burst', 'container-log-max-size', 'container-log-max-files',
      'registry-qps', 'registry-burst', 'kube-api-qps', 'kube-api-burst', 'allowed-unsafe-sysctls', 'server-tls-bootstrap', 'shutdown-grace-period'];
    expect(kubernetes.filter((k) => !known.includes(k))).toEqual([]);
  });

  test('NodePool: bounded, expiring, Nitro-only of one architecture, on-demand, bound to its EC2NodeClass', () => {
    expect(nodePool.apiVersion).toBe('karpenter.sh/v1');
    expect(nodePool.spec.limits).toEqual({ cpu: '64', memory: '256Gi' });
    expect(nodePool.spec.template.spec.expireAfter).toBe('504h');
    expect(nodePool.spec.template.spec.terminationGracePeriod).toBe('24h');
    expect(nodePool.spec.disruption).toEqual({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1m', budgets: [{ nodes: '10%' }] });
    expect(nodePool.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'general' });
    expect(nodePool.spec.template.spec.requirements).toEqual([
      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
      { key: 'karpenter.k8s.aws/instance-hypervisor', operator: 'In', values: ['nitro'] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
      { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
      { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: ['5'] },
    ]);
    expect(nodePool.spec.template.spec.taints).toBeUndefined();
  });

  test('node pools wait for the CRDs, the controller (so on deletion it still runs to drain their nodes), the nodes\' access entry and instance profile, and the node add-ons', () => {
    const dependsOn = resources[logicalId(stack, general.manifest)].DependsOn as string[];
    expect(dependsOn).toEqual(expect.arrayContaining([
      stack.resolve(chartResource(stack, karpenter.crdChart).logicalId),
      stack.resolve(chartResource(stack, karpenter.chart).logicalId),
      logicalId(stack, karpenter.instanceProfile),
      stack.resolve((karpenter.node.findChild('NodeAccess') as any).logicalId),
    ]));
    // Everything a managed node group waits for (node add-ons, kube-system policies), a pool waits for too, directly or through the chart.
    const closure = (id: string, seen = new Set<string>()): Set<string> => {
      for (const next of (resources[id].DependsOn ?? []) as string[]) {
        if (!seen.has(next)) { seen.add(next); closure(next, seen); }
      }
      return seen;
    };
    const nodeGroupWaitsFor = resources[logicalId(stack, cluster.defaultNodeGroup!.nodegroup)].DependsOn as string[];
    const poolWaitsFor = closure(logicalId(stack, general.manifest));
    expect(nodeGroupWaitsFor.some((d) => /VpcCni/i.test(d))).toBe(true);
    expect(nodeGroupWaitsFor.filter((d) => !poolWaitsFor.has(d))).toEqual([]);
  });

  test('no warning of its own for the defaults', () => {
    expect(warningsOf(stack).filter((w) => w.includes('cdk-hardened-eks') && !w.includes('cdk-hardened-eks:noClusterAdmin'))).toEqual([]);
  });
});

describe('node pool options', () => {
  test('architecture, spot, requirements, taints, labels, disruption and Bottlerocket settings reach the objects', () => {
    const { stack, nodePools, resources } = build({}, {
      gpu: {
        architecture: NodeArchitecture.ARM_64,
        capacityTypes: [KarpenterCapacityType.ON_DEMAND, KarpenterCapacityType.SPOT],
        requirements: [{ key: 'karpenter.k8s.aws/instance-category', operator: KarpenterRequirementOperator.IN, values: ['m'], minValues: 1 }],
        taints: [{ key: 'example.com/gpu', value: 'true', effect: eks.TaintEffect.NO_SCHEDULE }],
        labels: { 'example.com/pool': 'gpu' },
        limits: { cpu: '16', memory: '64Gi' },
        expireAfter: '168h',
        weight: 10,
        bottlerocket: { kernelLockdown: KernelLockdown.CONFIDENTIALITY, podPidsLimit: 1024 },
        bottlerocketVersion: 'v1.65.0',
        dataVolumeSize: 100,
      },
    });
    const objects = parseJoined(resources[logicalId(stack, nodePools[0].manifest)].Properties.Manifest) as any[];
    const pool = objects.find((o) => o.kind === 'NodePool');
    const nodeClass = objects.find((o) => o.kind === 'EC2NodeClass');
    expect(pool.spec.template.spec.requirements).toEqual([
      { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] },
      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
      { key: 'karpenter.k8s.aws/instance-hypervisor', operator: 'In', values: ['nitro'] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand', 'spot'] },
      { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: ['5'] },
      { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['m'], minValues: 1 },
    ]);
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'example.com/gpu', value: 'true', effect: 'NoSchedule' }]);
    expect(pool.spec.template.metadata.labels).toEqual({ 'example.com/pool': 'gpu' });
    expect(pool.spec.limits).toEqual({ cpu: '16', memory: '64Gi' });
    expect(pool.spec.weight).toBe(10);
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@v1.65.0' }]);
    expect(nodeClass.spec.blockDeviceMappings[1].ebs.volumeSize).toBe('100Gi');
    const settings = TOML.parse(nodeClass.spec.userData) as any;
    expect(settings.settings.kernel.lockdown).toBe('confidentiality');
    expect(settings.settings.kubernetes['pod-pids-limit']).toBe(1024);
    expect(warningsOf(stack).some((w) => w.includes('cdk-hardened-eks:spotCapacity'))).toBe(true);
  });

  test('allowUnlimited renders no limits and warns; expireAfter Never warns', () => {
    const { stack, nodePools, resources } = build({}, { burst: { allowUnlimited: true, expireAfter: 'Never' } });
    const pool = parseJoined(resources[logicalId(stack, nodePools[0].manifest)].Properties.Manifest).find((o: any) => o.kind === 'NodePool');
    expect(pool.spec.limits).toBeUndefined();
    expect(pool.spec.template.spec.expireAfter).toBe('Never');
    const warnings = warningsOf(stack);
    expect(warnings.some((w) => w.includes('cdk-hardened-eks:unboundedNodePool'))).toBe(true);
    expect(warnings.some((w) => w.includes('cdk-hardened-eks:nodesNeverExpire'))).toBe(true);
  });

  test('a dedicated pool binds namespaces as a dedicated node group does: label and taint on its nodes', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster');
    const pool = cluster.addKarpenter().addNodePool('batch', { dedicated: 'batch' });
    const shared = cluster.karpenter!.addNodePool('shared');
    cluster.addNamespace('batch', { nodeGroups: [pool] });
    expect(() => cluster.addNamespace('other', { nodeGroups: [shared] })).toThrow('The node group or NodePool is not dedicated to namespaces.');
    const resources = Template.fromStack(stack).toJSON().Resources;
    const nodePool = parseJoined(resources[logicalId(stack, pool.manifest)].Properties.Manifest).find((o: any) => o.kind === 'NodePool');
    expect(nodePool.spec.template.metadata.labels).toEqual({ 'cdk-hardened-eks.io/dedicated': 'batch' });
    expect(nodePool.spec.template.spec.taints).toEqual([{ key: 'cdk-hardened-eks.io/dedicated', value: 'batch', effect: 'NoSchedule' }]);
    const manifests = Object.values(resources).filter((r: any) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource').map((r: any) => JSON.stringify(r.Properties.Manifest));
    expect(manifests.some((m) => m.includes('cdk-hardened-eks.io/dedicated=batch'))).toBe(true);
  });
});

describe('validation', () => {
  const tryPool = (options: KarpenterNodePoolOptions, id: string = 'general') => {
    const stack = new Stack(fastApp(), 'Test');
    return () => new HardenedEksCluster(stack, 'Cluster').addKarpenter().addNodePool(id, options);
  };
  const tryKarpenter = (options: KarpenterOptions, props: HardenedEksClusterProps = {}) => {
    const stack = new Stack(fastApp(), 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    return () => new HardenedEksCluster(stack, 'Cluster', props).addKarpenter(options);
  };

  test('fails when a pool would float to unreviewed Bottlerocket releases, or names a bad version', () => {
    expect(tryPool({ bottlerocketVersion: 'latest' })).toThrow("bottlerocketVersion: received \"latest\". 'latest' lets every Bottlerocket release reach the nodes unreviewed.");
    expect(tryKarpenter({ bottlerocketVersion: 'v2' })).toThrow("bottlerocketVersion: received \"v2\". A Bottlerocket release looks like 'v1.64.0'.");
  });

  test('fails when requirements take over what the library sets', () => {
    for (const key of ['kubernetes.io/arch', 'karpenter.k8s.aws/instance-hypervisor', 'karpenter.sh/capacity-type', 'kubernetes.io/os', 'cdk-hardened-eks.io/dedicated']) {
      expect(tryPool({ requirements: [{ key, operator: KarpenterRequirementOperator.IN, values: ['x'] }] })).toThrow(`requirements: received "${key}".`);
    }
  });

  test('fails when instance types are not Nitro, or not of the pool\'s architecture', () => {
    const types = (values: string[], architecture?: NodeArchitecture) => tryPool({
      architecture, requirements: [{ key: 'node.kubernetes.io/instance-type', operator: KarpenterRequirementOperator.IN, values }],
    });
    expect(types(['m7g.large'])).toThrow('m7g.large is a Graviton (arm64) type.');
    expect(types(['m4.large'])).toThrow('m4 is not a Nitro instance family');
    expect(types(['m7i.large'], NodeArchitecture.ARM_64)).toThrow('m7i.large is an x86_64 type but architecture is ARM_64.');
    expect(types(['m7g.large'], NodeArchitecture.ARM_64)).not.toThrow();
  });

  test('fails on limits that are not positive quantities, on limits with allowUnlimited, and on bad durations, budgets and weights', () => {
    expect(tryPool({ limits: { cpu: '0' } })).toThrow('limits.cpu: received "0".');
    expect(tryPool({ limits: { memory: 'lots' } })).toThrow('limits.memory: received "lots".');
    expect(tryPool({ limits: { cpu: '8' }, allowUnlimited: true })).toThrow('allowUnlimited: received true. limits were given too');
    expect(tryPool({ expireAfter: '21d' })).toThrow("expireAfter: received \"21d\". Use a duration of whole hours, minutes or seconds as Karpenter reads them");
    expect(tryPool({ expireAfter: '1.5h' })).toThrow('expireAfter: received "1.5h".');
    expect(tryPool({ expireAfter: '876000h' })).toThrow("expireAfter: received \"876000h\". Nodes live 1h to 2160h (90 days); 'Never' is a warned choice of its own.");
    expect(tryPool({ expireAfter: '0s' })).toThrow('expireAfter: received "0s".');
    expect(tryPool({ terminationGracePeriod: '87600h' })).toThrow('terminationGracePeriod: received "87600h". Use 1m to 168h (7 days)');
    expect(tryPool({ terminationGracePeriod: '0s' })).toThrow('terminationGracePeriod: received "0s".');
    expect(tryPool({ disruption: { budgets: [{ nodes: '0', schedule: '@daily', duration: '90s' }] } })).toThrow('disruption.budgets.duration: received "90s".');
    expect(tryPool({ disruption: { consolidateAfter: '1.5m' } })).toThrow('disruption.consolidateAfter: received "1.5m".');
    expect(tryPool({ terminationGracePeriod: 'Never' })).toThrow('terminationGracePeriod: received "Never".');
    expect(tryPool({ disruption: { budgets: [{ nodes: '0', schedule: '0 9 * * *' }] } })).toThrow('schedule and duration go together.');
    expect(tryPool({ disruption: { budgets: [{ nodes: 'half' }] } })).toThrow('disruption.budgets: received "half".');
    expect(tryPool({ weight: 0 })).toThrow('weight: received 0.');
  });

  test('fails on durations known only at deploy time: the bounds could not hold', () => {
    const stack = new Stack(fastApp(), 'Test');
    const { CfnParameter } = require('aws-cdk-lib');
    const never = new CfnParameter(stack, 'Expiry', { default: 'Never' }).valueAsString;
    expect(() => new HardenedEksCluster(stack, 'Cluster').addKarpenter().addNodePool('general', { expireAfter: never }))
      .toThrow('Give the duration at synth time');
  });

  test('fails on requirements and taints Karpenter would refuse at deploy: its own keys, minValues above the values', () => {
    expect(tryPool({ requirements: [{ key: 'karpenter.sh/nodepool', operator: KarpenterRequirementOperator.IN, values: ['other'] }] }))
      .toThrow('requirements: received "karpenter.sh/nodepool". Karpenter refuses requirements on its own karpenter.sh keys');
    expect(tryPool({ requirements: [{ key: 'kubernetes.io/hostname', operator: KarpenterRequirementOperator.EXISTS }] })).toThrow('requirements: received "kubernetes.io/hostname".');
    expect(tryPool({ requirements: [{ key: 'karpenter.k8s.aws/instance-family', operator: KarpenterRequirementOperator.IN, values: ['m7i'], minValues: 2 }] }))
      .toThrow('minValues cannot exceed the 1 values given.');
    expect(tryPool({ taints: [{ key: 'karpenter.sh/disrupted', effect: eks.TaintEffect.NO_SCHEDULE }] })).toThrow('taints: received "karpenter.sh/disrupted".');
    expect(tryPool({ startupTaints: [{ key: 'unregistered.karpenter.sh/x', effect: eks.TaintEffect.NO_EXECUTE }] })).toThrow('taints: received "unregistered.karpenter.sh/x".');
  });

  test('fails on a name Kubernetes would refuse, on labels Karpenter owns, and on tags the controller policy relies on', () => {
    expect(tryPool({}, 'General')).toThrow('id: received "General".');
    expect(tryPool({ labels: { 'karpenter.sh/nodepool': 'x' } })).toThrow('labels: received "karpenter.sh/nodepool".');
    expect(tryPool({ tags: { 'eks:eks-cluster-name': 'other' } })).toThrow('tags: received "eks:eks-cluster-name".');
  });

  test('fails when Karpenter is added twice, or a pool name repeats', () => {
    const stack = new Stack(fastApp(), 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster');
    const karpenter = cluster.addKarpenter();
    karpenter.addNodePool('general');
    expect(() => cluster.addKarpenter()).toThrow('A cluster runs one Karpenter');
    expect(() => karpenter.addNodePool('general')).toThrow('A node pool with this name was already added');
  });

  test('fails on chart repositories the kubectl handler cannot pull from', () => {
    expect(tryKarpenter({ chartRepository: 'oci://registry.example.com/karpenter' })).toThrow('chartRepository: received "oci://registry.example.com/karpenter".');
    expect(tryKarpenter({ chartRepository: 'oci://444455556666.dkr.ecr.eu-west-1.amazonaws.com/karpenter' }))
      .toThrow("The kubectl handler may pull charts only from this account's ECR in this region");
    expect(tryKarpenter({ chartRepository: 'oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter' })).not.toThrow();
  });

  test('fails in a cluster without an internet path unless chart and image come from mirrors', () => {
    const isolated = { network: ClusterNetwork.isolated() };
    expect(tryKarpenter({}, isolated)).toThrow(/chartRepository: received "oci:\/\/public.ecr.aws\/karpenter"[\s\S]*imageRepository: received "public.ecr.aws\/karpenter\/controller"/);
  });
});

describe('Karpenter in a cluster without an internet path', () => {
  const stack = new Stack(fastApp(), 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
  const cluster = new HardenedEksCluster(stack, 'Cluster', { network: ClusterNetwork.isolated() });
  const karpenter = cluster.addKarpenter({
    chartRepository: 'oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter',
    imageRepository: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter/controller',
  });
  karpenter.addNodePool('general');
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources;

  test('sets isolatedVPC, pulls chart and image from the mirrors, and adds SQS and SSM endpoints the controller waits for', () => {
    const chart = resources[stack.resolve(chartResource(stack, karpenter.chart).logicalId)];
    const values = parseJoined(chart.Properties.Values);
    expect(values.settings.isolatedVPC).toBe(true);
    expect(values.controller.image).toEqual({ repository: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter/controller' });
    expect(chart.Properties.Repository).toBe('oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter/karpenter');
    const services = Object.entries(template.findResources('AWS::EC2::VPCEndpoint')).map(([id, r]: [string, any]) => [id, JSON.stringify(r.Properties.ServiceName)]);
    for (const service of ['sqs', 'ssm']) {
      const endpoint = services.find(([, name]) => name.includes(`.${service}"`));
      expect(endpoint).toBeDefined();
      expect(chart.DependsOn).toContain(endpoint![0]);
    }
  });

  test('HardenedEks finds nothing, and finds the SQS endpoint missing once it is gone', () => {
    const checks = () => HardenedEksTesting.nagViolations(new HardenedEksChecks(), stack.node.root as any).map((v) => v.ruleName);
    expect(checks()).toEqual([]);
    const sqs = cluster.node.findChild('SqsEndpoint');
    cluster.node.tryRemoveChild(sqs.node.id);
    expect(checks()).toEqual(['HardenedEks-IsolatedClusterEndpoints[MissingEndpoint::sqs]']);
  });
});

describe('tenants cannot change node pools', () => {
  test('no library Role or binding gives a tenant group a verb on Karpenter\'s cluster-scoped kinds; namespace ADMIN stays namespace-scoped', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const cluster = new HardenedEksCluster(stack, 'Cluster');
    cluster.addKarpenter().addNodePool('general');
    cluster.addNamespace('team-a');
    for (const [i, level] of (['VIEW', 'EDIT', 'ADMIN'] as const).entries()) {
      const { NamespaceAccessLevel } = require('../../lib');
      cluster.grantNamespaceAccess(`Tenant${i}`, iam.Role.fromRoleArn(stack, `R${i}`, `arn:aws:iam::111122223333:role/tenant-${i}`), 'team-a', NamespaceAccessLevel[level]);
    }
    const template = Template.fromStack(stack);
    const { tenantCan } = require('./rbac-model');
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      for (const [group, resource] of [['karpenter.sh', 'nodepools'], ['karpenter.k8s.aws', 'ec2nodeclasses'], ['karpenter.sh', 'nodeclaims']]) {
        expect(tenantCan(stack, template, { verb, group, resource })).toEqual([]);
      }
    }
  });
});

test('the RBAC model can fail: a tenant group bound cluster-wide to admin (which the Karpenter chart extends) may change NodePools', () => {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster');
  cluster.addKarpenter().addNodePool('general');
  cluster.addNamespace('team-a');
  const { NamespaceAccessLevel } = require('../../lib');
  cluster.grantNamespaceAccess('Tenant', iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::111122223333:role/tenant'), 'team-a', NamespaceAccessLevel.EDIT);
  cluster.cluster.addManifest('Oops', {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'oops' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
    subjects: [{ kind: 'Group', name: 'cdk-hardened-eks:team-a:edit', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  const { tenantCan } = require('./rbac-model');
  expect(tenantCan(stack, Template.fromStack(stack), { verb: 'patch', group: 'karpenter.sh', resource: 'nodepools' })).toEqual([expect.stringContaining('ClusterRoleBinding oops')]);
});

describe('the controller\'s network in strict mode (a model of NetworkPolicy semantics)', () => {
  const { allows } = require('../manifests/network-policy-model');
  const { isKubernetesManifest, readManifest } = require('../../lib/nag/rules/manifests');
  const stack = new Stack(fastApp(), 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster');
  cluster.addKarpenter().addNodePool('general');
  cluster.addNamespace('payments');
  Template.fromStack(stack);
  const policies = stack.node.findAll().filter((c: any) => c.cfnResourceType !== undefined && isKubernetesManifest(c))
    .flatMap((c: any) => readManifest(c).objects.map((o: any) => o.object)).filter((o: any) => o.kind === 'NetworkPolicy');
  const KARPENTER = { namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': 'karpenter' }, ip: '10.0.64.20' };
  const COREDNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.0.64.10' };
  const TENANT = { namespace: 'payments', labels: { app: 'web' }, ip: '10.0.96.20' };
  const can = (from: any, to: any, port: number, protocol: string = 'TCP') => allows(policies, { from, to, protocol, port });

  test('reaches the API server, AWS APIs, its Pod Identity credentials and CoreDNS; not the instance metadata service', () => {
    expect(can(KARPENTER, { ip: '10.100.0.1' }, 443)).toBe(true);
    expect(can(KARPENTER, { ip: '172.20.0.1' }, 443)).toBe(true);
    expect(can(KARPENTER, { ip: '52.94.1.1' }, 443)).toBe(true);
    expect(can(KARPENTER, { ip: '169.254.170.23' }, 80)).toBe(true);
    expect(can(KARPENTER, COREDNS, 53, 'UDP')).toBe(true);
    expect(can(KARPENTER, { ip: '169.254.169.254' }, 80)).toBe(false);
    expect(can(KARPENTER, { ip: '52.94.1.1' }, 80)).toBe(false);
  });

  test('nothing reaches the controller (metrics, health), and it reaches no tenant pod', () => {
    expect(can(TENANT, KARPENTER, 8080)).toBe(false);
    expect(can(TENANT, KARPENTER, 8081)).toBe(false);
    expect(can(KARPENTER, TENANT, 443)).toBe(false);
  });

  test('without its policy the controller would have no network at all (the model can fail)', () => {
    const without = policies.filter((p: any) => p.metadata.name !== 'cdk-hardened-eks-karpenter');
    expect(allows(without, { from: KARPENTER, to: { ip: '52.94.1.1' }, protocol: 'TCP', port: 443 })).toBe(false);
  });
});

test('fails at synth when no managed node group without taints exists for the controller to run on', () => {
  const stack = new Stack(fastApp(), 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
  cluster.addKarpenter().addNodePool('general');
  cluster.addNodeGroup('Dedicated', { dedicated: 'batch' });
  expect(() => Template.fromStack(stack)).toThrow("defaultNodeGroup: received no managed node group without taints. Karpenter's controller runs only on managed node group nodes");
  const preferOnly = new Stack(fastApp(), 'Prefer');
  const prefer = new HardenedEksCluster(preferOnly, 'Cluster', { defaultNodeGroup: false });
  prefer.addKarpenter();
  prefer.addNodeGroup('System', { taints: [{ key: 'example.com/system', value: 'true', effect: eks.TaintEffect.PREFER_NO_SCHEDULE }] });
  expect(() => Template.fromStack(preferOnly)).not.toThrow();
  const noExecute = new Stack(fastApp(), 'NoExecute');
  const tainted = new HardenedEksCluster(noExecute, 'Cluster', { defaultNodeGroup: false });
  tainted.addKarpenter();
  tainted.addNodeGroup('System', { taints: [{ key: 'example.com/system', value: 'true', effect: eks.TaintEffect.NO_EXECUTE }] });
  expect(() => Template.fromStack(noExecute)).toThrow('defaultNodeGroup: received no managed node group without taints.');
  const ok = new Stack(fastApp(), 'Ok');
  const later = new HardenedEksCluster(ok, 'Cluster', { defaultNodeGroup: false });
  later.addKarpenter();
  later.addNodeGroup('System');
  expect(() => Template.fromStack(ok)).not.toThrow();
});

describe('every option reaches the template', () => {
  test('version, replicas, imageRepository and bottlerocketVersion of Karpenter', () => {
    const stack = new Stack(fastApp(), 'Test');
    const karpenter = new HardenedEksCluster(stack, 'Cluster').addKarpenter({
      version: '1.15.0', replicas: 3, imageRepository: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter/controller', bottlerocketVersion: 'v1.65.0',
    });
    const pool = karpenter.addNodePool('general');
    const resources = Template.fromStack(stack).toJSON().Resources;
    const chart = resources[stack.resolve(chartResource(stack, karpenter.chart).logicalId)].Properties;
    expect(chart.Version).toBe('1.15.0');
    expect(resources[stack.resolve(chartResource(stack, karpenter.crdChart).logicalId)].Properties.Version).toBe('1.15.0');
    const values = parseJoined(chart.Values);
    expect(values.replicas).toBe(3);
    expect(values.controller.image).toEqual({ repository: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/karpenter/controller' });
    const nodeClass = parseJoined(resources[logicalId(stack, pool.manifest)].Properties.Manifest).find((o: any) => o.kind === 'EC2NodeClass');
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@v1.65.0' }]);
  });

  test('fails on a version, replica count or image repository the chart cannot take', () => {
    const attempt = (options: KarpenterOptions) => () => new HardenedEksCluster(new Stack(fastApp(), 'Test'), 'Cluster').addKarpenter(options);
    expect(attempt({ version: 'v1.14.1' })).toThrow("version: received \"v1.14.1\". Use a Karpenter v1 release such as '1.14.1'");
    expect(attempt({ version: '0.37.0' })).toThrow('version: received "0.37.0".');
    expect(attempt({ replicas: 0 })).toThrow('replicas: received 0.');
    expect(attempt({ replicas: 6 })).toThrow('replicas: received 6.');
    expect(attempt({ imageRepository: 'registry.example.com/karpenter:1.14.1' })).toThrow('imageRepository: received "registry.example.com/karpenter:1.14.1".');
  });

  test('startupTaints, tags and disruption of a node pool', () => {
    const stack = new Stack(fastApp(), 'Test');
    const pool = new HardenedEksCluster(stack, 'Cluster').addKarpenter().addNodePool('general', {
      startupTaints: [{ key: 'example.com/setup', effect: eks.TaintEffect.NO_SCHEDULE }],
      tags: { 'example.com/cost-centre': '42' },
      disruption: {
        consolidationPolicy: KarpenterConsolidationPolicy.WHEN_EMPTY,
        consolidateAfter: '10m',
        budgets: [{ nodes: '0', schedule: '0 8 * * mon-fri', duration: '10h', reasons: [KarpenterDisruptionReason.DRIFTED] }, { nodes: '2' }],
      },
    });
    const objects = parseJoined(Template.fromStack(stack).toJSON().Resources[logicalId(stack, pool.manifest)].Properties.Manifest);
    const nodePool = objects.find((o: any) => o.kind === 'NodePool');
    expect(nodePool.spec.template.spec.startupTaints).toEqual([{ key: 'example.com/setup', effect: 'NoSchedule' }]);
    expect(nodePool.spec.disruption).toEqual({
      consolidationPolicy: 'WhenEmpty', consolidateAfter: '10m',
      budgets: [{ nodes: '0', schedule: '0 8 * * mon-fri', duration: '10h', reasons: ['Drifted'] }, { nodes: '2' }],
    });
    expect(objects.find((o: any) => o.kind === 'EC2NodeClass').spec.tags).toEqual({ 'example.com/cost-centre': '42' });
  });

  test('fails when the dedicated label or taint is set by hand, in labels, taints or startupTaints', () => {
    const attempt = (options: KarpenterNodePoolOptions) => () => new HardenedEksCluster(new Stack(fastApp(), 'Test'), 'Cluster').addKarpenter().addNodePool('general', options);
    const message = "labels: received \"cdk-hardened-eks.io/dedicated\". cdk-hardened-eks.io/dedicated is set by the dedicated option";
    expect(attempt({ labels: { 'cdk-hardened-eks.io/dedicated': 'batch' } })).toThrow(message);
    expect(attempt({ taints: [{ key: 'cdk-hardened-eks.io/dedicated', value: 'batch', effect: eks.TaintEffect.NO_SCHEDULE }] })).toThrow(message);
    expect(attempt({ startupTaints: [{ key: 'cdk-hardened-eks.io/dedicated', value: 'batch', effect: eks.TaintEffect.NO_SCHEDULE }] })).toThrow(message);
    expect(attempt({ dedicated: 'not valid!' })).toThrow('dedicated: received "not valid!".');
  });
});
