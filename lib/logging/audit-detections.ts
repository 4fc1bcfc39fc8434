import { Annotations, ArnFormat, Aws, Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  admissionDenialPattern, anonymousRequestPattern, clusterAdminBindingPattern, clusterRbacChangePattern, controllerAccountPodPattern, credentialMintingPattern,
  DEFAULT_SECRET_READERS, execIntoPodPattern, forbiddenByPrincipalRule, guardRailChangePattern, MAX_FILTER_PATTERN_LENGTH, roleSessions,
  roleUsePattern, secretReadPattern,
} from './audit-patterns';
import { checkDetectionSettings } from './audit-validation';
import { EvidenceResources, rulesPattern, tamperingPatterns } from './evidence-tampering';
import { AUDIT_EVENTS_PATTERN, WARNINGS } from '../private/defaults';
import { PropProblems } from '../private/errors';
import { createLibraryKey } from '../private/key-policy';

/**
 * Threshold, period and on/off switch of one detection.
 */
export interface AuditDetectionSettings {
  /**
   * Create this detection. Turning one off leaves the warning `cdk-hardened-eks:auditDetectionOff`.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Matching audit events within one period that raise the alarm (at least 1). For
   * `auditEventsStopped`, the alarm fires when fewer events than this arrive.
   *
   * @default - per detection: 20 for forbiddenBursts (per principal), 1 for the others
   */
  readonly threshold?: number;

  /**
   * The period the events are counted over, in whole minutes (period × evaluationPeriods at most
   * 24 hours).
   *
   * @default - Duration.minutes(1) for breakGlassUse, Duration.minutes(5) for the others
   */
  readonly period?: Duration;

  /**
   * Consecutive periods over the threshold before the alarm fires.
   *
   * @default - 3 for auditEventsStopped, 1 for the others
   */
  readonly evaluationPeriods?: number;
}

/**
 * Which detections run on the audit log, and how sensitive each is.
 */
export interface AuditDetectionsOptions {
  /**
   * A shell or tunnel into a workload: `exec`, `attach`, `portforward` or an ephemeral (debug)
   * container on a pod, the API server's proxy to a node, pod or Service, or a pod created with an
   * interactive container. @default - on, threshold 1
   */
  readonly execIntoPod?: AuditDetectionSettings;
  /** Requests as `system:anonymous`, from the `system:unauthenticated` group, or refused with 401, except the allowed health probes. @default - on, threshold 1 */
  readonly anonymousRequests?: AuditDetectionSettings;
  /** Bursts of 403 Forbidden from one principal (Contributor Insights, per principal). @default - on, threshold 20 per 5 minutes */
  readonly forbiddenBursts?: AuditDetectionSettings;
  /** Bindings created or changed to grant `cluster-admin` or name `system:masters`. @default - on, threshold 1 */
  readonly clusterAdminBindings?: AuditDetectionSettings;
  /** `get`/`list`/`watch`/`update`/`patch`/`delete`/`deletecollection` of Secrets (each returns their contents) by a principal outside `secretReaders`. @default - on, threshold 1 */
  readonly secretReads?: AuditDetectionSettings;
  /** ClusterRoles or ClusterRoleBindings, or Roles or RoleBindings in kube-system, written or deleted by anyone but the control plane, EKS's add-on manager and the manifest applier. @default - on, threshold 1 */
  readonly clusterRbacChanges?: AuditDetectionSettings;
  /** Impersonation, CertificateSigningRequest approvals, and tokens minted for kube-system service accounts, outside the controllers that do so. @default - on, threshold 1 */
  readonly credentialMinting?: AuditDetectionSettings;
  /** Admission policies, their bindings or admission webhooks written or deleted, Namespace labels changed, NetworkPolicies, Karpenter NodePools or EC2NodeClasses written or deleted (the manifest applier, and Karpenter for its own kinds, excepted). @default - on, threshold 1 */
  readonly guardRailChanges?: AuditDetectionSettings;
  /** A pod in kube-system running as one of kube-controller-manager's service accounts (which other detections leave out by name). @default - on, threshold 1 */
  readonly controllerAccountPods?: AuditDetectionSettings;
  /** Requests denied by the library's admission policy or by Pod Security Admission. @default - on, threshold 1 */
  readonly admissionDenials?: AuditDetectionSettings;
  /** Any request made with the break-glass admin role; only valid with a break-glass role. @default - on when there is a role, threshold 1, 1-minute period */
  readonly breakGlassUse?: AuditDetectionSettings;
  /**
   * Fewer than `threshold` events reach the control-plane log group in each of `evaluationPeriods`
   * periods (missing data counts as breaching): control-plane logging was turned off or broke.
   * @default - on, fewer than 1 event in each of 3 periods of 5 minutes
   */
  readonly auditEventsStopped?: AuditDetectionSettings;
  /**
   * CloudTrail records of API calls that switch off or destroy the evidence, or open a way around
   * it (log groups, their filters and retention, the cluster's logging, access entries, add-ons
   * and identity providers, the archive buckets, the keys, the delivery stream and its role, the
   * alarms, the topic and its subscriptions, the kubectl provider's functions and role, trails,
   * and these rules themselves), matched by EventBridge rules. Needs a CloudTrail trail recording
   * management events in the account. Only `enabled` applies.
   * @default - on
   */
  readonly evidenceTampering?: AuditDetectionSettings;

