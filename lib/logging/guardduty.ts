import { ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { applyAcknowledgements, awsCustomResourceAcknowledgements } from '../nag/acknowledgements';
import { PropProblems } from '../private/errors';

/**
 * The GuardDuty detector that EKS Protection is turned on for. A detector is per account and
 * region: there can be only one, so an account that has one must name it.
 */
export class GuardDutyDetector {
  /** Create the account's detector in this stack (fails at deploy time if one already exists). */
  public static create(): GuardDutyDetector {
    return new GuardDutyDetector(undefined);
  }

  /**
   * Turn the EKS features on for the account's existing detector (`aws guardduty list-detectors`).
   * A custom resource calls `UpdateDetector` at deploy time; deleting the stack leaves the features on.
   * In an AWS Organization whose delegated GuardDuty administrator manages member accounts, enable
   * the features there instead: member accounts cannot change them.
   */
  public static existing(detectorId: string): GuardDutyDetector {
    return new GuardDutyDetector(detectorId);
  }

  /** The existing detector's id; undefined when the stack creates the detector. */
  public readonly detectorId?: string;

  private constructor(detectorId: string | undefined) {
    this.detectorId = detectorId;
  }
}

/**
 * Props of GuardDutyEksProtection.
 */
export interface GuardDutyEksProtectionProps {
  /** The detector to configure. */
  readonly detector: GuardDutyDetector;
}

/** The detector features EKS Protection consists of. */
export const GUARDDUTY_EKS_FEATURES = [
  { Name: 'EKS_AUDIT_LOGS', Status: 'ENABLED' },
  {
    Name: 'RUNTIME_MONITORING',
    Status: 'ENABLED',
    AdditionalConfiguration: [{ Name: 'EKS_ADDON_MANAGEMENT', Status: 'ENABLED' }],
  },
] as const;

/**
 * GuardDuty EKS Protection: EKS audit log monitoring (GuardDuty reads the cluster's audit log on
 * its own, no log shipping needed) and Runtime Monitoring with the EKS add-on managed by GuardDuty
 * (GuardDuty installs the `aws-guardduty-agent` add-on and a VPC endpoint for it in the cluster's
 * VPC). The features apply to every EKS cluster of the account and region, not only this one.
 */
export class GuardDutyEksProtection extends Construct {
  /** The detector's id (a token when the stack creates the detector). */
  public readonly detectorId: string;

  constructor(scope: Construct, id: string, props: GuardDutyEksProtectionProps) {
    super(scope, id);
    const existing = props.detector.detectorId;
    if (existing === undefined) {
      const detector = new guardduty.CfnDetector(this, 'Detector', {
        enable: true,
        features: GUARDDUTY_EKS_FEATURES.map((f) => ({
          name: f.Name,
          status: f.Status,
          additionalConfiguration: 'AdditionalConfiguration' in f
            ? f.AdditionalConfiguration.map((c) => ({ name: c.Name, status: c.Status }))
            : undefined,
        })),
      });
      // Deleting the stack must not switch threat detection off for the whole account and region
      // (and delete its findings).
      detector.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.detectorId = detector.ref;
      return;
    }

    const problems = new PropProblems();
    if (!Token.isUnresolved(existing) && !/^[a-z0-9]{1,300}$/.test(existing)) {
      problems.add('guardDuty', `GuardDutyDetector.existing(${JSON.stringify(existing)})`,
        'A GuardDuty detector id is lowercase letters and digits (32 of them), as `aws guardduty list-detectors` prints it.');
    }
    problems.throwIfAny(this.node.path);

    this.detectorId = existing;
    const detectorArn = Stack.of(this).formatArn({
      service: 'guardduty', resource: 'detector', resourceName: existing, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const call: cr.AwsSdkCall = {
      service: 'GuardDuty',
      action: 'UpdateDetector',
      parameters: { DetectorId: existing, Features: GUARDDUTY_EKS_FEATURES },
      physicalResourceId: cr.PhysicalResourceId.of(`guardduty-eks-protection-${existing}`),
    };
    const enable = new cr.AwsCustomResource(this, 'EnableEksFeatures', {
      onCreate: call,
      onUpdate: call,
      // Deleting the stack leaves the features on: turning off threat detection is not a cleanup.
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
        actions: ['guardduty:UpdateDetector'],
        resources: [detectorArn],
      })]),
      installLatestAwsSdk: false,
    });
    applyAcknowledgements(awsCustomResourceAcknowledgements(enable));
  }
}
