import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { HardenedEksRule, list } from './rule';
import { podTrustStatements, readConditionBlock } from './service-account-roles';

const WILDCARD = /[*?]/;

/**
 * A role that pods assume with a trust policy broader than one service account.
 *
 * IRSA (web identity through the cluster's OIDC provider): `Trust::StringLike` (any StringLike or
 * ForAnyValue operator), `Trust::NoSubject` / `Trust::NoAudience` (no `StringEquals` on
 * `<issuer>:sub` / `<issuer>:aud`), `Trust::Wildcard` (a `*` or `?` in a value),
 * `Trust::Unreadable` (conditions the rule could not read). EKS Pod Identity:
 * `Trust::NoSourceCondition` (no `aws:SourceAccount` or `aws:SourceOrgId`),
 * `Trust::NoServiceAccountTags` (no `StringEquals` on the `aws:RequestTag/kubernetes-namespace` and
 * `kubernetes-service-account` session tags: any Pod Identity association in the account could
 * assume the role), and `Trust::StringLike` / `Trust::Wildcard` as for IRSA.
 */
export const serviceAccountTrust: HardenedEksRule = {
  id: 'ServiceAccountTrust',
  level: NagMessageLevel.ERROR,
  info: 'A role for Kubernetes pods can be assumed by more than the one service account it is meant for.',
  explanation: 'CIS Amazon EKS Benchmark 5.2.1 (dedicated service accounts) and the EKS Best Practices Guide (IRSA: scope the role trust ' +
    'policy to the service account name) ask that only one service account can assume a pod role: StringEquals on both the sub ' +
    '(system:serviceaccount:<namespace>:<name>) and aud (sts.amazonaws.com) claims, never StringLike or wildcards. ' +
    'Pod Identity trust should require the kubernetes-namespace and kubernetes-service-account session tags (StringEquals) and ' +
    'aws:SourceAccount (or aws:SourceOrgId) against confused-deputy use.',
  check(node: CfnResource): NagRuleResult {
    const trusts = podTrustStatements(node);
    if (trusts.length === 0) { return NagRuleCompliance.NOT_APPLICABLE; }
    const findings = new Set<string>();
    for (const { kind, statement } of trusts) {
      const condition = statement.Condition ?? {};
      if (kind === 'pod-identity') {
        const equals = readConditionBlock(node, condition.StringEquals) ?? {};
        if (equals['aws:SourceAccount'] === undefined && equals['aws:SourceOrgId'] === undefined) { findings.add('Trust::NoSourceCondition'); }
        for (const tag of ['kubernetes-namespace', 'kubernetes-service-account']) {
          const value = equals[`aws:RequestTag/${tag}`];
          if (value === undefined) {
            findings.add('Trust::NoServiceAccountTags');
          } else if (list(value).some((v) => typeof v !== 'string' || WILDCARD.test(v))) {
            findings.add('Trust::Wildcard');
          }
        }
        if (Object.keys(condition).some((op) => /StringLike|ForAnyValue/.test(op))) { findings.add('Trust::StringLike'); }
        continue;
      }
      if (Object.keys(condition).some((op) => /StringLike|ForAnyValue/.test(op))) { findings.add('Trust::StringLike'); }
      const equals = readConditionBlock(node, condition.StringEquals);
      if (condition.StringEquals !== undefined && equals === undefined) {
        findings.add('Trust::Unreadable');
        continue;
      }
      const keys = Object.keys(equals ?? {});
      const sub = keys.filter((k) => k.endsWith(':sub'));
      const aud = keys.filter((k) => k.endsWith(':aud'));
      if (sub.length === 0) { findings.add('Trust::NoSubject'); }
      if (aud.length === 0) { findings.add('Trust::NoAudience'); }
      for (const key of [...sub, ...aud]) {
        if (list(equals![key]).some((v) => typeof v !== 'string' || WILDCARD.test(v))) { findings.add('Trust::Wildcard'); }
      }
      if (aud.some((key) => list(equals![key]).some((v) => v !== 'sts.amazonaws.com'))) { findings.add('Trust::Wildcard'); }
    }
    return findings.size === 0 ? NagRuleCompliance.COMPLIANT : [...findings];
  },
};
