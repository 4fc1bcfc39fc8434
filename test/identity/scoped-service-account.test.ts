import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HardenedEksCluster, NamespaceAccessLevel, ServiceAccountIdentity } from '../../lib';
import { renderServiceAccount } from '../../lib/identity/scoped-service-account';
import { DECLARED_ADMIN_METADATA, WARNINGS } from '../../lib/private/defaults';
import { fastApp, podIdentityTrust, warningsOf } from '../fixtures';

/** A cluster without nodes, with the namespace team-a that most service accounts here live in. */
function setup(context: Record<string, unknown> = {}): { stack: Stack; cluster: HardenedEksCluster } {
  const stack = new Stack(fastApp(context), 'Test');
  const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false });
  cluster.addNamespace('team-a');
  return { stack, cluster };
}

function resourceOf(stack: Stack, template: Template, construct: { node: any }): any {
  return template.toJSON().Resources[stack.resolve(construct.node.defaultChild.logicalId)];
}

describe('renderServiceAccount', () => {
  test('a literal ServiceAccount without token automount, with the library label', () => {
    expect(renderServiceAccount({ name: 'app', namespace: 'team-a', automountServiceAccountToken: false })).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'app', namespace: 'team-a', labels: { 'app.kubernetes.io/managed-by': 'cdk-hardened-eks' } },
      automountServiceAccountToken: false,
    });
  });
});

describe('IRSA (the default)', () => {
  const { stack, cluster } = setup();
  const sa = cluster.addServiceAccount('App', { namespace: 'team-a', name: 'app' });
  s3.Bucket.fromBucketName(stack, 'Reports', 'reports').grantRead(sa, 'team-a/*');
  const template = Template.fromStack(stack);

  test('the trust is StringEquals on exactly the subject and the audience, through the cluster OIDC provider', () => {
    const role = resourceOf(stack, template, sa.role);
    const providerId = stack.resolve((cluster.openIdConnectProvider.node.defaultChild as any).logicalId);
    const [statement] = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1);
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(statement.Principal).toEqual({ Federated: { Ref: providerId } });
    expect(Object.keys(statement.Condition)).toEqual(['StringEquals']);
    const jsonId = statement.Condition.StringEquals['Fn::GetAtt'][0];
    const issuer = { 'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { Ref: providerId }] }] };
    expect(template.toJSON().Resources[jsonId].Properties.Value).toEqual({
      'Fn::Join': ['', ['{"', issuer, ':sub":"system:serviceaccount:team-a:app","', issuer, ':aud":"sts.amazonaws.com"}']],
    });
  });

  test('sessions last at most an hour; the ServiceAccount carries the role ARN and does not automount its token', () => {
    const role = resourceOf(stack, template, sa.role);
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    const manifest = resourceOf(stack, template, sa.manifest);
    const text = JSON.stringify(manifest.Properties.Manifest);
    expect(text).toContain('\\"automountServiceAccountToken\\":false');
    expect(text).toContain('eks.amazonaws.com/role-arn');
    expect(text).toContain('\\"app.kubernetes.io/managed-by\\":\\"cdk-hardened-eks\\"');
  });

  test('grants land in a customer managed policy of the role, with exactly the granted actions and resources', () => {
    const roleId = stack.resolve((sa.role.node.defaultChild as any).logicalId);
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[];
    const mine = policies.filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
    expect(mine).toHaveLength(1);
    expect(mine[0].Properties.PolicyDocument.Statement).toEqual([{
      Action: ['s3:GetBucket*', 's3:GetObject*', 's3:List*'],
      Effect: 'Allow',
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::reports']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::reports/team-a/*']] },
      ],
    }]);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain(roleId);
  });
});

test.each([true, false])('the OIDC provider is a native AWS::IAM::OIDCProvider whatever useNativeOidcProvider says (%s)', (flag) => {
  const { stack, cluster } = setup({ '@aws-cdk/aws-eks:useNativeOidcProvider': flag });
  cluster.addServiceAccount('App', { namespace: 'team-a', name: 'app' });
  // aws-eks-v2's own getter now returns the same provider.
  expect(cluster.cluster.openIdConnectProvider).toBe(cluster.openIdConnectProvider);
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
  template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
});

