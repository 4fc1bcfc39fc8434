/**
 * Who can reach the cluster's Kubernetes API endpoint.
 *
 * The endpoint is private by default: reachable only from inside the VPC (and networks routed to
 * it). Public access is an explicit choice that must name the CIDR ranges allowed in; it always
 * leaves a warning in the synth.
 */
export class ClusterEndpointAccess {
  /**
   * Only from inside the VPC. No public endpoint. The default.
   */
  public static readonly PRIVATE = new ClusterEndpointAccess([]);

  /**
   * The private endpoint plus a public endpoint reachable only from the given CIDR ranges.
   *
   * At least one CIDR is required, and `0.0.0.0/0` or `::/0` (or any `/0`) is rejected: an
   * unrestricted public Kubernetes API is never accepted. Choosing this leaves the warning
   * `cdk-hardened-eks:publicEndpoint` in every synth.
   *
   * @param cidrs the CIDR ranges allowed to reach the public endpoint, for example a VPN egress range
   */
  public static publicAndPrivate(cidrs: string[]): ClusterEndpointAccess {
    return new ClusterEndpointAccess([...cidrs]);
  }

  /**
   * The CIDR ranges allowed to reach the public endpoint; empty when the endpoint is private.
   */
  public readonly publicCidrs: string[];

  private constructor(publicCidrs: string[]) {
    this.publicCidrs = publicCidrs;
  }

  /**
   * Whether this choice opens a public endpoint.
   */
  public get isPublic(): boolean {
    return this !== ClusterEndpointAccess.PRIVATE;
  }
}
