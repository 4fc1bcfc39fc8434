/**
 * A cluster that scales its nodes with Karpenter: a general node pool for every namespace, and a
 * Graviton pool dedicated to the `batch` namespace, which may replace nodes only outside office
 * hours. Both pools boot the same hardened Bottlerocket settings as the managed node group that
 * runs the Karpenter controller.
 *
 * Synthesize with `npx cdk synth --app "node -r ./scripts/register.js examples/autoscaling.ts"`.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { synthExample } from './basic';
import { HardenedEksCluster, KarpenterDisruptionReason, NodeArchitecture } from '../lib';

/** Defines the example's stack in `app`. */
export function defineAutoscalingExample(app: App): Stack {
  const stack = new Stack(app, 'HardenedEksAutoscaling', {
    description: 'cdk-hardened-eks autoscaling example: Karpenter node pools on hardened Bottlerocket',
  });
  const cluster = new HardenedEksCluster(stack, 'Cluster', {
    clusterAdmins: [iam.Role.fromRoleName(stack, 'PlatformAdmins', 'platform-admins')],
  });
  const karpenter = cluster.addKarpenter();
  karpenter.addNodePool('general');
  const batch = karpenter.addNodePool('batch', {
    architecture: NodeArchitecture.ARM_64,
    dedicated: 'batch',
    limits: { cpu: '32', memory: '128Gi' },
    disruption: {
      budgets: [
        { nodes: '20%' },
        // No consolidation or drift replacement during office hours (UTC).
        { nodes: '0', schedule: '0 8 * * mon-fri', duration: '10h', reasons: [KarpenterDisruptionReason.UNDERUTILIZED, KarpenterDisruptionReason.DRIFTED] },
      ],
    },
  });
  cluster.addNamespace('batch', { nodeGroups: [batch] });
  cluster.addNamespace('web');
  return stack;
}

if (require.main === module) {
  synthExample(defineAutoscalingExample);
}
