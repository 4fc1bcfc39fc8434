import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HardenedEksChecks, HardenedEksCluster, HardenedEksClusterProps, HardenedEksTesting, NetworkPolicyEnforcingMode } from '../../lib';
import { isKubernetesManifest, readManifest } from '../../lib/nag/rules/manifests';
import {
  KUBERNETES_SERVICE_ADDRESSES, renderSystemNetworkPolicies, SYSTEM_NETWORK_POLICY_NAMES, vpcResolverCidrs,
} from '../../lib/manifests/system-network-policies';
import { factsOf } from '../../lib/report/facts';
import { buildReport } from '../../lib/report/hardening-report';
import { fastApp, synthCluster, warningsOf } from '../fixtures';
import { validateAgainstSchema } from '../manifests/k8s-schema';
import { allows, Connection, EnforcingMode, PodRef } from '../manifests/network-policy-model';

/** Every NetworkPolicy in the stack's manifests. */
function networkPolicies(stack: Stack): any[] {
  return stack.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && isKubernetesManifest(c))
    .flatMap((c) => readManifest(c).objects.map((o) => o.object))
    .filter((o) => o.kind === 'NetworkPolicy');
}

function vpcCniConfig(template: any): any {
  const addon = Object.values(template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'vpc-cni' } }))[0] as any;
  return JSON.parse(addon.Properties.ConfigurationValues);
}

