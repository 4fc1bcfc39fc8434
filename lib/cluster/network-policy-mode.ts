/**
 * When the VPC CNI starts enforcing NetworkPolicies on a new pod (its
 * `NETWORK_POLICY_ENFORCING_MODE`).
 */
export enum NetworkPolicyEnforcingMode {
  /**
   * A new pod starts with all traffic denied until the policies that select it are in place; a pod
   * that no NetworkPolicy selects has no network (host-network pods excepted). The library adds
   * the kube-system policies its managed add-ons need. The default.
   */
  STRICT = 'strict',
  /**
   * A new pod starts with all traffic allowed until the CNI's agent has applied the policies that
   * select it, which can take a moment: a process started early (an init container) can reach
   * anything in that window. Pods no policy selects are open. Leaves the warning
   * `cdk-hardened-eks:standardNetworkPolicyMode`.
   */
  STANDARD = 'standard',
}
