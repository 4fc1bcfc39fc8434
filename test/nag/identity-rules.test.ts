import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardenedEksChecks, HardenedEksCluster, ServiceAccountIdentity } from '../../lib';
import { fastApp } from '../fixtures';

const PROVIDER = 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC';
const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC';

function findings(app: App, prefix = 'HardenedEks-'): string[] {
  return new HardenedEksChecks().validateScope(app).violations
    .filter((v) => v.ruleName.startsWith(prefix))
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
}

/** An L1 role trusted by the OIDC provider with the given condition block. */
function irsaRole(condition: Record<string, unknown>): App {
  const app = fastApp();
  const stack = new Stack(app, 'Rules');
  new iam.CfnRole(stack, 'Role', {
    assumeRolePolicyDocument: {
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: PROVIDER }, Condition: condition }],
    },
  });
  return app;
}

describe('ServiceAccountTrust', () => {
  test('compliant: StringEquals on sub and aud', () => {
    expect(findings(irsaRole({
      StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:team-a:app', [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
    }))).toEqual([]);
  });

  test('compliant: the library\'s IRSA and Pod Identity service accounts (CfnJson conditions are read)', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    cluster.addServiceAccount('A', { namespace: 'team-a', name: 'a' });
    cluster.addServiceAccount('B', { namespace: 'team-a', name: 'b', identity: ServiceAccountIdentity.POD_IDENTITY });
    expect(findings(app)).toEqual([]);
  });

  test('non-compliant: StringLike on the subject', () => {
    expect(findings(irsaRole({
      StringLike: { [`${ISSUER}:sub`]: 'system:serviceaccount:team-a:*' },
      StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
    }))).toEqual([
      'HardenedEks-ServiceAccountTrust[Trust::StringLike] @ Rules/Role',
      'HardenedEks-ServiceAccountTrust[Trust::NoSubject] @ Rules/Role',
    ]);
  });

  test('non-compliant: no audience, a wildcard in the subject', () => {
    expect(findings(irsaRole({ StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:team-a:*' } }))).toEqual([
      'HardenedEks-ServiceAccountTrust[Trust::NoAudience] @ Rules/Role',
      'HardenedEks-ServiceAccountTrust[Trust::Wildcard] @ Rules/Role',
    ]);
  });

  test('non-compliant: no condition at all (any service account of the cluster)', () => {
    expect(findings(irsaRole({}))).toEqual([
      'HardenedEks-ServiceAccountTrust[Trust::NoSubject] @ Rules/Role',
      'HardenedEks-ServiceAccountTrust[Trust::NoAudience] @ Rules/Role',
    ]);
  });

  test('non-compliant: Pod Identity trust without a source condition or service account tags', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags() });
    expect(findings(app)).toEqual([
      'HardenedEks-ServiceAccountTrust[Trust::NoSourceCondition] @ Rules/Role/Resource',
      'HardenedEks-ServiceAccountTrust[Trust::NoServiceAccountTags] @ Rules/Role/Resource',
    ]);
  });

  test('non-compliant: Pod Identity trust bound to an account but to any service account', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }).withSessionTags(),
    });
    expect(findings(app)).toEqual(['HardenedEks-ServiceAccountTrust[Trust::NoServiceAccountTags] @ Rules/Role/Resource']);
  });

  test('non-compliant: IRSA trust on sts:AssumeRoleWith* is still recognised as a pod role', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWith*', Principal: { Federated: PROVIDER } }] },
    });
    expect(findings(app)).toEqual([
      'HardenedEks-ServiceAccountTrust[Trust::NoSubject] @ Rules/Role',
      'HardenedEks-ServiceAccountTrust[Trust::NoAudience] @ Rules/Role',
    ]);
  });

  test('not applicable to roles pods cannot assume', () => {
    const app = fastApp();
    new iam.Role(new Stack(app, 'Rules'), 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(findings(app)).toEqual([]);
  });
});

describe('ServiceAccountRoleAdmin', () => {
  function podRole(configure: (role: iam.Role, stack: Stack) => void): App {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    const role = new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': '111122223333', 'aws:RequestTag/kubernetes-namespace': 'a', 'aws:RequestTag/kubernetes-service-account': 'b',
          },
        },
      }).withSessionTags(),
    });
    configure(role, stack);
    return app;
  }

  test('non-compliant with *:* in an attached policy, and with AdministratorAccess', () => {
    expect(findings(podRole((role) => role.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })))))
      .toEqual(['HardenedEks-ServiceAccountRoleAdmin @ Rules/Role/Resource']);
    expect(findings(podRole((role) => role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')))))
      .toEqual(['HardenedEks-ServiceAccountRoleAdmin @ Rules/Role/Resource']);
  });

  test('non-compliant with NotAction on *, and with a customer managed policy attached through the role', () => {
    expect(findings(podRole((role) => role.addToPolicy(new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] })))))
      .toEqual(['HardenedEks-ServiceAccountRoleAdmin @ Rules/Role/Resource']);
    expect(findings(podRole((role, stack) => role.addManagedPolicy(new iam.ManagedPolicy(stack, 'Admin', {
      statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
    }))))).toEqual(['HardenedEks-ServiceAccountRoleAdmin @ Rules/Role/Resource']);
  });

  test('compliant with scoped statements', () => {
    expect(findings(podRole((role) => role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] })))))
      .toEqual([]);
  });
});

describe('AccessEntryClusterAdmin', () => {
  test('non-compliant: cluster admin granted around the library (undeclared)', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    cluster.cluster.grantClusterAdmin('Sneaky', 'arn:aws:iam::111122223333:role/ci');
    expect(findings(app, 'HardenedEks-AccessEntry')).toEqual(['HardenedEks-AccessEntryClusterAdmin[Entry::UndeclaredClusterAdmin] @ Rules/Cluster/Cluster/Sneaky/Resource']);
  });

  test('compliant: admins granted with the library, and the kubectl provider\'s entry', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
    cluster.grantClusterAdmin('Ops', iam.Role.fromRoleName(stack, 'Ops', 'ops'));
    expect(findings(app, 'HardenedEks-AccessEntry')).toEqual([]);
  });

  test('non-compliant: system:masters, even when declared', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    const entry = new eks.CfnAccessEntry(stack, 'Entry', {
      clusterName: 'prod', principalArn: 'arn:aws:iam::111122223333:role/ops', kubernetesGroups: ['system:masters'],
    });
    entry.addMetadata('cdk-hardened-eks:declared-admin', 'ops');
    expect(findings(app)).toEqual(['HardenedEks-AccessEntryClusterAdmin[Entry::SystemMasters] @ Rules/Entry']);
  });

  test('namespace-scoped admin is not cluster admin', () => {
    const app = fastApp();
    const stack = new Stack(app, 'Rules');
    new eks.CfnAccessEntry(stack, 'Entry', {
      clusterName: 'prod', principalArn: 'arn:aws:iam::111122223333:role/lead',
      accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy', accessScope: { type: 'namespace', namespaces: ['team-a'] } }],
    });
    expect(findings(app)).toEqual([]);
  });
});