const COREDNS: PodRef = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' }, ip: '10.0.64.10' };
const EBS_CONTROLLER: PodRef = { namespace: 'kube-system', labels: { 'app': 'ebs-csi-controller', 'app.kubernetes.io/name': 'aws-ebs-csi-driver' }, ip: '10.0.64.11' };
const EBS_NODE: PodRef = { namespace: 'kube-system', labels: { app: 'ebs-csi-node' }, ip: '10.0.64.12' };
const OTHER_SYSTEM_POD: PodRef = { namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' }, ip: '10.0.64.13' };
const TENANT: PodRef = { namespace: 'payments', labels: { app: 'web' }, ip: '10.0.96.20' };
const UNMANAGED: PodRef = { namespace: 'default', labels: { app: 'legacy' }, ip: '10.0.96.21' };
const dns = (from: PodRef | { ip: string }, to: PodRef | { ip: string }): Connection => ({ from, to, protocol: 'UDP', port: 53 });
const https = (from: PodRef | { ip: string }, ip: string): Connection => ({ from, to: { ip }, protocol: 'TCP', port: 443 });

function synth(props: HardenedEksClusterProps = {}, namespaces: string[] = ['payments']) {
  const app = fastApp();
  const stack = new Stack(app, 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { clusterName: 'strict', ...props });
  for (const ns of namespaces) { cluster.addNamespace(ns); }
  return { app, stack, cluster, template: Template.fromStack(stack) };
}

describe('strict NetworkPolicy enforcement (the default)', () => {
  const { stack, cluster, template } = synth();
  const policies = networkPolicies(stack);
  const can = (c: Connection, mode: EnforcingMode = 'strict') => allows(policies, c, mode);

  test('the vpc-cni add-on enforces NetworkPolicies in strict mode', () => {
    expect(vpcCniConfig(template)).toEqual({ enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'strict' } });
  });

  test('kube-system policies come before the CNI (strict on an existing cluster), CoreDNS and the EBS CSI driver, and are never pruned', () => {
    const systemManifest = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
      .filter(([, r]: [string, any]) => JSON.stringify(r.Properties.Manifest).includes(SYSTEM_NETWORK_POLICY_NAMES.coreDns));
    expect(systemManifest).toHaveLength(1);
    const [logicalId, resource] = systemManifest[0] as [string, any];
    expect(resource.Properties.PruneLabel).toBeUndefined();
    for (const name of ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent', 'coredns', 'aws-ebs-csi-driver']) {
      const addon = Object.values(template.findResources('AWS::EKS::Addon', { Properties: { AddonName: name } }))[0] as any;
      expect(addon.DependsOn).toContain(logicalId);
    }
  });

  test('the kube-system policies validate against the Kubernetes 1.36 schema', () => {
    validateAgainstSchema(...policies.filter((p) => p.metadata.namespace === 'kube-system'));
  });

  test('tenant pods resolve names through CoreDNS, and CoreDNS forwards only to the VPC resolver', () => {
    expect(can(dns(TENANT, COREDNS))).toBe(true);
    expect(can({ ...dns(TENANT, COREDNS), protocol: 'TCP' })).toBe(true);
    expect(can(dns(TENANT, { ip: '8.8.8.8' }))).toBe(false);
    expect(can(dns(COREDNS, { ip: '10.0.0.2' }))).toBe(true);
    expect(can(dns(COREDNS, { ip: '169.254.169.253' }))).toBe(true);
    expect(can(dns(COREDNS, { ip: '10.0.0.3' }))).toBe(false);
    expect(can(dns(COREDNS, { ip: '1.1.1.1' }))).toBe(false);
    // Nothing but DNS reaches CoreDNS.
    expect(can({ from: TENANT, to: COREDNS, protocol: 'TCP', port: 9153 })).toBe(false);
  });

  test('CoreDNS and the EBS CSI driver reach the API server at the kubernetes Service address, and nothing else of the VPC', () => {
    for (const pod of [COREDNS, EBS_NODE, EBS_CONTROLLER]) {
      for (const cidr of KUBERNETES_SERVICE_ADDRESSES) { expect(can(https(pod, cidr.replace('/32', '')))).toBe(true); }
    }
    expect(can(https(COREDNS, '10.0.5.5'))).toBe(false);
    expect(can(https(EBS_NODE, '10.0.5.5'))).toBe(false);
    expect(can(https(EBS_NODE, '52.94.1.1'))).toBe(false);
    expect(can({ from: COREDNS, to: { ip: '172.20.0.1' }, protocol: 'TCP', port: 80 })).toBe(false);
  });

  test('the EBS CSI controller reaches AWS APIs, its Pod Identity credentials and CoreDNS, not the instance metadata service', () => {
    expect(can(https(EBS_CONTROLLER, '52.94.1.1'))).toBe(true);
    expect(can({ from: EBS_CONTROLLER, to: { ip: '169.254.170.23' }, protocol: 'TCP', port: 80 })).toBe(true);
    expect(can(dns(EBS_CONTROLLER, COREDNS))).toBe(true);
    expect(can({ from: EBS_CONTROLLER, to: { ip: '169.254.169.254' }, protocol: 'TCP', port: 80 })).toBe(false);
    expect(can({ from: EBS_NODE, to: { ip: '169.254.169.254' }, protocol: 'TCP', port: 80 })).toBe(false);
  });

  test('nothing reaches the EBS CSI pods, and tenants cannot reach them either', () => {
    expect(can({ from: TENANT, to: EBS_CONTROLLER, protocol: 'TCP', port: 9808 })).toBe(false);
    expect(can({ from: COREDNS, to: EBS_NODE, protocol: 'TCP', port: 9808 })).toBe(false);
  });

  test('pods that no policy selects have no network in strict mode (and would in standard mode)', () => {
    for (const pod of [UNMANAGED, OTHER_SYSTEM_POD]) {
      expect(can(dns(pod, COREDNS))).toBe(false);
      expect(can(https(pod, '52.94.1.1'))).toBe(false);
      expect(can(https(pod, '52.94.1.1'), 'standard')).toBe(true);
    }
    expect(can({ from: TENANT, to: UNMANAGED, protocol: 'TCP', port: 8080 })).toBe(false);
  });

  test('no warning about the enforcing mode', () => {
    expect(warningsOf(stack).join('\n')).not.toContain('standardNetworkPolicyMode');
  });

  test('the hardening report counts 5.4.4 as enforced by default', () => {
    const control = buildReport('Test', [factsOf(cluster)], []).controls.find((c) => c.id === '5.4.4');
    expect(control).toMatchObject({ status: 'enforced-by-default' });
  });
});

describe('the resolver CoreDNS may reach', () => {
  test('the Amazon DNS server of the VPC (base plus two) and the link-local resolver', () => {
    expect(vpcResolverCidrs('10.0.0.0/16')).toEqual(['10.0.0.2/32', '169.254.169.253/32']);
    expect(vpcResolverCidrs('192.168.64.0/18')).toEqual(['192.168.64.2/32', '169.254.169.253/32']);
  });

  test('a VPC CIDR known only at deploy time opens the whole range', () => {
    const token = Token.asString({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] });
    expect(vpcResolverCidrs(token)).toEqual([token, '169.254.169.253/32']);
  });

  test('a VPC of the app\'s own, with a known CIDR', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Test');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1234', availabilityZones: ['eu-west-1a', 'eu-west-1b'], vpcCidrBlock: '192.168.0.0/16',
      privateSubnetIds: ['subnet-1', 'subnet-2'],
    });
    new HardenedEksCluster(stack, 'Cluster', { clusterName: 'own-vpc', vpc });
    const coreDns = networkPolicies(stack).find((p) => p.metadata.name === SYSTEM_NETWORK_POLICY_NAMES.coreDns);
    expect(coreDns.spec.egress[0].to).toEqual([{ ipBlock: { cidr: '192.168.0.2/32' } }, { ipBlock: { cidr: '169.254.169.253/32' } }]);
  });
});

