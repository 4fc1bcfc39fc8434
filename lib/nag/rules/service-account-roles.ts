import { CfnResource, Stack } from 'aws-cdk-lib';
import { deployedProperties, flattenJoin, list } from './rule';

/** How a role's trust policy lets pods assume it. */
export type PodTrust = 'irsa' | 'pod-identity';

/** The trust statements of a role that let Kubernetes pods assume it, by kind. */
export function podTrustStatements(role: CfnResource): Array<{ kind: PodTrust; statement: any }> {
  if (role.cfnResourceType !== 'AWS::IAM::Role') { return []; }
  const statements: any[] = deployedProperties(role).AssumeRolePolicyDocument?.Statement ?? [];
  const found: Array<{ kind: PodTrust; statement: any }> = [];
  for (const statement of statements) {
    const actions = list(statement?.Action);
    const principal = statement?.Principal ?? {};
    const webIdentity = actions.some((a) => typeof a === 'string' && (a === '*' || /^sts:(\*|AssumeRoleWith\*|AssumeRoleWithWebIdentity)$/.test(a)));
    if (webIdentity && list(principal.Federated).some((f) => isOidcProvider(role, f))) {
      found.push({ kind: 'irsa', statement });
    } else if (list(principal.Service).includes('pods.eks.amazonaws.com')) {
      found.push({ kind: 'pod-identity', statement });
    }
  }
  return found;
}

/** Whether a role is assumed by Kubernetes pods (IRSA or EKS Pod Identity). */
export function isServiceAccountRole(role: CfnResource): boolean {
  return podTrustStatements(role).length > 0;
}

/**
 * A trust condition block as its keys and values: a literal object, or the value of a CfnJson
 * custom resource in the same stack (how CDK writes keys that contain the OIDC issuer), with
 * deploy-time parts replaced by a placeholder. `undefined` when it cannot be read.
 */
export function readConditionBlock(role: CfnResource, block: unknown): Record<string, unknown> | undefined {
  if (block === undefined) { return undefined; }
  const getAtt = (block as any)?.['Fn::GetAtt'];
  if (!Array.isArray(getAtt)) { return block as Record<string, unknown>; }
  const stack = Stack.of(role);
  const json = stack.node.findAll().find((c): c is CfnResource =>
    CfnResource.isCfnResource(c) && c.cfnResourceType === 'Custom::AWSCDKCfnJson' && stack.resolve(c.logicalId) === getAtt[0]);
  if (!json) { return undefined; }
  const text = flattenJoin(deployedProperties(json).Value);
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isOidcProvider(role: CfnResource, federated: unknown): boolean {
  if (typeof federated === 'string') { return federated.includes(':oidc-provider/'); }
  const ref = (federated as any)?.Ref ?? (federated as any)?.['Fn::GetAtt']?.[0];
  if (typeof ref !== 'string') { return JSON.stringify(federated).includes(':oidc-provider/'); }
  const stack = Stack.of(role);
  const target = stack.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c) && stack.resolve(c.logicalId) === ref);
  return target !== undefined && ['AWS::IAM::OIDCProvider', 'Custom::AWSCDKOpenIdConnectProvider'].includes(target.cfnResourceType);
}
