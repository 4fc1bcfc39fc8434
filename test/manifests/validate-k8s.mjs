// Validates Kubernetes objects (a JSON array on stdin) against the OpenAPI schemas of
// kubernetes-models (Kubernetes 1.36). kubernetes-models ships as ES modules only, so tests run
// this in its own Node process. Prints a JSON array: null for a valid object, else the error.
import { readFileSync } from 'node:fs';

const MODULES = {
  'v1': 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'admissionregistration.k8s.io/v1': 'kubernetes-models/admissionregistration.k8s.io/v1',
  'storage.k8s.io/v1': 'kubernetes-models/storage.k8s.io/v1',
};

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const modulePath = MODULES[object.apiVersion];
  // One module per kind: importing a whole API group loads every schema in it.
  const Model = modulePath ? (await import(`${modulePath}/${object.kind}`).catch(() => ({})))[object.kind] : undefined;
  if (!Model) {
    results.push(`no schema for ${object.apiVersion}/${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
    results.push(null);
  } catch (error) {
    results.push(String(error && error.message ? error.message : error));
  }
}
process.stdout.write(JSON.stringify(results));