describe('renderSystemNetworkPolicies', () => {
  test('without the EBS CSI driver, only CoreDNS gets a policy', () => {
    const objects = renderSystemNetworkPolicies({ dnsResolverCidrs: ['10.0.0.2/32'], ebsCsiDriver: false });
    expect(objects.map((o: any) => o.metadata.name)).toEqual([SYSTEM_NETWORK_POLICY_NAMES.coreDns]);
  });

  test('storage: false leaves the EBS CSI policies out of the cluster', () => {
    const { stack } = synth({ storage: false }, []);
    expect(networkPolicies(stack).map((p) => p.metadata.name)).toEqual([SYSTEM_NETWORK_POLICY_NAMES.coreDns]);
  });

  test('every policy limits both directions and carries the library\'s label', () => {
    for (const policy of renderSystemNetworkPolicies({ dnsResolverCidrs: ['10.0.0.2/32'], ebsCsiDriver: true }) as any[]) {
      expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy.metadata).toMatchObject({ namespace: 'kube-system', labels: { 'app.kubernetes.io/managed-by': 'cdk-hardened-eks' } });
      expect(Object.keys(policy.spec.podSelector.matchLabels)).toHaveLength(1);
    }
  });
});

describe('standard mode, chosen by name', () => {
  const { stack, cluster, template } = synth({ networkPolicyEnforcingMode: NetworkPolicyEnforcingMode.STANDARD });

  test('the add-on runs in standard mode and the synth warns', () => {
    expect(vpcCniConfig(template).env).toEqual({ NETWORK_POLICY_ENFORCING_MODE: 'standard' });
    expect(warningsOf(stack).join('\n')).toContain('networkPolicyEnforcingMode is STANDARD');
  });

  test('the hardening report marks 5.4.4 weakened', () => {
    const control = buildReport('Test', [factsOf(cluster)], []).controls.find((c) => c.id === '5.4.4');
    expect(control).toMatchObject({ status: 'weakened' });
  });

  test('HardenedEksChecks reports the add-on', () => {
    const findings = HardenedEksTesting.nagViolations(new HardenedEksChecks(), stack)
      .filter((v) => v.ruleName.includes('NetworkPolicyEnforcement'));
    expect(findings.map((v) => v.ruleName)).toEqual(['HardenedEks-NetworkPolicyEnforcement[StandardMode]']);
    expect(findings[0].violatingResources.map((r) => r.constructPath)).toEqual(['Test/Cluster/VpcCniAddon/Resource']);
  });
});

describe('vpc-cni versions', () => {
  const error = (props: HardenedEksClusterProps) => {
    try { synthCluster(props); } catch (e) { return String((e as Error).message); }
    return '';
  };

  test('a pinned version older than v1.17.1 is refused in strict mode, with the prop, value and fix', () => {
    const message = error({ vpcCniAddonVersion: 'v1.16.4-eksbuild.2' });
    expect(message).toContain('vpcCniAddonVersion');
    expect(message).toContain('v1.16.4-eksbuild.2');
    expect(message).toContain('v1.17.1 or later');
  });

  test('v1.17.1 and later, and older ones in standard mode, are accepted', () => {
    expect(error({ vpcCniAddonVersion: 'v1.17.1-eksbuild.1' })).toBe('');
    expect(error({ vpcCniAddonVersion: 'v1.20.4-eksbuild.1' })).toBe('');
    expect(error({ vpcCniAddonVersion: 'v2.0.0-eksbuild.1' })).toBe('');
    expect(error({ vpcCniAddonVersion: 'v1.16.4-eksbuild.2', networkPolicyEnforcingMode: NetworkPolicyEnforcingMode.STANDARD })).toBe('');
  });
});
