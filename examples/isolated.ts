/**
 * A cluster with no internet path: isolated subnets only, and VPC endpoints for every AWS service
 * the cluster, its nodes, add-ons and kubectl provider call. Images come from ECR in the region
 * (the namespace default already allows only the account's own repositories).
 *
 * Synthesize with `npx cdk synth --app "node -r ./scripts/register.js examples/isolated.ts"`.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { synthExample } from './basic';
import { ClusterNetwork, HardenedEksCluster } from '../lib';

/** Defines the example's stack in `app`. */
export function defineIsolatedExample(app: App): Stack {
  const stack = new Stack(app, 'HardenedEksIsolated', {
    description: 'cdk-hardened-eks isolated example: no internet gateway, no NAT gateway, VPC endpoints only',
  });
  const cluster = new HardenedEksCluster(stack, 'Cluster', {
    network: ClusterNetwork.isolated(),
    clusterAdmins: [iam.Role.fromRoleName(stack, 'PlatformAdmins', 'platform-admins')],
  });
  cluster.addNamespace('payments');
  return stack;
}

if (require.main === module) {
  synthExample(defineIsolatedExample);
}
