import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { HardenedEksClusterProps } from './hardened-eks-cluster';
import { NetworkPolicyEnforcingMode } from './network-policy-mode';
import { IHardenedCluster } from '../core/hardened-cluster';
import { podIdentityPrincipal } from '../identity/scoped-service-account';

/** The managed add-ons of a cluster, and what its node groups must wait for. */
export interface ManagedAddons {
  /** The VPC CNI's own role (Pod Identity for kube-system/aws-node). */
  readonly vpcCniRole: iam.Role;
  /** CoreDNS, which waits for the first node group. */
  readonly coreDns: eks.Addon;
  /** The add-ons nodes need before they become Ready: Pod Identity agent, VPC CNI, kube-proxy. */
  readonly nodeGroupPrerequisites: Construct[];
}

/**
 * The cluster's managed add-ons: vpc-cni (NetworkPolicy enforcement on, strict unless chosen
 * otherwise, AWS permissions through Pod Identity), coredns, kube-proxy and the Pod Identity agent,
 * at EKS's default versions unless pinned. Created in the cluster construct's own scope (their construct ids are part of the
 * released logical ids).
 */
export function createManagedAddons(cluster: IHardenedCluster, props: HardenedEksClusterProps, networkPolicyMode: NetworkPolicyEnforcingMode): ManagedAddons {
  // aws-eks-v2 owns this add-on (service accounts with Pod Identity reuse it), so take it from
  // the cluster rather than creating a second one.
  const podIdentityAgent = cluster.cluster.eksPodIdentityAgent as eks.Addon;
  if (props.podIdentityAgentAddonVersion !== undefined) {
    (podIdentityAgent.node.defaultChild as eks.CfnAddon).addonVersion = props.podIdentityAgentAddonVersion;
  }
  // The VPC CNI's AWS permissions go to its own service account through Pod Identity, never to
  // the node role (EKS Best Practices), so a pod that reaches node credentials cannot use them.
  const vpcCniRole = new iam.Role(cluster, 'VpcCniRole', {
    description: `VPC CNI (kube-system/aws-node) of EKS cluster ${cluster.clusterName}, through EKS Pod Identity`,
    assumedBy: podIdentityPrincipal(cluster, cluster.clusterName, 'kube-system', 'aws-node'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKS_CNI_Policy')],
  });
  const vpcCni = new eks.Addon(cluster, 'VpcCniAddon', {
    cluster: cluster.cluster,
    addonName: 'vpc-cni',
    addonVersion: props.vpcCniAddonVersion,
    // Without enableNetworkPolicy the VPC CNI ignores NetworkPolicy objects (CIS EKS 4.3.2); in
    // strict mode a new pod has no network until the policies that select it are in place.
    configurationValues: {
      enableNetworkPolicy: 'true',
      env: { NETWORK_POLICY_ENFORCING_MODE: networkPolicyMode },
    },
  });
  (vpcCni.node.defaultChild as eks.CfnAddon).podIdentityAssociations = [{ serviceAccount: 'aws-node', roleArn: vpcCniRole.roleArn }];
  vpcCni.node.addDependency(podIdentityAgent);
  const coreDns = new eks.Addon(cluster, 'CoreDnsAddon', {
    cluster: cluster.cluster,
    addonName: 'coredns',
    addonVersion: props.coreDnsAddonVersion,
  });
  const kubeProxy = new eks.Addon(cluster, 'KubeProxyAddon', {
    cluster: cluster.cluster,
    addonName: 'kube-proxy',
    addonVersion: props.kubeProxyAddonVersion,
  });
  return { vpcCniRole, coreDns, nodeGroupPrerequisites: [podIdentityAgent, vpcCni, kubeProxy] };
}
