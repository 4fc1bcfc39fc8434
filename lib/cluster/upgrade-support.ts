/**
 * Which EKS support period the cluster's upgrade policy allows.
 */
export enum UpgradeSupportType {
  /**
   * Standard support only: when the Kubernetes version leaves standard support, EKS upgrades the
   * control plane instead of moving the cluster into paid extended support. The default.
   */
  STANDARD = 'STANDARD',
  /**
   * Extended support: the cluster may stay on a version past standard support, for an extra
   * hourly fee. Leaves the warning `cdk-hardened-eks:extendedSupport`.
   */
  EXTENDED = 'EXTENDED',
}
