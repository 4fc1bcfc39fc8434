import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleResult } from 'cdk-nag';

/**
 * One rule of the HardenedEksChecks pack: a pure function of one CloudFormation resource.
 */
export interface HardenedEksRule {
  /** Suffix of the finding id: the finding is `HardenedEks-<id>`, or `HardenedEks-<id>[<detail>]` when granular. */
  readonly id: string;
  readonly level: NagMessageLevel;
  /** What was found (one sentence). */
  readonly info: string;
  /** Why it matters and which CIS Amazon EKS Benchmark / EKS Best Practices item it enforces. */
  readonly explanation: string;
  check(node: CfnResource, options: RuleOptions): NagRuleResult;
}

/** Settings of the pack that some rules read. */
export interface RuleOptions {
  /** Registry prefixes images may come from; undefined means any private ECR registry. */
  readonly allowedImageRegistries?: string[];
}

/**
 * The resource's properties as CloudFormation will receive them: PascalCase, tokens resolved,
 * escape-hatch overrides (`addPropertyOverride`) applied. Rules read this rather than the L1's
 * typed props so that an override cannot slip a weakening past them.
 */
export function deployedProperties(node: CfnResource): Record<string, any> {
  return deployedResource(node).Properties ?? {};
}

/**
 * Results memoized during one run of the pack (every rule reads the same rendered resources and
 * manifests); cleared before and after each run, so a construct changed between runs is re-read.
 */
let runCache: WeakMap<object, Map<string, unknown>> | undefined;

/** Runs `fn` with memoization of rendered resources and parsed manifests on. */
export function withRunCache<T>(fn: () => T): T {
  runCache = new WeakMap();
  try {
    return fn();
  } finally {
    runCache = undefined;
  }
}

/** `compute()` memoized for (`node`, `key`) while a run cache is on. */
export function memoized<T>(node: object, key: string, compute: () => T): T {
  if (!runCache) { return compute(); }
  let entries = runCache.get(node);
  if (!entries) {
    entries = new Map();
    runCache.set(node, entries);
  }
  if (!entries.has(key)) { entries.set(key, compute()); }
  return entries.get(key) as T;
}

/** The whole rendered resource (Type, Properties, DependsOn, DeletionPolicy...). */
export function deployedResource(node: CfnResource): Record<string, any> {
  return memoized(node, 'deployedResource', () => {
    const rendered = Stack.of(node).resolve((node as any)._toCloudFormation()) as { Resources?: Record<string, any> };
    const resources = Object.values(rendered.Resources ?? {});
    return resources[0] ?? {};
  });
}

/** Whether the resource is an EKS cluster CloudFormation creates natively (aws-eks-v2, or an L1). */
export function isEksCluster(node: CfnResource): boolean {
  return node.cfnResourceType === 'AWS::EKS::Cluster';
}

/** Whether the resource is an EKS managed node group. */
export function isNodegroup(node: CfnResource): boolean {
  return node.cfnResourceType === 'AWS::EKS::Nodegroup';
}

/**
 * The launch template a node group uses, when it is a resource of the same stack (referenced with
 * `Ref`). `undefined` with `referenced: true` means the node group names a launch template this
 * app does not define, so its settings cannot be checked.
 */
export function launchTemplateOf(nodegroup: CfnResource): { referenced: boolean; template?: CfnResource } {
  const spec = deployedProperties(nodegroup).LaunchTemplate;
  if (spec === undefined) { return { referenced: false }; }
  const logicalId = spec.Id?.Ref ?? spec.Name?.Ref ?? spec.Id?.['Fn::GetAtt']?.[0] ?? spec.Name?.['Fn::GetAtt']?.[0];
  if (typeof logicalId !== 'string') { return { referenced: true }; }
  const stack = Stack.of(nodegroup);
  const template = stack.node.findAll().find((c): c is CfnResource =>
    CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::EC2::LaunchTemplate' && stack.resolve(c.logicalId) === logicalId);
  return { referenced: true, template };
}
