import { App, AppProps, Stack, StackProps, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HardenedEksCluster, HardenedEksClusterProps } from '../lib';

/**
 * Feature flags the library's output depends on, pinned so tests do not drift with aws-cdk-lib's
 * defaults. Tests that matter flip them on purpose.
 */
export const PINNED_FEATURE_FLAGS: Record<string, boolean> = {
  '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': true,
  '@aws-cdk/aws-eks:useNativeOidcProvider': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope': true,
};

/**
 * A fast app for unit tests: no built-in CloudFormation validation, no asset staging
 * (the kubectl and AWS CLI layers are not copied into a temp dir for every synth), no creation
 * stack traces in the construct metadata (capturing one per resource is most of a synth's cost
 * under jest, which source-maps every stack frame).
 */
export function fastApp(context: Record<string, unknown> = {}, props: AppProps = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    ...props,
    context: {
      'aws:cdk:disable-asset-staging': true,
      'aws:cdk:disable-stack-trace': true,
      'aws:cdk:disable-creation-stack-traces': true,
      ...PINNED_FEATURE_FLAGS,
      ...context,
    },
  } as AppProps);
}

export interface Synthesized {
  readonly app: App;
  readonly stack: Stack;
  readonly cluster: HardenedEksCluster;
  readonly template: Template;
}

/** A stack with one HardenedEksCluster with id 'Cluster', synthesized. */
export function synthCluster(props: HardenedEksClusterProps = {}, context: Record<string, unknown> = {}, stackProps: StackProps = {}): Synthesized {
  const app = fastApp(context);
  const stack = new Stack(app, 'Test', stackProps);
  const cluster = new HardenedEksCluster(stack, 'Cluster', props);
  return { app, stack, cluster, template: Template.fromStack(stack) };
}

/** The one resource of a type in a template; fails the test when there is not exactly one. */
export function onlyResource(template: Template, type: string): { logicalId: string; resource: any } {
  const resources = Object.entries(template.findResources(type));
  if (resources.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${resources.length}`);
  }
  return { logicalId: resources[0][0], resource: resources[0][1] };
}

/**
 * The exact trust statement of a Pod Identity role: one cluster's `<namespace>/<name>` service
 * account (session tags), from this account, plus any extra StringEquals conditions.
 */
export function podIdentityTrust(clusterName: string, namespace: string, name: string, extra: Record<string, unknown> = {}): unknown[] {
  return [{
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Condition: {
      StringEquals: {
        'aws:SourceAccount': { Ref: 'AWS::AccountId' },
        ...extra,
        'aws:RequestTag/eks-cluster-name': clusterName,
        'aws:RequestTag/kubernetes-namespace': namespace,
        'aws:RequestTag/kubernetes-service-account': name,
      },
    },
  }];
}

/**
 * The warnings of a stack as texts, read from its stage's cloud assembly as last synthesized
 * (or synthesized now). Unlike `Annotations.fromStack`, which forces a second synth of the whole
 * app, this reuses the one `Template.fromStack` made.
 */
export function warningsOf(stack: Stack): string[] {
  return Stage.of(stack)!.synth().getStackArtifact(stack.artifactId).messages
    .filter((m) => m.level === 'warning')
    .map((m) => String(m.entry.data));
}