  /**
   * Usernames allowed to read Secrets without an alarm: exact names, or prefixes ending in `*`.
   * Replaces the default list; start from `AuditDetections.DEFAULT_SECRET_READERS` to extend it.
   * The whole pattern must fit CloudWatch's 1024 characters (the default list uses about half).
   *
   * @default AuditDetections.DEFAULT_SECRET_READERS (kube-controller-manager and four of its controllers' service accounts, API server, kubelets, EKS components)
   */
  readonly secretReaders?: string[];

  /**
   * Topic the alarms notify. Subscriptions (email, chat, an incident tool) are yours to add.
   *
   * @default - a new topic encrypted with its own customer managed key, TLS-only
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Props of AuditDetections.
 */
export interface AuditDetectionsProps extends AuditDetectionsOptions {
  /** The control-plane log group holding the audit events. */
  readonly logGroup: logs.ILogGroup;
  /** The cluster's name, used in metric namespaces and alarm names. */
  readonly clusterName: string;
  /**
   * The break-glass admin role, whose use raises an alarm.
   *
   * @default - no break-glass detection
   */
  readonly breakGlassRole?: iam.IRole;

  /**
   * The role that applies the stack's Kubernetes manifests (HardenedEksCluster passes its kubectl
   * handler's): its sessions are left out of `secretReads` (every verb: it lists Secrets when
   * pruning), `clusterRbacChanges` and `guardRailChanges` (admission policies, Namespaces,
   * NetworkPolicies, Karpenter's NodePools and EC2NodeClasses). Named exactly, by its role sessions.
   *
   * @default - none: such changes by any principal raise the alarms
   */
  readonly manifestApplierRole?: iam.IRole;
}

/** What one detection looks for, for documentation and the report. */
interface DetectionSpec {
  readonly key: keyof Omit<AuditDetectionsOptions, 'secretReaders' | 'alarmTopic'>;
  readonly id: string;
  readonly alarmSuffix: string;
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods?: number;
  readonly describe: string;
}

const DETECTIONS: readonly DetectionSpec[] = [
  { key: 'execIntoPod', id: 'ExecIntoPod', alarmSuffix: 'exec-into-pod', threshold: 1, period: Duration.minutes(5), describe: 'Someone opened a shell, attached, port-forwarded or added a debug container to a pod, went through the API server\'s proxy to a node, pod or Service, or created an interactive pod.' },
  { key: 'anonymousRequests', id: 'AnonymousRequests', alarmSuffix: 'anonymous-requests', threshold: 1, period: Duration.minutes(5), describe: 'The API server saw a request as system:anonymous or system:unauthenticated, or refused one for lack of credentials (401), beyond the allowed health probes.' },
  { key: 'forbiddenBursts', id: 'ForbiddenBursts', alarmSuffix: 'forbidden-bursts', threshold: 20, period: Duration.minutes(5), describe: 'One principal received many 403 Forbidden responses: someone probing what a stolen credential may do.' },
  { key: 'clusterAdminBindings', id: 'ClusterAdminBindings', alarmSuffix: 'cluster-admin-bindings', threshold: 1, period: Duration.minutes(5), describe: 'A (Cluster)RoleBinding was created or changed to grant cluster-admin or name system:masters.' },
  { key: 'secretReads', id: 'SecretReads', alarmSuffix: 'secret-reads', threshold: 1, period: Duration.minutes(5), describe: 'A principal outside the allow-list read, listed, watched, updated, patched or deleted Secrets (the responses carry their contents).' },
  { key: 'clusterRbacChanges', id: 'ClusterRbacChanges', alarmSuffix: 'cluster-rbac-changes', threshold: 1, period: Duration.minutes(5), describe: 'A ClusterRole or ClusterRoleBinding, or a Role or RoleBinding in kube-system, was written or deleted by someone other than the control plane, EKS\'s add-on manager or the manifest applier: a new or widened cluster-wide permission.' },
  { key: 'credentialMinting', id: 'CredentialMinting', alarmSuffix: 'credential-minting', threshold: 1, period: Duration.minutes(5), describe: 'Someone impersonated another identity, approved a certificate signing request, or minted a token for a kube-system service account.' },
  { key: 'guardRailChanges', id: 'GuardRailChanges', alarmSuffix: 'guard-rail-changes', threshold: 1, period: Duration.minutes(5), describe: 'An admission policy, its binding or an admission webhook was written or deleted, a Namespace\'s labels changed, or a NetworkPolicy, Karpenter NodePool or EC2NodeClass was written or deleted, by someone other than the manifest applier.' },
  { key: 'controllerAccountPods', id: 'ControllerAccountPods', alarmSuffix: 'controller-account-pods', threshold: 1, period: Duration.minutes(5), describe: 'A pod in kube-system was created to run as one of kube-controller-manager\'s service accounts: it would act unseen as that controller.' },
  { key: 'admissionDenials', id: 'AdmissionDenials', alarmSuffix: 'admission-denials', threshold: 1, period: Duration.minutes(5), describe: 'The library\'s admission policy or Pod Security Admission denied a request: a workload tried something forbidden.' },
  { key: 'breakGlassUse', id: 'BreakGlassUse', alarmSuffix: 'break-glass-use', threshold: 1, period: Duration.minutes(1), describe: 'The break-glass admin role made a request to the cluster.' },
  { key: 'auditEventsStopped', id: 'AuditEventsStopped', alarmSuffix: 'events-stopped', threshold: 1, period: Duration.minutes(5), evaluationPeriods: 3, describe: 'Too few events reach the control-plane log group: control-plane logging was turned off, or the log group broke. A running cluster logs all the time.' },
];

/** Detections that are not a metric alarm; their settings allow only `enabled`. */
const ENABLE_ONLY: ReadonlyArray<keyof AuditDetectionsOptions> = ['evidenceTampering'];

/**
 * Alarms on the Kubernetes audit events attackers leave: metric filters on the control-plane log
 * group (and one Contributor Insights rule, for 403 bursts per principal), each with an alarm that
 * notifies one SNS topic; an alarm when audit events stop arriving; and, through `watchEvidence`,
 * EventBridge rules on CloudTrail records of API calls that switch off or destroy the evidence.
 *
 * The default topic is encrypted with its own customer managed key, which CloudWatch may use only
 * for this account's alarms (and EventBridge to publish), and refuses publishing without TLS.
 * Detections act on the log group in CloudWatch Logs, within minutes, whether or not the events
 * are also shipped elsewhere.
 */
export class AuditDetections extends Construct {
  /** The usernames allowed to read Secrets when `secretReaders` is not set. */
  public static readonly DEFAULT_SECRET_READERS: string[] = [...DEFAULT_SECRET_READERS];

