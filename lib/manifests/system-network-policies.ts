import { awsApiClientEgress, DNS_PORTS, networkPolicy } from './namespace-objects';
import { formatIpv4, parseIpv4Cidr } from '../private/cidr';

/**
 * The NetworkPolicies kube-system needs once the VPC CNI enforces network policy in strict mode,
 * as plain Kubernetes objects.
 *
 * In strict mode a pod that no NetworkPolicy selects has no network at all (host-network pods
 * excepted: aws-node, kube-proxy and the Pod Identity agent run on the host's network), so the
 * managed add-ons whose pods use the pod network each get a policy that names what they reach:
 *
 * - CoreDNS (`k8s-app=kube-dns`): DNS in from any pod; out to the VPC resolver and to the API
 *   server.
 * - The EBS CSI controller (`app=ebs-csi-controller`): out to AWS APIs on 443 (EC2, through NAT or
 *   an endpoint), to the Pod Identity agent for its credentials, and to CoreDNS.
 * - The EBS CSI node plugin (`app=ebs-csi-node`): out to the API server only (it reads its node's
 *   metadata there; the instance metadata service is out of reach of pods).
 *
 * Kubelet probes need no rule: the CNI's policy agent always admits traffic from the pod's own
 * node. Traffic to a Service is matched before kube-proxy translates it, so the API server is
 * reached at the `kubernetes` Service's address, which is the first address of the service range;
 * EKS picks that range from `10.100.0.0/16` and `172.20.0.0/16` when the cluster does not name one,
 * so both first addresses are allowed (each is a VPC router address when it falls into the VPC, so
 * the other one opens nothing).
 */

/** The `kubernetes` Service's address in each service range EKS may choose. */
export const KUBERNETES_SERVICE_ADDRESSES = ['10.100.0.1/32', '172.20.0.1/32'] as const;

/** The Route 53 Resolver's link-local address, reachable from every instance. */
export const LINK_LOCAL_RESOLVER = '169.254.169.253/32';

/** Names of the policies, fixed whatever the options (updates converge without pruning). */
export const SYSTEM_NETWORK_POLICY_NAMES = {
  coreDns: 'cdk-hardened-eks-coredns',
  ebsCsiController: 'cdk-hardened-eks-ebs-csi-controller',
  ebsCsiNode: 'cdk-hardened-eks-ebs-csi-node',
} as const;

export interface SystemNetworkPolicyOptions {
  /** Where CoreDNS forwards queries: the VPC resolver, as CIDRs. */
  readonly dnsResolverCidrs: string[];
  /** Whether the EBS CSI driver runs in the cluster. */
  readonly ebsCsiDriver: boolean;
}

const HTTPS = [{ protocol: 'TCP', port: 443 }];
const API_SERVER = { to: KUBERNETES_SERVICE_ADDRESSES.map((cidr) => ({ ipBlock: { cidr } })), ports: HTTPS };

/** The kube-system NetworkPolicies for the given add-ons. */
export function renderSystemNetworkPolicies(options: SystemNetworkPolicyOptions): Record<string, unknown>[] {
  const policies = [
    policy(SYSTEM_NETWORK_POLICY_NAMES.coreDns, { 'k8s-app': 'kube-dns' }, {
      ingress: [{ from: [{ namespaceSelector: {} }], ports: DNS_PORTS }],
      egress: [
        { to: options.dnsResolverCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: DNS_PORTS },
        API_SERVER,
      ],
    }),
  ];
  if (options.ebsCsiDriver) {
    policies.push(
      policy(SYSTEM_NETWORK_POLICY_NAMES.ebsCsiController, { app: 'ebs-csi-controller' }, {
        ingress: [],
        egress: awsApiClientEgress(),
      }),
      policy(SYSTEM_NETWORK_POLICY_NAMES.ebsCsiNode, { app: 'ebs-csi-node' }, {
        ingress: [],
        egress: [API_SERVER],
      }),
    );
  }
  return policies;
}

/** A kube-system policy for both directions: what the rules do not name is denied. */
function policy(name: string, matchLabels: Record<string, string>, rules: { ingress: unknown[]; egress: unknown[] }): Record<string, unknown> {
  return networkPolicy('kube-system', name, {
    podSelector: { matchLabels },
    policyTypes: ['Ingress', 'Egress'],
    ...(rules.ingress.length > 0 ? { ingress: rules.ingress } : {}),
    egress: rules.egress,
  });
}

/**
 * Where CoreDNS forwards in a VPC: the Amazon DNS server (the primary CIDR's base plus two) and
 * the link-local resolver. A CIDR known only at deploy time gives the whole range instead.
 */
export function vpcResolverCidrs(vpcCidr: string): string[] {
  const parsed = parseIpv4Cidr(vpcCidr);
  if (!parsed) { return [vpcCidr, LINK_LOCAL_RESOLVER]; }
  return [`${formatIpv4(parsed.network + 2)}/32`, LINK_LOCAL_RESOLVER];
}
