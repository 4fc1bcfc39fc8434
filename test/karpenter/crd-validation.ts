/**
 * Validates objects against a CustomResourceDefinition's structural schema the way an API server
 * with strict field validation does: defaults applied first, then unknown fields, types, enums,
 * patterns, bounds and required fields, then every `x-kubernetes-validations` CEL rule (evaluated
 * with @bufbuild/cel and its strings extension). Transition rules (those reading `oldSelf`) only
 * run on updates and are skipped; rules that use a Kubernetes CEL library function @bufbuild/cel
 * lacks are returned as `unevaluated`, so a test can pin exactly which ones those are.
 */
import * as fs from 'fs';
import * as path from 'path';
import { celEnv, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import * as YAML from 'yaml';

const CRDS = path.join(__dirname, '..', 'testdata', 'karpenter-crds');

/** The openAPIV3Schema of a CRD file's served version. */
export function crdSchema(file: string, version: string = 'v1'): any {
  const crd = YAML.parse(fs.readFileSync(path.join(CRDS, file), 'utf8'));
  return crd.spec.versions.find((v: any) => v.name === version).schema.openAPIV3Schema;
}

export interface CrdValidation {
  readonly errors: string[];
  readonly unevaluated: string[];
}

const ENV = celEnv({ funcs: strings } as any);

function toCel(value: unknown): unknown {
  if (Array.isArray(value)) { return value.map(toCel); }
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toCel(v)]));
  }
  if (typeof value === 'number' && Number.isInteger(value)) { return BigInt(value); }
  return value;
}

/** Fills in schema defaults where a field is absent (the API server defaults before validating). */
function applyDefaults(value: any, schema: any): any {
  if (value === null || typeof value !== 'object' || !schema) { return value; }
  if (Array.isArray(value)) { return value.map((item) => applyDefaults(item, schema.items)); }
  const out: Record<string, unknown> = { ...value };
  for (const [key, child] of Object.entries<any>(schema.properties ?? {})) {
    if (out[key] === undefined && child.default !== undefined) { out[key] = JSON.parse(JSON.stringify(child.default)); }
    if (out[key] !== undefined) { out[key] = applyDefaults(out[key], child); }
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    for (const key of Object.keys(out)) {
      if (!(key in (schema.properties ?? {}))) { out[key] = applyDefaults(out[key], schema.additionalProperties); }
    }
  }
  return out;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) { return 'array'; }
  if (value === null) { return 'null'; }
  if (typeof value === 'number') { return Number.isInteger(value) ? 'integer' : 'number'; }
  return typeof value;
}

function check(value: any, schema: any, at: string, result: { errors: string[]; unevaluated: Set<string> }): void {
  if (!schema) { return; }
  const t = typeOf(value);
  if (!schema['x-kubernetes-int-or-string'] && schema.type) {
    const ok = schema.type === t || (schema.type === 'number' && t === 'integer');
    if (!ok) { result.errors.push(`${at}: expected ${schema.type}, got ${t}`); return; }
  }
  if (schema.enum && !schema.enum.includes(value)) { result.errors.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`); }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) { result.errors.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`); }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) { result.errors.push(`${at}: longer than ${schema.maxLength}`); }
    if (schema.minLength !== undefined && value.length < schema.minLength) { result.errors.push(`${at}: shorter than ${schema.minLength}`); }
  }
  if (typeof value === 'number') {
    if (schema.maximum !== undefined && value > schema.maximum) { result.errors.push(`${at}: above ${schema.maximum}`); }
    if (schema.minimum !== undefined && value < schema.minimum) { result.errors.push(`${at}: below ${schema.minimum}`); }
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) { result.errors.push(`${at}: more than ${schema.maxItems} items`); }
    if (schema.minItems !== undefined && value.length < schema.minItems) { result.errors.push(`${at}: fewer than ${schema.minItems} items`); }
    value.forEach((item, i) => check(item, schema.items, `${at}[${i}]`, result));
  } else if (t === 'object') {
    for (const key of schema.required ?? []) {
      if (value[key] === undefined) { result.errors.push(`${at}: missing required field ${key}`); }
    }
    for (const [key, child] of Object.entries<any>(value)) {
      const childSchema = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (childSchema) {
        check(child, childSchema, `${at}.${key}`, result);
      } else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.properties) {
        result.errors.push(`${at}: unknown field ${key}`);
      }
    }
  }
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    if (/\boldSelf\b/.test(rule.rule)) { continue; }
    let outcome: unknown;
    try {
      outcome = plan(ENV, parse(rule.rule))({ self: toCel(value) } as any);
    } catch (e) {
      outcome = e;
    }
    if (outcome instanceof Error) { result.unevaluated.add(rule.rule); } else if (outcome !== true) { result.errors.push(`${at}: ${rule.message ?? rule.rule}`); }
  }
}

/** Validates one object against a CRD schema (metadata is the API server's to check, not the CRD's). */
export function validateCrdObject(object: Record<string, unknown>, schema: any): CrdValidation {
  const { metadata: _metadata, ...rest } = object;
  const defaulted = applyDefaults(rest, schema);
  const result = { errors: [] as string[], unevaluated: new Set<string>() };
  check({ ...defaulted, metadata: {} }, { ...schema, properties: { ...schema.properties, metadata: { type: 'object' } } }, object.kind as string, result);
  return { errors: result.errors, unevaluated: [...result.unevaluated].sort() };
}