describe('EKS Pod Identity', () => {
  const { stack, cluster } = setup();
  const sa = cluster.addServiceAccount('App', {
    namespace: 'team-a', name: 'app', identity: ServiceAccountIdentity.POD_IDENTITY, organizationId: 'o-a1b2c3d4e5',
  });
  const template = Template.fromStack(stack);

  test('the trust is pods.eks.amazonaws.com with AssumeRole and TagSession, bound to this service account, account and organization', () => {
    const role = resourceOf(stack, template, sa.role);
    expect(role.Properties.AssumeRolePolicyDocument.Statement)
      .toEqual(podIdentityTrust(cluster.clusterName, 'team-a', 'app', { 'aws:SourceOrgId': 'o-a1b2c3d4e5' }));
  });

  test('a Pod Identity association, no OIDC provider, no CfnJson custom resource, no role annotation', () => {
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: cluster.clusterName, Namespace: 'team-a', ServiceAccount: 'app',
      RoleArn: { 'Fn::GetAtt': [stack.resolve((sa.role.node.defaultChild as any).logicalId), 'Arn'] },
    });
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.resourceCountIs('Custom::AWSCDKCfnJson', 0);
    expect(JSON.stringify(resourceOf(stack, template, sa.manifest).Properties.Manifest)).not.toContain('role-arn');
  });
});

test('automount can be turned on explicitly', () => {
  const { stack, cluster } = setup();
  const sa = cluster.addServiceAccount('App', { namespace: 'team-a', name: 'app', automountServiceAccountToken: true });
  expect(JSON.stringify(Template.fromStack(stack).toJSON().Resources[stack.resolve((sa.manifest.node.defaultChild as any).logicalId)]
    .Properties.Manifest)).toContain('\\"automountServiceAccountToken\\":true');
});

test('a permissions boundary is applied', () => {
  const { stack, cluster } = setup();
  const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'workload-boundary');
  const sa = cluster.addServiceAccount('App', { namespace: 'team-a', name: 'app', permissionsBoundary: boundary });
  expect(JSON.stringify(Template.fromStack(stack).toJSON().Resources[stack.resolve((sa.role.node.defaultChild as any).logicalId)]
    .Properties.PermissionsBoundary)).toContain(':policy/workload-boundary');
});

describe('warned opt-ins', () => {

  test('token automount, administrator permissions and kube-system each leave their warning', () => {
    const { stack, cluster } = setup();
    cluster.addServiceAccount('A', { namespace: 'team-a', name: 'a', automountServiceAccountToken: true });
    cluster.addServiceAccount('B', { namespace: 'team-a', name: 'b', allowAdministratorPermissions: true });
    cluster.addServiceAccount('C', { namespace: 'kube-system', name: 'c', allowKubeSystem: true });
    const warnings = warningsOf(stack);
    expect(warnings.filter((w) => w.includes(WARNINGS.tokenAutomount))).toEqual([expect.stringContaining('team-a/a mounts its token')]);
    expect(warnings.filter((w) => w.includes(WARNINGS.administratorPermissions))).toEqual([expect.stringContaining('team-a/b')]);
    expect(warnings.filter((w) => w.includes(WARNINGS.kubeSystemServiceAccount))).toEqual([expect.stringContaining('kube-system/c')]);
  });

  test('the defaults leave none of them', () => {
    const { stack, cluster } = setup();
    cluster.addServiceAccount('A', { namespace: 'team-a', name: 'a' });
    expect(warningsOf(stack).filter((w) => /tokenAutomount|administratorPermissions|kubeSystemServiceAccount/.test(w))).toEqual([]);
  });
});

describe('administrator permissions', () => {
  test('fails when a statement allows every action on every resource', () => {
    const { cluster } = setup();
    const sa = cluster.addServiceAccount('App', { namespace: 'team-a', name: 'app' });
    expect(() => sa.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })))
      .toThrow(/a statement allowing every action on every resource .* allowAdministratorPermissions: true/);
    expect(() => iam.Grant.addToPrincipal({ grantee: sa, actions: ['*'], resourceArns: ['*'] })).toThrow(/every action/);
    expect(() => sa.addToPrincipalPolicy(new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] }))).toThrow(/every action/);
  });

  test('a narrower statement, or the explicit option, is accepted', () => {
    const { cluster } = setup();
    const sa = cluster.addServiceAccount('App', { namespace: 'team-a', name: 'app' });
    expect(sa.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })).statementAdded).toBe(true);
    const admin = cluster.addServiceAccount('Admin', { namespace: 'team-a', name: 'admin', allowAdministratorPermissions: true });
    expect(admin.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })).statementAdded).toBe(true);
  });
});

