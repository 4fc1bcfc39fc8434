/**
 * Workload identities: two service accounts that may read one S3 prefix each, one through IRSA
 * and one through EKS Pod Identity, and namespace-scoped human access. Synthesize it with
 * `npx cdk synth --app "node -r ./scripts/register.js examples/identity.ts"`.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HardenedEksCluster, NamespaceAccessLevel, ScopedServiceAccount, ServiceAccountIdentity } from '../lib';
import { synthExample } from './basic';

/** Lets a service account read the objects under one prefix of a bucket, and list only that prefix. */
function allowReadPrefix(serviceAccount: ScopedServiceAccount, bucket: s3.IBucket, prefix: string): void {
  serviceAccount.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject'],
    resources: [bucket.arnForObjects(`${prefix}/*`)],
  }));
  serviceAccount.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [`${prefix}/*`] } },
  }));
  // One prefix of one bucket is as narrow as S3 object permissions get.
  Validations.of(serviceAccount).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket.bucketName}/${prefix}/*]`,
    reason: `Read access to the objects under ${prefix}/ only.`,
  });
}

export function defineIdentityExample(app: App): Stack {
  const stack = new Stack(app, 'HardenedEksIdentity');
  const cluster = new HardenedEksCluster(stack, 'Cluster', {
    clusterAdmins: [iam.Role.fromRoleName(stack, 'PlatformAdmins', 'platform-admins')],
    breakGlassAdminRole: iam.Role.fromRoleName(stack, 'BreakGlass', 'eks-break-glass'),
  });
  const reports = s3.Bucket.fromBucketName(stack, 'Reports', 'reports');

  // Default-deny egress: the workloads reach S3 (and, for IRSA, STS) over HTTPS. 0.0.0.0/0 never
  // includes the instance metadata address; narrow it with VPC endpoints' addresses where you have them.
  const https = [{ cidr: '0.0.0.0/0', ports: [443] }];
  cluster.addNamespace('team-a', { allowEgress: https });
  cluster.addNamespace('team-b', { allowEgress: https });

  const irsa = cluster.addServiceAccount('ReportReader', { namespace: 'team-a', name: 'report-reader' });
  allowReadPrefix(irsa, reports, 'team-a');

  const podIdentity = cluster.addServiceAccount('ArchiveReader', {
    namespace: 'team-b', name: 'archive-reader', identity: ServiceAccountIdentity.POD_IDENTITY,
  });
  allowReadPrefix(podIdentity, reports, 'team-b');

  const developers = iam.Role.fromRoleName(stack, 'Developers', 'team-a-developers');
  cluster.grantNamespaceAccess('TeamADevelopers', developers, 'team-a', NamespaceAccessLevel.EDIT);
  return stack;
}

if (require.main === module) {
  synthExample(defineIdentityExample);
}
