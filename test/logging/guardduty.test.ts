import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { nagPacks } from '../../examples/basic';
import { GuardDutyDetector, GuardDutyEksProtection } from '../../lib';
import { fastApp } from '../fixtures';
import { HardenedEksTesting } from '../../lib/testing/hardened-eks-testing';

function protect(detector: GuardDutyDetector) {
  const app = fastApp();
  const stack = new Stack(app, 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
  const protection = new GuardDutyEksProtection(stack, 'GuardDuty', { detector });
  return { app, stack, protection, template: Template.fromStack(stack) };
}

const findings = (app: ReturnType<typeof fastApp>) => nagPacks()
  .flatMap((p) => HardenedEksTesting.nagViolations(p, app).flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)));

const EKS_FEATURES = [
  { Name: 'EKS_AUDIT_LOGS', Status: 'ENABLED' },
  { Name: 'RUNTIME_MONITORING', Status: 'ENABLED', AdditionalConfiguration: [{ Name: 'EKS_ADDON_MANAGEMENT', Status: 'ENABLED' }] },
];

describe('GuardDutyEksProtection', () => {
  test('a new detector with EKS audit log monitoring and runtime monitoring, the EKS agent managed by GuardDuty', () => {
    const { template, app } = protect(GuardDutyDetector.create());
    template.hasResourceProperties('AWS::GuardDuty::Detector', { Enable: true, Features: EKS_FEATURES });
    // Features and the legacy DataSources must not be mixed, and EKS_RUNTIME_MONITORING is superseded by RUNTIME_MONITORING.
    template.hasResourceProperties('AWS::GuardDuty::Detector', { DataSources: Match.absent() });
    // Retained: deleting the stack must not switch GuardDuty off for the account.
    template.hasResource('AWS::GuardDuty::Detector', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(findings(app)).toEqual([]);
  });

  test('an existing detector: UpdateDetector with the same features, allowed on that detector only, nothing on delete', () => {
    const { template, app, protection } = protect(GuardDutyDetector.existing('12abc34d567e8fa901bc2d34e56789f0'));
    template.resourceCountIs('AWS::GuardDuty::Detector', 0);
    expect(protection.detectorId).toBe('12abc34d567e8fa901bc2d34e56789f0');
    const [resource] = Object.values(template.findResources('Custom::AWS')) as any[];
    const call = JSON.parse(resource.Properties.Create);
    expect(call).toEqual({
      service: 'GuardDuty',
      action: 'UpdateDetector',
      parameters: { DetectorId: '12abc34d567e8fa901bc2d34e56789f0', Features: EKS_FEATURES },
      physicalResourceId: { id: 'guardduty-eks-protection-12abc34d567e8fa901bc2d34e56789f0' },
    });
    expect(JSON.parse(resource.Properties.Update)).toEqual(call);
    expect(resource.Properties.Delete).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({
        Action: 'guardduty:UpdateDetector',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':guardduty:eu-west-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0']] },
      })] },
    });
    expect(findings(app)).toEqual([]);
  });

  test('fails when the existing detector id is not one', () => {
    expect(() => protect(GuardDutyDetector.existing('arn:aws:guardduty:eu-west-1:1:detector/x')))
      .toThrow(/guardDuty: received "GuardDutyDetector.existing\(\\"arn:aws:guardduty.*list-detectors/);
  });
});