describe('human access', () => {
  test('VIEW and EDIT put the role in the namespace groups; ADMIN gets the namespace-scoped EKS admin policy; one entry per role', () => {
    const { stack, cluster } = setup();
    cluster.addNamespace('team-b');
    const dev = iam.Role.fromRoleName(stack, 'Dev', 'developers');
    cluster.grantNamespaceAccess('DevView', dev, 'team-a', NamespaceAccessLevel.VIEW);
    cluster.grantNamespaceAccess('DevEdit', dev, 'team-b', NamespaceAccessLevel.EDIT);
    const lead = iam.Role.fromRoleName(stack, 'Lead', 'leads');
    cluster.grantNamespaceAccess('LeadAdmin', lead, 'team-a', NamespaceAccessLevel.ADMIN);
    const template = Template.fromStack(stack);
    const entries = (Object.values(template.findResources('AWS::EKS::AccessEntry')) as any[])
      .filter((e) => JSON.stringify(e.Properties.PrincipalArn).includes(':role/'));
    expect(entries).toHaveLength(2);
    const entryOf = (name: string) => entries.find((e) => JSON.stringify(e.Properties.PrincipalArn).includes(`:role/${name}`)).Properties;
    expect(entryOf('developers').KubernetesGroups).toEqual(['cdk-hardened-eks:team-a:view', 'cdk-hardened-eks:team-b:edit']);
    expect(entryOf('developers').AccessPolicies).toEqual([]);
    expect(entryOf('leads').AccessPolicies).toEqual([{
      AccessScope: { Type: 'namespace', Namespaces: ['team-a'] },
      PolicyArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSAdminPolicy']] },
    }]);
    for (const entry of entries) {
      expect(entry.Properties.KubernetesGroups ?? []).not.toContain('system:masters');
      expect(entry.Properties.Type).toBe('STANDARD');
    }
  });

  test('VIEW or EDIT on a namespace the library did not create fails the synth (the group would bind nothing)', () => {
    const { stack, cluster } = setup();
    cluster.grantNamespaceAccess('DevView', iam.Role.fromRoleName(stack, 'Dev', 'developers'), 'elsewhere', NamespaceAccessLevel.VIEW);
    expect(() => Template.fromStack(stack)).toThrow(/VIEW access works through the Roles of a namespace added with addNamespace, and elsewhere is not one/);
  });

  test('a role cannot be both cluster admin and a namespace user (EKS allows one entry per principal)', () => {
    const { stack, cluster } = setup();
    const ops = iam.Role.fromRoleName(stack, 'Ops', 'ops');
    cluster.grantClusterAdmin('Ops', ops);
    expect(() => cluster.grantNamespaceAccess('OpsView', ops, 'team-a', NamespaceAccessLevel.VIEW)).toThrow(/already a cluster admin/);
  });

  test('cluster admins and the break-glass role are declared admin entries', () => {
    const stack = new Stack(fastApp(), 'Test');
    const breakGlass = iam.Role.fromRoleName(stack, 'BreakGlass', 'break-glass');
    const cluster = new HardenedEksCluster(stack, 'Cluster', { defaultNodeGroup: false, breakGlassAdminRole: breakGlass });
    cluster.grantClusterAdmin('Ops', iam.Role.fromRoleName(stack, 'Ops', 'ops'));
    const template = Template.fromStack(stack);
    const entries = Object.values(template.findResources('AWS::EKS::AccessEntry')) as any[];
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      expect(entry.Metadata?.[DECLARED_ADMIN_METADATA]).toEqual(expect.any(String));
    }
    expect(cluster.breakGlassAdminRole).toBe(breakGlass);
    expect(entries.find((e) => JSON.stringify(e.Properties.PrincipalArn).includes('role/break-glass')).Metadata[DECLARED_ADMIN_METADATA])
      .toBe('break-glass admin role');
  });
});

