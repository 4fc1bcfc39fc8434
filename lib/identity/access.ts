import * as eks from 'aws-cdk-lib/aws-eks-v2';

/**
 * What a human (an IAM role) may do in one namespace, through an EKS access entry.
 */
export enum NamespaceAccessLevel {
  /** Read workloads and their configuration, never Secrets (the namespace's `cdk-hardened-eks-view` Role). */
  VIEW = 'VIEW',
  /**
   * Change workloads and their configuration; Secrets readable one by one, never listed; no exec,
   * no RBAC, NetworkPolicy or quota changes (the namespace's `cdk-hardened-eks-edit` Role).
   */
  EDIT = 'EDIT',
  /** Everything in the namespace, RBAC included (AmazonEKSAdminPolicy). */
  ADMIN = 'ADMIN',
}

/** The EKS access policy of each level. */
export const NAMESPACE_ACCESS_POLICIES: Readonly<Record<NamespaceAccessLevel, string>> = {
  [NamespaceAccessLevel.VIEW]: 'AmazonEKSViewPolicy',
  [NamespaceAccessLevel.EDIT]: 'AmazonEKSEditPolicy',
  [NamespaceAccessLevel.ADMIN]: 'AmazonEKSAdminPolicy',
};

/** The access policy of a level, scoped to one namespace. */
export function namespaceAccessPolicy(level: NamespaceAccessLevel, namespace: string): eks.IAccessPolicy {
  return eks.AccessPolicy.fromAccessPolicyName(NAMESPACE_ACCESS_POLICIES[level], {
    accessScopeType: eks.AccessScopeType.NAMESPACE,
    namespaces: [namespace],
  });
}
