import { Annotations, CfnJson, Duration, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { IHardenedCluster } from '../core/hardened-cluster';
import { AUTOMOUNT_DECLARED_ANNOTATION } from '../nag/rules/manifest-service-account-automount';
import { MANAGED_BY_LABEL, WARNINGS } from '../private/defaults';
import { PropProblems } from '../private/errors';
import { isDns1123Label, isDns1123Subdomain } from '../private/names';
import { factsOf } from '../report/facts';

/**
 * How a service account's pods get their IAM role.
 */
export enum ServiceAccountIdentity {
  /**
   * IAM roles for service accounts: the pod exchanges its projected service account token with
   * STS through the cluster's OIDC provider. The default. Needs the OIDC provider and a CfnJson
   * custom resource (one Lambda function per stack) for the trust policy's condition keys.
   */
  IRSA = 'IRSA',
  /**
   * EKS Pod Identity: the Pod Identity agent on the node hands out the role's credentials. No OIDC
   * provider, no custom resource; the role's trust names `pods.eks.amazonaws.com`.
   */
  POD_IDENTITY = 'POD_IDENTITY',
}

/**
 * Options of a service account with its own, scoped IAM role.
 */
export interface ScopedServiceAccountOptions {
  /** Kubernetes namespace of the service account (a DNS-1123 label). */
  readonly namespace: string;

  /** Name of the service account (a DNS-1123 subdomain). */
  readonly name: string;

  /**
   * How pods get the role.
   *
   * @default ServiceAccountIdentity.IRSA
   */
  readonly identity?: ServiceAccountIdentity;

  /**
   * Whether Kubernetes mounts the service account token into pods by default. Pods that need the
   * token (IRSA mounts its own projected token regardless) can still ask for it. Turning it on
   * declares it for HardenedEksChecks and leaves the warning `cdk-hardened-eks:tokenAutomount`.
   *
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Permissions boundary of the role.
   *
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * Accept statements that allow every action on every resource. A weakening that leaves the
   * warning `cdk-hardened-eks:administratorPermissions`; without it such a statement is refused
   * at synth time.
   *
   * @default false
   */
  readonly allowAdministratorPermissions?: boolean;

  /**
   * AWS Organizations id the Pod Identity trust also requires (`aws:SourceOrgId`). Only for
   * POD_IDENTITY.
   *
   * @default - only `aws:SourceAccount` is required
   */
  readonly organizationId?: string;

  /**
   * Allow a service account in `kube-system`, where it sits next to the cluster's own components.
   * A service account there leaves the warning `cdk-hardened-eks:kubeSystemServiceAccount`.
   *
   * @default false
   */
  readonly allowKubeSystem?: boolean;

  /**
   * The namespace is created and hardened outside this library (another stack, a GitOps tool),
   * so it need not be added with `addNamespace`. The library cannot see that namespace's Pod
   * Security labels, NetworkPolicies or quota; the warning `cdk-hardened-eks:unmanagedNamespace`
   * says so. Without it, `HardenedEksCluster.addServiceAccount` refuses a namespace it does not
   * know, which would only fail at deploy time.
   *
   * @default false
   */
  readonly namespaceManagedElsewhere?: boolean;
}

/**
 * Properties of a ScopedServiceAccount.
 */
export interface ScopedServiceAccountProps extends ScopedServiceAccountOptions {
  /** The cluster the service account lives in. */
  readonly cluster: IHardenedCluster;
}

/** The maximum session length of service account roles. */
export const SERVICE_ACCOUNT_MAX_SESSION = Duration.hours(1);

/**
 * A Kubernetes service account with exactly one IAM role of its own.
 *
 * - IRSA trust: `StringEquals` on both `<issuer>:sub = system:serviceaccount:<namespace>:<name>`
 *   and `<issuer>:aud = sts.amazonaws.com`, never `StringLike`, never a wildcard;
 * - Pod Identity trust: `pods.eks.amazonaws.com` with `sts:AssumeRole` and `sts:TagSession`,
 *   `StringEquals` on the session tags `eks-cluster-name`, `kubernetes-namespace` and
 *   `kubernetes-service-account`, and `aws:SourceAccount` (and `aws:SourceOrgId` when given);
 *   plus an EKS Pod Identity association;
 * - the service account is the grant target (`bucket.grantRead(serviceAccount)`): statements go to
 *   a customer managed policy of the role (no inline policy); a statement allowing `*` on `*` is
 *   refused unless `allowAdministratorPermissions`; sessions last at most one hour;
 * - the ServiceAccount object sets `automountServiceAccountToken: false` and the library's label.
 */
export class ScopedServiceAccount extends Construct implements iam.IPrincipal {
  /**
   * The service account's IAM role. Add permissions through the service account (grants,
   * addToPrincipalPolicy), which checks them; what is attached to the role directly is only
   * checked by HardenedEksChecks at synth.
   */
  public readonly role: iam.Role;

  /** Name of the Kubernetes service account. */
  public readonly serviceAccountName: string;

  /** Namespace of the Kubernetes service account. */
  public readonly serviceAccountNamespace: string;

  /** How its pods get the role. */
  public readonly identity: ServiceAccountIdentity;

  /** The Kubernetes manifest that creates the ServiceAccount object. */
  public readonly manifest: eks.KubernetesManifest;

  public readonly assumeRoleAction: string;
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly principalAccount: string | undefined;

  private readonly allowAdministrator: boolean;
  private policy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ScopedServiceAccountProps) {
    super(scope, id);
    const identity = props.identity ?? ServiceAccountIdentity.IRSA;
    this.validate(props, identity);
    this.serviceAccountName = props.name;
    this.serviceAccountNamespace = props.namespace;
    this.identity = identity;
    this.allowAdministrator = props.allowAdministratorPermissions === true;
    const cluster = props.cluster;

    this.role = new iam.Role(this, 'Role', {
      description: `Service account ${props.namespace}/${props.name} of EKS cluster ${cluster.clusterName} (${identity})`,
      assumedBy: identity === ServiceAccountIdentity.IRSA
        ? irsaPrincipal(this, cluster, props.namespace, props.name)
        : podIdentityPrincipal(this, cluster.clusterName, props.namespace, props.name, props.organizationId),
      maxSessionDuration: SERVICE_ACCOUNT_MAX_SESSION,
      permissionsBoundary: props.permissionsBoundary,
    });
    this.assumeRoleAction = this.role.assumeRoleAction;
    this.principalAccount = this.role.principalAccount;

    const annotations: Record<string, string> = {};
    if (identity === ServiceAccountIdentity.IRSA) { annotations['eks.amazonaws.com/role-arn'] = this.role.roleArn; }
    if (props.automountServiceAccountToken) {
      // Declares the opt-in for HardenedEksChecks (ManifestServiceAccountAutomount).
      annotations[AUTOMOUNT_DECLARED_ANNOTATION] = 'automountServiceAccountToken set on the ScopedServiceAccount';
    }
    this.manifest = new eks.KubernetesManifest(this, 'Manifest', {
      cluster: cluster.cluster,
      manifest: [renderServiceAccount({
        name: props.name,
        namespace: props.namespace,
        automountServiceAccountToken: props.automountServiceAccountToken ?? false,
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      })],
      overwrite: true,
      // One object under a fixed name: an update changes it in place; prune would add nothing
      // (kubectl's default prune list leaves ServiceAccounts alone).
      prune: false,
    });

    factsOf(cluster).serviceAccounts.push({
      ref: `${props.namespace}/${props.name}`, identity, automount: props.automountServiceAccountToken === true,
    });
    if (props.automountServiceAccountToken) {
      Annotations.of(this).addWarningV2(WARNINGS.tokenAutomount,
        `Service account ${props.namespace}/${props.name} mounts its token into every pod: any process in them can call the Kubernetes API as it.`);
    }
    if (props.allowAdministratorPermissions) {
      Annotations.of(this).addWarningV2(WARNINGS.administratorPermissions,
        `Service account ${props.namespace}/${props.name} may be granted every action on every resource (allowAdministratorPermissions).`);
    }
    if (props.namespaceManagedElsewhere) {
      Annotations.of(this).addWarningV2(WARNINGS.unmanagedNamespace,
        `Service account ${props.namespace}/${props.name} lives in a namespace managed outside this library (namespaceManagedElsewhere): ` +
        'its Pod Security labels, NetworkPolicies and quota are not the library\'s to check.');
    }
    if (props.namespace === 'kube-system') {
      Annotations.of(this).addWarningV2(WARNINGS.kubeSystemServiceAccount,
        `Service account ${props.namespace}/${props.name} sits in kube-system next to the cluster's own components (allowKubeSystem).`);
    }

    if (identity === ServiceAccountIdentity.POD_IDENTITY) {
      createPodIdentityAssociation(this, cluster, props.namespace, props.name, this.role);
    }
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  /**
   * Adds a statement to the role's policy; refuses one that allows every action on every
   * resource unless `allowAdministratorPermissions` was set.
   */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.allowAdministrator && allowsEverything(statement)) {
      throw new Error(`${this.node.path}: a statement allowing every action on every resource was added to the role of service account ` +
        `${this.serviceAccountNamespace}/${this.serviceAccountName}. Grant the actions and resources the workload needs ` +
        '(for example bucket.grantRead(serviceAccount)), or set allowAdministratorPermissions: true to accept it on purpose.');
    }
    // A customer managed policy of this role rather than an inline one: reviewable on its own,
    // and what NIST 800-53, HIPAA and PCI DSS packs ask for (IAMNoInlinePolicy).
    if (!this.policy) {
      this.policy = new iam.ManagedPolicy(this, 'Policy', {
        description: `Permissions of service account ${this.serviceAccountNamespace}/${this.serviceAccountName}`,
        roles: [this.role],
      });
    }
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  /** Same as addToPrincipalPolicy, for the older IPrincipal API. */
  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  private validate(props: ScopedServiceAccountProps, identity: ServiceAccountIdentity): void {
    const problems = new PropProblems();
    if (!Token.isUnresolved(props.namespace) && !isDns1123Label(props.namespace)) {
      problems.add('namespace', props.namespace, "A namespace is a DNS-1123 label: up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit.");
    }
    if (!Token.isUnresolved(props.name) && !isDns1123Subdomain(props.name)) {
      problems.add('name', props.name, "A service account name is a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', up to 253 characters.");
    }
    if (props.namespace === 'kube-system' && !props.allowKubeSystem) {
      problems.add('namespace', props.namespace,
        'kube-system holds the cluster\'s own components; a workload identity there is refused unless allowKubeSystem: true.');
    }
    if (props.name === 'default') {
      problems.add('name', props.name, 'Give workloads a service account of their own; the namespace\'s default service account is shared by every pod that names none.');
    }
    if (!Object.values(ServiceAccountIdentity).includes(identity)) {
      problems.add('identity', identity, 'Use ServiceAccountIdentity.IRSA or ServiceAccountIdentity.POD_IDENTITY.');
    }
    if (props.organizationId !== undefined) {
      if (identity !== ServiceAccountIdentity.POD_IDENTITY) {
        problems.add('organizationId', props.organizationId, 'organizationId applies to POD_IDENTITY trust only; IRSA trust is bound to the service account by its sub claim.');
      } else if (!Token.isUnresolved(props.organizationId) && !/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
        problems.add('organizationId', props.organizationId, "An AWS Organizations id looks like 'o-a1b2c3d4e5'.");
      }
    }
    problems.throwIfAny(this.node.path);
  }
}

