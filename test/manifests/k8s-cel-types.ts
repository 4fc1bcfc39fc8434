/**
 * CEL types for Kubernetes objects, read from the Kubernetes 1.36 API types that
 * kubernetes-models publishes (its TypeScript declarations, read with the TypeScript compiler),
 * so policy expressions can be type-checked offline against the fields the API server knows, as
 * its own type checker does. Strings, integers, booleans, lists, string-keyed maps and nested
 * objects become their CEL types; int-or-string fields and anything else become `dyn`.
 */
import * as path from 'path';
import { Environment } from '@marcbachmann/cel-js';
import * as ts from 'typescript';

const MODELS = path.dirname(require.resolve('kubernetes-models/package.json'));

/** Where each kind's declaration lives in kubernetes-models, and its interface. */
export const KIND_DECLARATIONS: Record<string, { file: string; iface: string }> = {
  Pod: { file: 'v1/Pod.d.ts', iface: 'IPod' },
  PodTemplate: { file: 'v1/PodTemplate.d.ts', iface: 'IPodTemplate' },
  ReplicationController: { file: 'v1/ReplicationController.d.ts', iface: 'IReplicationController' },
  Namespace: { file: 'v1/Namespace.d.ts', iface: 'INamespace' },
  Service: { file: 'v1/Service.d.ts', iface: 'IService' },
  Ingress: { file: 'networking.k8s.io/v1/Ingress.d.ts', iface: 'IIngress' },
  NetworkPolicy: { file: 'networking.k8s.io/v1/NetworkPolicy.d.ts', iface: 'INetworkPolicy' },
  Role: { file: 'rbac.authorization.k8s.io/v1/Role.d.ts', iface: 'IRole' },
  ServiceAccount: { file: 'v1/ServiceAccount.d.ts', iface: 'IServiceAccount' },
  Deployment: { file: 'apps/v1/Deployment.d.ts', iface: 'IDeployment' },
  ReplicaSet: { file: 'apps/v1/ReplicaSet.d.ts', iface: 'IReplicaSet' },
  StatefulSet: { file: 'apps/v1/StatefulSet.d.ts', iface: 'IStatefulSet' },
  DaemonSet: { file: 'apps/v1/DaemonSet.d.ts', iface: 'IDaemonSet' },
  Job: { file: 'batch/v1/Job.d.ts', iface: 'IJob' },
  CronJob: { file: 'batch/v1/CronJob.d.ts', iface: 'ICronJob' },
};

/** CEL type declarations: object type name -> field -> CEL type. */
type Declarations = Map<string, Record<string, string>>;

/** Reads the declarations of the named kinds; returns the CEL type name of each kind's root. */
export function readKubernetesTypes(requested: string[]): { declarations: Declarations; roots: Record<string, string> } {
  // Every policy reads the request's Namespace.
  const kinds = [...new Set([...requested, 'Namespace'])];
  const files = kinds.map((k) => path.join(MODELS, KIND_DECLARATIONS[k].file));
  const program = ts.createProgram(files, { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const declarations: Declarations = new Map();
  const visiting = new Set<string>();

  const celType = (type: ts.Type): string => {
    const t = checker.getNonNullableType(type);
    if (t.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) { return 'string'; }
    if (t.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) { return 'int'; }
    if (t.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) { return 'bool'; }
    if (t.isUnion()) {
      const parts = new Set(t.types.map(celType));
      return parts.size === 1 ? [...parts][0] : 'dyn';
    }
    if (checker.isArrayType(t)) {
      return `list<${celType(checker.getTypeArguments(t as ts.TypeReference)[0])}>`;
    }
    const index = t.getStringIndexType();
    if (index && t.getProperties().length === 0) { return `map<string, ${celType(index)}>`; }
    if (t.flags & ts.TypeFlags.Object && t.getProperties().length > 0) {
      const name = (t.aliasSymbol ?? t.getSymbol())?.getName().replace(/^I(?=[A-Z])/, '') ?? 'Anonymous';
      if (visiting.has(name)) { return 'dyn'; }
      if (!declarations.has(name)) {
        visiting.add(name);
        const fields: Record<string, string> = {};
        for (const property of t.getProperties()) {
          const declaration = property.valueDeclaration ?? property.declarations?.[0];
          if (!declaration) { continue; }
          fields[property.getName()] = celType(checker.getTypeOfSymbolAtLocation(property, declaration));
        }
        visiting.delete(name);
        declarations.set(name, fields);
      }
      return name;
    }
    return 'dyn';
  };

  const roots: Record<string, string> = {};
  for (const kind of kinds) {
    const source = program.getSourceFile(path.join(MODELS, KIND_DECLARATIONS[kind].file))!;
    const symbol = checker.getSymbolAtLocation(source)!;
    const iface = checker.getExportsOfModule(symbol).find((s) => s.getName() === KIND_DECLARATIONS[kind].iface);
    const exported = iface ?? checker.getExportsOfModule(symbol).find((s) => s.getName() === kind)!;
    const type = checker.getDeclaredTypeOfSymbol(exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported);
    roots[kind] = celType(type);
  }
  return { declarations, roots };
}

/** A cel-js environment that knows these object types, for type checks. */
export function typedEnvironment(declarations: Declarations): Environment {
  let env = new Environment({ homogeneousAggregateLiterals: false });
  // Register every type before any field refers to it: first by name, then with fields.
  for (const [name, fields] of declarations) {
    env = env.registerType(name, { fields });
  }
  // CEL defines == and != on every type (the API server's policies compare objects and old
  // objects this way); cel-js only knows them for its built-in types, so they are declared here.
  for (const name of declarations.keys()) {
    // cel-js derives != from ==.
    env = env.registerOperator(`${name} == ${name}`, (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b));
  }
  return env;
}

/**
 * An expression as the API server's checker sees its `has()` tests. cel-js does not look at the
 * field inside `has(...)`; the API server does. Each `has(x.f)` becomes `(has(x.f) && x.f == x.f)`,
 * which selects the field in the same scope, so a misspelled field there is reported too.
 */
export function strictHas(expression: string): string {
  return expression.replace(/has\(([A-Za-z_][\w.]*)\)/g, '(has($1) && $1 == $1)');
}

/**
 * A type-checking environment with the bindings a ValidatingAdmissionPolicy expression sees:
 * `object` and `oldObject` of the kind, `namespaceObject`, `request` (operation and userInfo) and,
 * when given, `variables` with these field types.
 */
export function admissionEnvironment(types: ReturnType<typeof readKubernetesTypes>, kind: string, variables?: Record<string, string>): Environment {
  let env = typedEnvironment(types.declarations)
    .registerType('UserInfo', { fields: { username: 'string', groups: 'list<string>' } })
    .registerType('AdmissionRequest', { fields: { operation: 'string', userInfo: 'UserInfo' } })
    .registerVariable('request', 'AdmissionRequest')
    .registerVariable('namespaceObject', types.roots.Namespace)
    .registerVariable('object', types.roots[kind])
    .registerVariable('oldObject', types.roots[kind]);
  if (variables) { env = env.registerType('PolicyVariables', { fields: { ...variables } }).registerVariable('variables', 'PolicyVariables'); }
  return env;
}

/** The CEL type of an expression (with `has()` checked strictly), or `invalid: <first line of the error>`. */
export function typeOf(env: Environment, expression: string): string {
  const result = env.check(strictHas(expression));
  return result.valid && result.type ? result.type : `invalid: ${result.error?.message.split('\n')[0]}`;
}
