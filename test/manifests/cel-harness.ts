/**
 * Runs the library's ValidatingAdmissionPolicy the way the API server does, with two independent
 * CEL evaluators: variables in order, then every validation; a false validation denies with its
 * messageExpression. Only core CEL and the strings extension are available to the expressions.
 */
import { celEnv, isCelList, isCelMap, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import * as celJs from '@marcbachmann/cel-js';
import {
  ADMISSION_ANNOTATIONS, POLICY_SHAPES, PolicyShape, policyMatchConditions, policyValidations, policyVariables,
} from '../../lib/manifests/admission-policy';

export type Evaluator = (expression: string, bindings: Record<string, unknown>) => unknown;

/*
 * Objects are passed as the API server passes them to admission: fields that are null in a
 * request body are dropped when it is decoded, so the policy never sees null (the two evaluators
 * treat has() on a null field differently, which is why the tests use objects without nulls).
 */

/** JSON to the inputs @bufbuild/cel expects: Maps for objects, BigInt for integers. */
function toBufInput(value: unknown): unknown {
  if (Array.isArray(value)) { return value.map(toBufInput); }
  if (value !== null && typeof value === 'object') {
    if (value instanceof Map) { return value; }
    return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toBufInput(v)]));
  }
  if (typeof value === 'number' && Number.isInteger(value)) { return BigInt(value); }
  return value;
}

/** JSON to cel-js inputs: plain objects, BigInt for integers. */
function toCelJsInput(value: unknown): unknown {
  if (Array.isArray(value)) { return value.map(toCelJsInput); }
  if (value !== null && typeof value === 'object') {
    if (value instanceof Map) { return Object.fromEntries([...value].map(([k, v]) => [k, toCelJsInput(v)])); }
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toCelJsInput(v)]));
  }
  if (typeof value === 'number' && Number.isInteger(value)) { return BigInt(value); }
  return value;
}

/** Each expression is parsed once per evaluator and run many times, as the API server does. */
function cached<T>(compile: (expression: string) => T): (expression: string) => T {
  const programs = new Map<string, T>();
  return (expression) => {
    let program = programs.get(expression);
    if (program === undefined) {
      program = compile(expression);
      programs.set(expression, program);
    }
    return program;
  };
}

const BUF_ENV = celEnv({ funcs: strings } as any);
const bufProgram = cached((expression) => plan(BUF_ENV, parse(expression)) as (bindings: unknown) => unknown);

export const bufbuild: Evaluator = (expression, bindings) => {
  const input = Object.fromEntries(Object.entries(bindings).map(([k, v]) => [k, toBufInput(v)]));
  const result = bufProgram(expression)(input);
  if (result instanceof Error) { throw result; }
  return result;
};

const celJsProgram = cached((expression) => celJs.parse(expression) as unknown as (bindings: unknown) => unknown);

export const marcbachmann: Evaluator = (expression, bindings) => {
  const input = Object.fromEntries(Object.entries(bindings).map(([k, v]) => [k, toCelJsInput(v)]));
  return celJsProgram(expression)(input);
};