/** Options of the ServiceAccount object. */
export interface ServiceAccountObjectOptions {
  readonly name: string;
  readonly namespace: string;
  readonly automountServiceAccountToken: boolean;
  readonly annotations?: Record<string, string>;
}

/** The Kubernetes ServiceAccount object. Pure. */
export function renderServiceAccount(options: ServiceAccountObjectOptions): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: { ...MANAGED_BY_LABEL },
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    automountServiceAccountToken: options.automountServiceAccountToken,
  };
}

/**
 * IRSA trust: the cluster's OIDC provider, `StringEquals` on the exact subject and audience. The
 * condition keys contain the issuer, known only at deploy time, hence CfnJson.
 */
function irsaPrincipal(scope: Construct, cluster: IHardenedCluster, namespace: string, name: string): iam.IPrincipal {
  const provider = cluster.openIdConnectProvider;
  const issuer = provider.openIdConnectProviderIssuer;
  const conditions = new CfnJson(scope, 'TrustConditions', {
    value: {
      [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${name}`,
      [`${issuer}:aud`]: 'sts.amazonaws.com',
    },
  });
  return new iam.OpenIdConnectPrincipal(provider, { StringEquals: conditions });
}

/**
 * Pod Identity trust: only this cluster's `<namespace>/<name>` service account (the session tags
 * EKS Pod Identity sets), and only from this account (and organization), so no other Pod Identity
 * association in the account can assume the role.
 */
export function podIdentityPrincipal(scope: Construct, clusterName: string, namespace: string, name: string,
  organizationId?: string): iam.IPrincipal {
  const conditions: Record<string, unknown> = {
    'aws:SourceAccount': Stack.of(scope).account,
    'aws:RequestTag/eks-cluster-name': clusterName,
    'aws:RequestTag/kubernetes-namespace': namespace,
    'aws:RequestTag/kubernetes-service-account': name,
  };
  if (organizationId !== undefined) { conditions['aws:SourceOrgId'] = organizationId; }
  return new iam.ServicePrincipal('pods.eks.amazonaws.com', { conditions: { StringEquals: conditions } }).withSessionTags();
}

/**
 * The EKS Pod Identity association `PodIdentityAssociation` in `scope` of `<namespace>/<name>` with
 * `role`, created once the cluster and its Pod Identity agent exist.
 */
export function createPodIdentityAssociation(scope: Construct, cluster: IHardenedCluster, namespace: string, name: string,
  role: iam.IRole): eks.CfnPodIdentityAssociation {
  const association = new eks.CfnPodIdentityAssociation(scope, 'PodIdentityAssociation', {
    clusterName: cluster.clusterName,
    namespace,
    serviceAccount: name,
    roleArn: role.roleArn,
  });
  association.node.addDependency(cluster.cluster);
  if (cluster.cluster.eksPodIdentityAgent) { association.node.addDependency(cluster.cluster.eksPodIdentityAgent); }
  return association;
}

/**
 * Whether a statement allows (nearly) every action on every resource: `*` or `*:*` actions, or
 * any `NotAction` (everything but a few), on `*` or any `NotResource`.
 */
export function allowsEverything(statement: iam.PolicyStatement): boolean {
  const json = statement.toStatementJson();
  if (json.Effect !== 'Allow') { return false; }
  const list = (value: unknown) => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
  const allActions = list(json.Action).some((a) => a === '*' || a === '*:*') || json.NotAction !== undefined;
  const allResources = list(json.Resource).some((r) => r === '*') || json.NotResource !== undefined;
  return allActions && allResources;
}
