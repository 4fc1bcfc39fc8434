/**
 * Validates rendered objects against the Kubernetes OpenAPI schemas (kubernetes-models, 1.36),
 * in a separate Node process because kubernetes-models is published as ES modules only.
 * kubernetes-models checks types, enums and required fields; it does not reject unknown fields,
 * so tests also compare the objects with literal expectations.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

/** The schema error of each object, or null when it is valid. */
export function schemaErrors(objects: unknown[]): Array<string | null> {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'validate-k8s.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/** Throws with the schema errors when any object does not validate. */
export function validateAgainstSchema(...objects: unknown[]): void {
  const errors = schemaErrors(objects);
  const failed = errors.map((e, i) => (e ? `${(objects[i] as any).kind} ${(objects[i] as any).metadata?.name}: ${e}` : undefined)).filter(Boolean);
  if (failed.length > 0) { throw new Error(`schema validation failed:\n${failed.join('\n')}`); }
}
