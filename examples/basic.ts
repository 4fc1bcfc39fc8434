/**
 * The default example: one HardenedEksCluster with its defaults, in an environment-agnostic stack,
 * checked by every cdk-nag pack on each synth. `npx cdk synth` runs this file (see cdk.json); any
 * finding fails the synth.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { HardenedEksChecks, HardenedEksCluster } from '../lib';

/** The five packs the example is held to. */
export function nagPacks(): NagPack[] {
  return [
    new AwsSolutionsChecks(),
    new NIST80053R5Checks(),
    new HIPAASecurityChecks(),
    new PCIDSS321Checks(),
    new HardenedEksChecks(),
  ];
}

/** Synthesizes one example as `cdk synth` does, every pack checking it (a finding fails the synth). */
export function synthExample(define: (app: App) => Stack): void {
  const app = new App();
  define(app);
  Validations.of(app).addPlugins(...nagPacks());
  app.synth();
}

/** Defines the example's stack in `app`. */
export function defineBasicExample(app: App): Stack {
  const stack = new Stack(app, 'HardenedEksBasic', {
    description: 'cdk-hardened-eks default example: a hardened EKS control plane',
  });
  new HardenedEksCluster(stack, 'Cluster', {
    // An existing role for the platform team; the deploying identity gets no access of its own.
    clusterAdmins: [iam.Role.fromRoleName(stack, 'PlatformAdmins', 'platform-admins')],
  });
  return stack;
}

if (require.main === module) {
  synthExample(defineBasicExample);
}
