/**
 * A multi-tenant cluster: three hardened namespaces with different openings, one of them on a
 * node group dedicated to it, a Pod Identity workload identity, and namespace-scoped human access. Synthesize it with
 * `npx cdk synth --app "node -r ./scripts/register.js examples/multi-tenant.ts"`.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardenedEksCluster, NamespaceAccessLevel, NetworkProtocol, ServiceAccountIdentity } from '../lib';
import { synthExample } from './basic';

export function defineMultiTenantExample(app: App): Stack {
  const stack = new Stack(app, 'HardenedEksMultiTenant');
  const cluster = new HardenedEksCluster(stack, 'Cluster', {
    clusterAdmins: [iam.Role.fromRoleName(stack, 'PlatformAdmins', 'platform-admins')],
  });

  // The ingress tier: reachable from the load balancer controller's namespace, talks to payments.
  cluster.addNamespace('storefront', {
    allowSameNamespaceTraffic: true,
    allowIngressFromNamespaces: ['ingress'],
    allowEgressToNamespaces: ['payments'],
    quota: { requestsCpu: '8', limitsCpu: '16', requestsMemory: '16Gi', limitsMemory: '32Gi' },
  });

  // Payments: on nodes of its own, talks to its card processor's range only, images pinned by
  // digest, scratch space.
  const pci = cluster.addNodeGroup('Pci', { dedicated: 'pci', minSize: 2, maxSize: 3 });
  cluster.addNamespace('payments', {
    nodeGroups: [pci],
    allowIngressFromNamespaces: ['storefront'],
    allowEgress: [{ cidr: '203.0.113.0/24', ports: [443], protocol: NetworkProtocol.TCP }],
    additionalVolumeTypes: ['emptyDir'],
    requireImageDigests: true,
  });
  cluster.addServiceAccount('PaymentsApi', {
    namespace: 'payments', name: 'payments-api', identity: ServiceAccountIdentity.POD_IDENTITY,
  });

  // Batch reports: persistent volumes, no inbound traffic at all.
  cluster.addNamespace('reports', {
    additionalVolumeTypes: ['emptyDir', 'persistentVolumeClaim'],
    quota: { persistentVolumeClaims: 20 },
  });

  cluster.grantNamespaceAccess('PaymentsTeam', iam.Role.fromRoleName(stack, 'PaymentsTeam', 'payments-team'), 'payments', NamespaceAccessLevel.EDIT);
  cluster.grantNamespaceAccess('Auditors', iam.Role.fromRoleName(stack, 'Auditors', 'auditors'), 'payments', NamespaceAccessLevel.VIEW);
  return stack;
}

if (require.main === module) {
  synthExample(defineMultiTenantExample);
}
