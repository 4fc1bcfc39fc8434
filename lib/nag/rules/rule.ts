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

/** What a deploy-time value (a CloudFormation intrinsic) becomes when rules read text built from it. */
export const UNRESOLVED = '__deploy_time_value__';

/** A value as a list: arrays as they are, a single value wrapped, nothing as empty. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/**
 * Text from a string or an `Fn::Join` of text, with each deploy-time part replaced by
 * {@link UNRESOLVED}: bare inside a JSON string, quoted where the part stands for a whole value (a
 * number or boolean from a parameter), so JSON around it still parses. `undefined` for anything else.
 */
export function flattenJoin(value: unknown): string | undefined {
  if (typeof value === 'string') { return value; }
  const join = (value as any)?.['Fn::Join'];
  if (!Array.isArray(join) || typeof join[0] !== 'string' || !Array.isArray(join[1])) { return undefined; }
  let text = '';
  join[1].forEach((part: unknown, i: number) => {
    if (i > 0) { text += join[0]; }
    text += typeof part === 'string' ? part : (insideJsonString(text) ? UNRESOLVED : `"${UNRESOLVED}"`);
  });
  return text;
}

/** Whether the end of `text` lies inside a JSON string literal. */
function insideJsonString(text: string): boolean {
  let inside = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && inside) { i++; continue; }
    if (text[i] === '"') { inside = !inside; }
  }
  return inside;
}
