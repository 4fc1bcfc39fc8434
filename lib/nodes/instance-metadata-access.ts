/**
 * Who can reach the EC2 instance metadata service (IMDS) of a node, and so the node role's
 * credentials.
 *
 * IMDSv2 (session tokens) is always required. The hop limit decides whether a token can be
 * fetched from inside a pod: with a limit of 1 the token's response dies at the node's network
 * namespace boundary, so pods cannot reach node credentials (EKS Best Practices: restrict access
 * to the instance profile assigned to the worker node).
 */
export class InstanceMetadataAccess {
  /**
   * Only processes in the node's own network namespace (the kubelet, host-network pods). Hop limit 1.
   * The default.
   */
  public static readonly NODE_ONLY = new InstanceMetadataAccess(1);

  /**
   * Pods on the pod network can reach IMDS too, through `hopLimit` network hops (2 is enough for
   * pods). A weakening: any pod can then use the node role's credentials. Leaves the warning
   * `cdk-hardened-eks:imdsReachableFromPods`. Give pods their own identity (IRSA or Pod
   * Identity) instead where you can.
   *
   * @param hopLimit the PUT response hop limit, 2 to 64
   */
  public static reachableFromPods(hopLimit: number): InstanceMetadataAccess {
    return new InstanceMetadataAccess(hopLimit);
  }

  /** The IMDS PUT response hop limit. */
  public readonly hopLimit: number;

  private constructor(hopLimit: number) {
    this.hopLimit = hopLimit;
  }
}
