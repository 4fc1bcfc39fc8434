import { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { accessEntriesOnly } from './rules/access-entries-only';
import { accessEntryClusterAdmin } from './rules/access-entry-cluster-admin';
import { auditLogShipped } from './rules/audit-log-shipped';
import { bottlerocketUserData } from './rules/bottlerocket-user-data';
import { controlPlaneLogGroup } from './rules/control-plane-log-group';
import { controlPlaneLogTypes } from './rules/control-plane-log-types';
import { creatorAdminBootstrap } from './rules/creator-admin-bootstrap';
import { deletionProtection } from './rules/deletion-protection';
import { endpointPublicAccess } from './rules/endpoint-public-access';
import { endpointPublicUnrestricted } from './rules/endpoint-public-unrestricted';
import { isolatedClusterEndpoints } from './rules/isolated-cluster-endpoints';
import { karpenterNodeClass } from './rules/karpenter-node-class';
import { karpenterNodePool } from './rules/karpenter-node-pool';
import { manifestDefaultNamespace } from './rules/manifest-default-namespace';
import { manifestImages } from './rules/manifest-images';
import { manifestNamespacePodSecurity } from './rules/manifest-namespace-pod-security';
import { manifestPodSecurity } from './rules/manifest-pod-security';
import { manifestRbac } from './rules/manifest-rbac';
import { manifestScheduling } from './rules/manifest-scheduling';
import { manifestServiceAccountAutomount } from './rules/manifest-service-account-automount';
import { manifestStorageClass } from './rules/manifest-storage-class';
import { manifestUnreadable } from './rules/manifest-unreadable';
import { networkPolicyEnforcement } from './rules/network-policy-enforcement';
import { nodegroupBottlerocket } from './rules/nodegroup-bottlerocket';
import { nodegroupEncryptedVolumes } from './rules/nodegroup-encrypted-volumes';
import { nodegroupImdsv2 } from './rules/nodegroup-imdsv2';
import { nodegroupNoRemoteAccess } from './rules/nodegroup-no-remote-access';
import { HardenedEksRule, RuleOptions, withRunCache } from './rules/rule';
import { secretsEncryption } from './rules/secrets-encryption';
import { serviceAccountRoleAdmin } from './rules/service-account-role-admin';
import { serviceAccountTrust } from './rules/service-account-trust';

/** Every rule of the pack, in the order findings are reported. */
export const HARDENED_EKS_RULES: readonly HardenedEksRule[] = [
  endpointPublicAccess,
  endpointPublicUnrestricted,
  controlPlaneLogTypes,
  controlPlaneLogGroup,
  auditLogShipped,
  secretsEncryption,
  accessEntriesOnly,
  creatorAdminBootstrap,
  deletionProtection,
  networkPolicyEnforcement,
  isolatedClusterEndpoints,
  nodegroupBottlerocket,
  nodegroupImdsv2,
  nodegroupEncryptedVolumes,
  nodegroupNoRemoteAccess,
  bottlerocketUserData,
  serviceAccountTrust,
  serviceAccountRoleAdmin,
  accessEntryClusterAdmin,
  manifestUnreadable,
  manifestPodSecurity,
  manifestScheduling,
  manifestImages,
  manifestDefaultNamespace,
  manifestNamespacePodSecurity,
  manifestRbac,
  manifestServiceAccountAutomount,
  manifestStorageClass,
  karpenterNodeClass,
  karpenterNodePool,
];

/**
 * Properties of the HardenedEksChecks pack.
 */
export interface HardenedEksChecksProps extends NagPackProps {
  /**
   * Registry prefixes the images in the app's Kubernetes manifests may come from, for example
   * ['111122223333.dkr.ecr.eu-west-1.amazonaws.com', 'registry.example.com/platform'].
   *
   * @default - any private Amazon ECR registry
   */
  readonly allowedImageRegistries?: string[];
}

/**
 * A cdk-nag 3 pack for Amazon EKS clusters that CloudFormation creates natively
 * (`AWS::EKS::Cluster`, as aws-eks-v2 does) and their managed node groups (`AWS::EKS::Nodegroup`). cdk-nag's own EKS rules only recognise aws-eks (v1)
 * clusters and check nothing on aws-eks-v2.
 *
 * Findings are `HardenedEks-<rule>` (or `HardenedEks-<rule>[<detail>]` for granular rules). Rules
 * read the properties CloudFormation will receive, overrides included.
 *
 * @example
 * Validations.of(app).addPlugins(new HardenedEksChecks());
 */
export class HardenedEksChecks extends NagPack {
  public readonly name: string = 'HardenedEks';

  private readonly ruleOptions: RuleOptions;

  constructor(scope?: IConstruct, props?: HardenedEksChecksProps) {
    super(scope, props);
    this.packName = 'HardenedEks';
    this.ruleOptions = { allowedImageRegistries: props?.allowedImageRegistries };
  }

  /**
   * Validates a construct tree (see NagPack.validateScope), reading each resource and manifest
   * once per run.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return withRunCache(() => super.validateScope(scope));
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of HARDENED_EKS_RULES) {
      this.applyRule({
        ruleSuffixOverride: rule.id,
        info: rule.info,
        explanation: rule.explanation,
        level: rule.level,
        node,
        rule: (resource: CfnResource) => rule.check(resource, this.ruleOptions),
      });
    }
  }
}
