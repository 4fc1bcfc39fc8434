import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { isKubernetesManifest, readManifest } from '../../lib/nag/rules/manifests';

/**
 * A small model of who may act on a cluster-scoped kind, from what a stack deploys: EKS access
 * entries (their Kubernetes groups and access policies) and the RBAC objects in its manifests.
 *
 * - A RoleBinding never grants a cluster-scoped kind, so only ClusterRoleBindings count.
 * - An access policy scoped to namespaces is a RoleBinding in effect; one scoped to the cluster
 *   grants what its Kubernetes counterpart grants.
 * - Built-in ClusterRoles: `cluster-admin` grants everything; `admin` grants Karpenter's kinds,
 *   because the Karpenter chart aggregates a `karpenter-admin` ClusterRole into it; `edit` and
 *   `view` do not.
 */
export interface Request { readonly verb: string; readonly group: string; readonly resource: string }

const BUILT_IN: Record<string, (r: Request) => boolean> = {
  'cluster-admin': () => true,
  'admin': (r) => ['karpenter.sh', 'karpenter.k8s.aws'].includes(r.group) && ['create', 'delete', 'patch', 'get', 'list', 'watch'].includes(r.verb),
  'edit': () => false,
  'view': () => false,
};
const ACCESS_POLICY_ROLE: Record<string, string> = {
  AmazonEKSClusterAdminPolicy: 'cluster-admin', AmazonEKSAdminPolicy: 'admin', AmazonEKSEditPolicy: 'edit', AmazonEKSViewPolicy: 'view',
};

const matches = (list: unknown, value: string) => Array.isArray(list) && (list.includes('*') || list.includes(value));

/** Tenant principals (access entries not declared admin) that may perform the request, with how. */
export function tenantCan(stack: Stack, template: Template, request: Request): string[] {
  const objects = stack.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && isKubernetesManifest(c))
    .flatMap((c) => readManifest(c).objects.map((o) => o.object));
  const clusterRoles = new Map(objects.filter((o) => o.kind === 'ClusterRole').map((o) => [o.metadata.name, o]));
  const roleAllows = (name: string): boolean => {
    if (BUILT_IN[name]) { return BUILT_IN[name](request); }
    const role = clusterRoles.get(name);
    return (role?.rules ?? []).some((rule: any) => matches(rule.apiGroups, request.group) && matches(rule.resources, request.resource) && matches(rule.verbs, request.verb));
  };
  const found: string[] = [];
  const entries = Object.entries(template.findResources('AWS::EKS::AccessEntry')) as Array<[string, any]>;
  for (const [id, entry] of entries) {
    if (JSON.stringify(entry.Metadata ?? {}).includes('declared-admin') || entry.Properties.Type !== 'STANDARD') { continue; }
    for (const policy of entry.Properties.AccessPolicies ?? []) {
      const name = JSON.stringify(policy.PolicyArn).match(/AmazonEKS\w+Policy/)?.[0] ?? '';
      if (policy.AccessScope.Type === 'cluster' && ACCESS_POLICY_ROLE[name] && roleAllows(ACCESS_POLICY_ROLE[name])) { found.push(`${id} via ${name}`); }
    }
    const groups = entry.Properties.KubernetesGroups ?? [];
    for (const binding of objects.filter((o) => o.kind === 'ClusterRoleBinding')) {
      const bound = (binding.subjects ?? []).filter((s: any) => s.kind === 'Group' && groups.includes(s.name));
      if (bound.length > 0 && roleAllows(binding.roleRef?.name)) { found.push(`${id} via ClusterRoleBinding ${binding.metadata.name}`); }
    }
  }
  return found;
}
