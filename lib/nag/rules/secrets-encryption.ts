import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { deployedProperties, HardenedEksRule, isEksCluster } from './rule';

/**
 * Kubernetes Secrets are not envelope-encrypted with a KMS key.
 */
export const secretsEncryption: HardenedEksRule = {
  id: 'SecretsEncryption',
  level: NagMessageLevel.ERROR,
  info: 'The EKS cluster does not envelope-encrypt Kubernetes Secrets with a KMS key.',
  explanation: 'CIS Amazon EKS Benchmark 5.3.1 asks to encrypt Kubernetes Secrets with customer managed keys in AWS KMS: ' +
    'anyone who reads etcd, or a backup of it, reads the secrets otherwise. Set an EncryptionConfig with a customer managed key ARN.',
  check(node: CfnResource): NagRuleResult {
    if (!isEksCluster(node)) { return NagRuleCompliance.NOT_APPLICABLE; }
    const configs: unknown[] = deployedProperties(node).EncryptionConfig ?? [];
    // `Resources` is deprecated in the CloudFormation schema (EKS now envelope-encrypts all
    // Kubernetes API data with the key); when it is still given it must cover secrets.
    const encrypted = configs.some((config: any) => config?.Provider?.KeyArn !== undefined &&
      (config.Resources === undefined || (Array.isArray(config.Resources) && config.Resources.includes('secrets'))));
    return encrypted ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