  /** The topic every alarm notifies. */
  public readonly alarmTopic: sns.ITopic;

  /** The key of the topic, when the construct created the topic. */
  public readonly topicKey?: kms.IKey;

  /** The alarms, by detection name (`execIntoPod`, `secretReads`, ...); only enabled detections. */
  public readonly alarms: { [detection: string]: cloudwatch.Alarm } = {};

  /** The detections turned off on purpose. */
  public readonly disabled: string[] = [];

  /** The EventBridge rules watching for tampering with the evidence (see `watchEvidence`). */
  public readonly tamperingRules: events.Rule[] = [];

  private readonly watchTampering: boolean;
  private readonly applierSessions?: string;
  private readonly insightRuleNames: string[] = [];

  constructor(scope: Construct, id: string, props: AuditDetectionsProps) {
    super(scope, id);
    const problems = new PropProblems();
    checkAuditDetectionsOptions(problems, '', props, props.breakGlassRole !== undefined, props.manifestApplierRole !== undefined);
    const applierSessions = props.manifestApplierRole
      ? roleSessions(Aws.PARTITION, props.manifestApplierRole.env.account, props.manifestApplierRole.roleName) : undefined;
    this.applierSessions = applierSessions;
    const secretPattern = secretReadPattern([...(props.secretReaders ?? DEFAULT_SECRET_READERS), ...(applierSessions ? [applierSessions] : [])]);
    problems.throwIfAny(this.node.path);

    const stack = Stack.of(this);
    if (props.alarmTopic) {
      this.alarmTopic = props.alarmTopic;
    } else {
      const key = createLibraryKey(this, 'AlarmTopicKey', `Encrypts the audit alarm topic of EKS cluster ${props.clusterName}`);
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccountPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }));
      // EventBridge does not pass aws:SourceAccount or aws:SourceArn to KMS when it publishes to an
      // encrypted topic (SNS developer guide); the topic policy below is what scopes it.
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'EventBridgePublishes',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }));
      const topic = new sns.Topic(this, 'AlarmTopic', {
        displayName: `Audit alarms of EKS cluster ${props.clusterName}`,
        masterKey: key,
        enforceSSL: true,
      });
      topic.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccountOnly',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }));
      this.topicKey = key;
      this.alarmTopic = topic;
    }
    // On your own topic too (a no-op for an imported one, whose policy is yours to extend).
    this.alarmTopic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'EventBridgeRulesOfThisAccountOnly',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.alarmTopic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*' }) },
      },
    }));
    this.watchTampering = props.evidenceTampering?.enabled !== false;
    if (!this.watchTampering) { this.disabled.push('evidenceTampering'); }

    const namespace = `CdkHardenedEks/${props.clusterName}`;
    const action = new cw_actions.SnsAction(this.alarmTopic);
    for (const spec of DETECTIONS) {
      const settings = props[spec.key] ?? {};
      if (spec.key === 'breakGlassUse' && !props.breakGlassRole) { continue; }
      if (settings.enabled === false) {
        this.disabled.push(spec.key);
        continue;
      }
      const period = settings.period ?? spec.period;
      let metric: cloudwatch.IMetric;
      let insightRule: cloudwatch.CfnInsightRule | undefined;
      if (spec.key === 'forbiddenBursts') {
        const rule = new cloudwatch.CfnInsightRule(this, `${spec.id}Rule`, {
          ruleName: `${props.clusterName}-audit-403-by-principal`,
          ruleState: 'ENABLED',
          ruleBody: stack.toJsonString(forbiddenByPrincipalRule(props.logGroup.logGroupName)),
        });
        insightRule = rule;
        this.insightRuleNames.push(rule.ruleName!);
        metric = new cloudwatch.MathExpression({
          expression: `INSIGHT_RULE_METRIC('${rule.ruleName}', 'MaxContributorValue')`,
          usingMetrics: {},
          period,
          label: '403 Forbidden responses of the top principal',
        });
      } else {
        const pattern = this.patternOf(spec.key, secretPattern, props.breakGlassRole);
        const filter = new logs.MetricFilter(this, `${spec.id}Filter`, {
          logGroup: props.logGroup,
          filterPattern: logs.FilterPattern.literal(pattern),
          metricNamespace: namespace,
          metricName: spec.id,
          metricValue: '1',
        });
        metric = filter.metric({ statistic: 'Sum', period });
      }
      const threshold = settings.threshold ?? spec.threshold;
      const silence = spec.key === 'auditEventsStopped';
      const alarm = new cloudwatch.Alarm(this, `${spec.id}Alarm`, {
        alarmName: `${props.clusterName}-audit-${spec.alarmSuffix}`,
        alarmDescription: `${spec.describe} Threshold: ${silence ? 'fewer than ' : ''}${threshold} per ${period.toHumanString()}. ` +
          'Find the events with CloudWatch Logs Insights on the control-plane log group; the README of cdk-hardened-eks says how to tune this detection.',
        metric,
        threshold,
        evaluationPeriods: settings.evaluationPeriods ?? spec.evaluationPeriods ?? 1,
        comparisonOperator: silence ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: silence ? cloudwatch.TreatMissingData.BREACHING : cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (insightRule) { alarm.node.addDependency(insightRule); }
      alarm.addAlarmAction(action);
      this.alarms[spec.key] = alarm;
    }

    if (this.disabled.length > 0) {
      Annotations.of(this).addWarningV2(WARNINGS.auditDetectionOff,
        `Audit detections turned off: ${this.disabled.join(', ')}. Nobody is alerted when these happen; the events are still in the audit log.`);
    }
  }

  /**
   * Watches CloudTrail for API calls that switch off or destroy these resources (one EventBridge
   * rule per service, notifying the alarm topic). HardenedEksCluster calls it with the log group,
   * the cluster, the archive and its keys; call it yourself when you use this construct alone.
   * Does nothing when `evidenceTampering` is turned off. Returns the rules it created.
   */
  public watchEvidence(resources: EvidenceResources): events.Rule[] {
    if (!this.watchTampering) { return []; }
    const own: EvidenceResources = {
      ...resources,
      alarmNames: [...Object.values(this.alarms).map((a) => a.alarmName), ...(resources.alarmNames ?? [])],
      insightRuleNames: [...this.insightRuleNames, ...(resources.insightRuleNames ?? [])],
      topicArns: [this.alarmTopic.topicArn, ...(resources.topicArns ?? [])],
    };
    const rules: events.Rule[] = [];
    // Every rule is named with one prefix, so the two rules at the end can watch all of them, each
    // other included, with a pattern that stays small: a rule cannot report its own disabling, so
    // whichever of the two is disabled first, the other reports it.
    const prefix = `${Names.uniqueResourceName(this, { maxLength: 38 })}-`;
    const make = (name: string, pattern: object, description?: string) => {
      const rule = new events.Rule(this, `Tampering${name}Rule`, {
        ruleName: `${prefix}${name}`,
        description: description ?? `CloudTrail records of API calls that could switch off or destroy audit evidence (${name})`,
        eventPattern: pattern as events.EventPattern,
      });
      // A target of our own, so that no broader topic policy is granted than the one above.
      rule.addTarget({ bind: () => ({ arn: this.alarmTopic.topicArn }) });
      rules.push(rule);
    };
    for (const [name, pattern] of Object.entries(tamperingPatterns(own))) { make(name, pattern); }
    make('Rules', rulesPattern(prefix), 'CloudTrail records of changes to the evidence-tampering rules (RulesWatch watches this one)');
    make('RulesWatch', rulesPattern(prefix), 'CloudTrail records of changes to the evidence-tampering rules (Rules watches this one)');
    this.tamperingRules.push(...rules);
    return rules;
  }

  private patternOf(key: DetectionSpec['key'], secretPattern: string, breakGlassRole?: iam.IRole): string {
    switch (key) {
      case 'execIntoPod': return execIntoPodPattern();
      case 'anonymousRequests': return anonymousRequestPattern();
      case 'clusterAdminBindings': return clusterAdminBindingPattern();
      case 'secretReads': return secretPattern;
      case 'clusterRbacChanges': return clusterRbacChangePattern(this.applierSessions);
      case 'credentialMinting': return credentialMintingPattern();
      case 'controllerAccountPods': return controllerAccountPodPattern();
      case 'guardRailChanges': return guardRailChangePattern(this.applierSessions);
      case 'admissionDenials': return admissionDenialPattern();
      // Audit events, not all log lines: turning off only the audit log type must be noticed too.
      case 'auditEventsStopped': return AUDIT_EVENTS_PATTERN;
      // The role's own account: an organisation's break-glass role may live in another one.
      case 'breakGlassUse': return roleUsePattern(Aws.PARTITION, breakGlassRole!.env.account, breakGlassRole!.roleName);
      default: throw new Error(`no pattern for ${key}`);
    }
  }
}