describe('bad input', () => {
  function errorOf(action: (cluster: HardenedEksCluster, stack: Stack) => void): string {
    const { stack, cluster } = setup();
    try {
      action(cluster, stack);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected an error');
  }

  test('fails at synth when the namespace was never added, naming the namespace and both fixes', () => {
    const { stack, cluster } = setup();
    cluster.addServiceAccount('Stray', { namespace: 'team-x', name: 'app' });
    expect(() => Template.fromStack(stack)).toThrow(
      "Invalid props for Test/Cluster.addServiceAccount(Stray) (1 problem):\n  - namespace: received \"team-x\". No namespace team-x was added to this cluster, " +
      "so the service account would fail at deploy time. Add it with addNamespace('team-x'), or pass namespaceManagedElsewhere: true if another stack or tool creates it.");
  });

  test('a namespace added after the service account is accepted', () => {
    const { stack, cluster } = setup();
    cluster.addServiceAccount('Early', { namespace: 'team-late', name: 'app' });
    cluster.addNamespace('team-late');
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('namespaceManagedElsewhere accepts a namespace the library does not know, with a warning', () => {
    const { stack, cluster } = setup();
    cluster.addServiceAccount('Gitops', { namespace: 'flux-apps', name: 'app', namespaceManagedElsewhere: true });
    expect(() => Template.fromStack(stack)).not.toThrow();
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(WARNINGS.unmanagedNamespace)).map((w) => w.id);
    expect(warnings).toEqual(['/Test/Cluster/Gitops']);
  });

  test('fails when namespace or name are not Kubernetes names', () => {
    const message = errorOf((c) => c.addServiceAccount('App', { namespace: 'Team_A', name: 'App!' }));
    expect(message).toContain('namespace: received "Team_A". A namespace is a DNS-1123 label');
    expect(message).toContain('name: received "App!". A service account name is a DNS-1123 subdomain');
  });

  test('fails when the same namespace/name is added twice', () => {
    expect(errorOf((c) => {
      c.addServiceAccount('A', { namespace: 'team-a', name: 'app' });
      c.addServiceAccount('B', { namespace: 'team-a', name: 'app' });
    })).toContain('name: received "team-a/app". A service account with this namespace and name already exists');
  });

  test('fails on kube-system without the explicit option, and on the default service account', () => {
    expect(errorOf((c) => c.addServiceAccount('A', { namespace: 'kube-system', name: 'app' }))).toContain('allowKubeSystem: true');
    expect(errorOf((c) => c.addServiceAccount('A', { namespace: 'team-a', name: 'default' }))).toContain('name: received "default"');
  });

  test('fails when organizationId is given for IRSA or is malformed', () => {
    expect(errorOf((c) => c.addServiceAccount('A', { namespace: 'team-a', name: 'app', organizationId: 'o-a1b2c3d4e5' })))
      .toContain('organizationId applies to POD_IDENTITY trust only');
    expect(errorOf((c) => c.addServiceAccount('A', { namespace: 'team-a', name: 'app', identity: ServiceAccountIdentity.POD_IDENTITY, organizationId: 'org1' })))
      .toContain("organizationId: received \"org1\". An AWS Organizations id looks like 'o-a1b2c3d4e5'");
  });

  test('fails on namespace access to kube-system, bad namespaces and unknown levels', () => {
    expect(errorOf((c, s) => c.grantNamespaceAccess('X', iam.Role.fromRoleName(s, 'R', 'r'), 'kube-system', NamespaceAccessLevel.VIEW)))
      .toContain('pass allowKubeSystem: true');
    expect(errorOf((c, s) => c.grantNamespaceAccess('X', iam.Role.fromRoleName(s, 'R', 'r'), 'Bad Name', NamespaceAccessLevel.VIEW)))
      .toContain('namespace: received "Bad Name"');
    expect(errorOf((c, s) => c.grantNamespaceAccess('X', iam.Role.fromRoleName(s, 'R', 'r'), 'team-a', 'OWNER' as NamespaceAccessLevel)))
      .toContain('level: received "OWNER". Use NamespaceAccessLevel.VIEW, EDIT or ADMIN');
  });
});
