import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { autoScalingServiceLinkedRoleArn } from '../nodes/hardened-node-group';
import { createLibraryKey } from '../private/key-policy';

/**
 * The customer managed key that encrypts the EBS volumes of every node group of a cluster, with
 * id `NodeVolumeKey` in `scope`: rotation on, retained. Its key policy lets the account's Auto
 * Scaling service-linked role (which launches managed nodes) use it.
 */
export function createNodeVolumeKey(scope: Construct, clusterName: string): kms.Key {
  const key = createLibraryKey(scope, 'NodeVolumeKey', `Encrypts the EBS volumes of the nodes of EKS cluster ${clusterName}`);
  // Any principal, narrowed to exactly the service-linked role of this account: a key policy
  // naming the role directly fails to create in accounts where the role does not exist yet.
  const autoScaling = new iam.AnyPrincipal().withConditions({
    ArnEquals: { 'aws:PrincipalArn': autoScalingServiceLinkedRoleArn(scope) },
    StringEquals: { 'kms:CallerAccount': Stack.of(scope).account },
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAutoScalingToUseTheKeyForNodeVolumes',
    principals: [autoScaling],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    resources: ['*'],
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAutoScalingToGrantTheKeyToEbs',
    principals: [autoScaling],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  }));
  return key;
}