/** Plain JSON-like values out of either evaluator's results (integers stay BigInt-free). */
function plain(value: unknown): unknown {
  if (isCelMap(value) || value instanceof Map) {
    return Object.fromEntries([...(value as ReadonlyMap<unknown, unknown>)].map(([k, v]) => [String(k), plain(v)]));
  }
  if (isCelList(value) || Array.isArray(value)) { return [...(value as Iterable<unknown>)].map(plain); }
  if (typeof value === 'bigint') { return Number(value); }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** A namespace's admission settings, as the library writes them into Namespace annotations. */
export interface AdmissionParams {
  readonly allowedVolumes?: string;
  readonly allowedRegistries?: string;
  readonly requireDigests?: string;
  readonly allowLoadBalancers?: string;
  readonly allowNodePorts?: string;
  readonly allowIngress?: string;
  readonly allowedTolerationKeys?: string;
  readonly nodeSelectors?: string;
}

/** An admission request: CREATE by default, or an UPDATE from `oldObject`. */
export interface AdmissionRequest {
  readonly operation?: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly oldObject?: unknown;
  /** Who makes the request. */
  readonly username?: string;
}

/** The Namespace object the policy reads its settings from. */
function namespaceObject(params: AdmissionParams): unknown {
  const annotations: Record<string, string> = {};
  if (params.allowedVolumes !== undefined) { annotations[ADMISSION_ANNOTATIONS.allowedVolumes] = params.allowedVolumes; }
  if (params.allowedRegistries !== undefined) { annotations[ADMISSION_ANNOTATIONS.allowedRegistries] = params.allowedRegistries; }
  if (params.requireDigests !== undefined) { annotations[ADMISSION_ANNOTATIONS.requireDigests] = params.requireDigests; }
  for (const key of ['allowLoadBalancers', 'allowNodePorts', 'allowIngress', 'allowedTolerationKeys', 'nodeSelectors'] as const) {
    if (params[key] !== undefined) { annotations[ADMISSION_ANNOTATIONS[key]] = params[key]!; }
  }
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', annotations } };
}

const RENDERED = new Map<PolicyShape, { variables: ReturnType<typeof policyVariables>; validations: ReturnType<typeof policyValidations> }>();
function policyOf(shape: PolicyShape): { variables: ReturnType<typeof policyVariables>; validations: ReturnType<typeof policyValidations> } {
  if (!RENDERED.has(shape)) { RENDERED.set(shape, { variables: policyVariables(shape.podSpec), validations: policyValidations(shape.podSpec) }); }
  return RENDERED.get(shape)!;
}

/** The shape (and so the policy) the API server routes an object of this kind to. */
export function shapeOf(kind: string): PolicyShape {
  const shape = POLICY_SHAPES.find((s) => s.kinds.includes(kind));
  if (!shape) { throw new Error(`no policy checks ${kind}`); }
  return shape;
}

/** The denial messages for `object` from the policy of its shape, empty when admitted (or not matched). */
export function admit(evaluate: Evaluator, object: unknown, params: AdmissionParams, request: AdmissionRequest = {}): string[] {
  const shape = shapeOf((object as { kind: string }).kind);
  return admitWith(evaluate, { matchConditions: policyMatchConditions(shape), ...policyOf(shape) }, object, params, request);
}

/** A policy's expressions, as a ValidatingAdmissionPolicy spec holds them. */
export interface PolicyExpressions {
  readonly matchConditions?: ReadonlyArray<{ expression: string }>;
  readonly variables?: ReadonlyArray<{ name: string; expression: string }>;
  readonly validations: ReadonlyArray<{ expression: string; messageExpression: string }>;
}

/** The denial messages of one policy for `object`, empty when admitted (or not matched). */
export function admitWith(evaluate: Evaluator, policy: PolicyExpressions, object: unknown, params: AdmissionParams, request: AdmissionRequest = {}): string[] {
  const variables: Record<string, unknown> = {};
  const bindings = () => ({
    object,
    oldObject: request.oldObject ?? null,
    request: { operation: request.operation ?? 'CREATE', userInfo: { username: request.username ?? 'arn:aws:sts::111122223333:assumed-role/Developer/alice' } },
    namespaceObject: namespaceObject(params),
    variables,
  });
  for (const condition of policy.matchConditions ?? []) {
    if (evaluate(condition.expression, bindings()) !== true) { return []; }
  }
  for (const variable of policy.variables ?? []) {
    variables[variable.name] = plain(evaluate(variable.expression, bindings()));
  }
  const denials: string[] = [];
  for (const validation of policy.validations) {
    const ok = evaluate(validation.expression, bindings());
    if (typeof ok !== 'boolean') { throw new Error(`not a boolean from ${validation.expression}: ${String(ok)}`); }
    if (!ok) { denials.push(String(evaluate(validation.messageExpression, bindings()))); }
  }
  return denials;
}