/**
 * The longest role sessions a manifest applier can add to the secret-read pattern: a 64-character
 * role name in the longest partition. The allow-list is measured with it, so a list accepted at
 * synth fits whatever name CloudFormation gives the role.
 */
const LONGEST_APPLIER_SESSIONS = roleSessions('aws-us-gov', '123456789012', 'x'.repeat(64));

/**
 * Checks thresholds, periods and the secret-reader allow-list; `prefix` is how the user reaches
 * the options (`auditDetections.` on HardenedEksCluster); `hasApplier`: the pattern also names the
 * manifest applier's sessions (HardenedEksCluster always sets one).
 */
export function checkAuditDetectionsOptions(problems: PropProblems, prefix: string, options: AuditDetectionsOptions, hasBreakGlassRole: boolean,
  hasApplier: boolean): void {
  for (const spec of DETECTIONS) { checkDetectionSettings(problems, `${prefix}${spec.key}`, options[spec.key]); }
  if (options.breakGlassUse !== undefined && !hasBreakGlassRole) {
    problems.add(`${prefix}breakGlassUse`, options.breakGlassUse,
      'There is no break-glass role to watch, so these settings would be ignored. Set breakGlassAdminRole on the cluster (breakGlassRole on AuditDetections), or remove breakGlassUse.');
  }
  for (const key of ENABLE_ONLY) {
    const settings = options[key] as AuditDetectionSettings | undefined;
    const extra = settings ? (['threshold', 'period', 'evaluationPeriods'] as const).filter((k) => settings[k] !== undefined) : [];
    if (extra.length > 0) {
      problems.add(`${prefix}${key}`, settings,
        `${key} matches single API calls with EventBridge rules, so ${extra.join(', ')} would be ignored. Set only enabled.`);
    }
  }
  const secretReaders = options.secretReaders ?? DEFAULT_SECRET_READERS;
  const secretPattern = secretReadPattern([...secretReaders, ...(hasApplier ? [LONGEST_APPLIER_SESSIONS] : [])]);
  if (secretReaders.some((r) => r.length === 0 || (r.includes('*') && r.indexOf('*') !== r.length - 1))) {
    problems.add(`${prefix}secretReaders`, secretReaders,
      'Each entry is a username, or a prefix ending in one `*` (CloudWatch treats a `*` elsewhere as a literal character). Remove empty entries.');
  }
  if (secretPattern.length > MAX_FILTER_PATTERN_LENGTH) {
    problems.add(`${prefix}secretReaders`, `${secretReaders.length} entries (pattern of ${secretPattern.length} characters)`,
      `CloudWatch Logs filter patterns hold at most ${MAX_FILTER_PATTERN_LENGTH} characters. Use prefixes ending in * to cover several names with one entry.`);
  }
}
