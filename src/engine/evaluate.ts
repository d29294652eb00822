/**
 * The pure engine: one CloudTrail record and a baseline in, findings (or the reason for a skip) out.
 * No AWS client, no clock, no I/O: the Lambda handlers and the CLI both call exactly this. It wires the
 * rules (src/rules), the baseline, the record's subject (src/events) and the remediation each finding
 * proposes (src/actions/plan.ts decides it).
 */
import { proposeRemediation } from '../actions/plan.ts';
import type { Baseline } from '../baseline/baseline.ts';
import { isOwnRole } from '../baseline/baseline.ts';
import type { FactRequest, Knowledge } from '../core/knowledge.ts';
import type { AnyRule, RuleContext, RuleMatch } from '../core/rule.ts';
import type { CloudTrailRecord, Finding, Skip } from '../core/types.ts';
import type { Subject, SubjectResult, WatchedEventName } from '../events/subjects/index.ts';
import { accountOf, extractSubject, OWN_CALLS, watchedEventOf } from '../events/subjects/index.ts';
import { RULES } from '../rules/index.ts';
import { factsNeededFor, prepareInputs } from '../rules/inputs.ts';
import { NO_KNOWLEDGE } from './knowledge.ts';
import type { SuppressedFinding } from './suppression.ts';
import { suppressionFor } from './suppression.ts';

export type Evaluation =
  | {
      readonly kind: 'evaluated';
      readonly findings: readonly Finding[];
      readonly suppressed: readonly SuppressedFinding[];
    }
  | { readonly kind: 'skipped'; readonly skip: Skip };

const rulesByEvent = new Map<string, AnyRule[]>();
function rulesFor(rules: readonly AnyRule[], eventName: WatchedEventName): readonly AnyRule[] {
  if (rules !== RULES) return rules.filter((rule) => rule.events.includes(eventName));
  if (rulesByEvent.size === 0) {
    for (const rule of RULES)
      for (const event of rule.events) rulesByEvent.set(event, [...(rulesByEvent.get(event) ?? []), rule]);
  }
  return rulesByEvent.get(eventName) ?? [];
}

function actorOf(record: CloudTrailRecord): string {
  const identity = record.userIdentity;
  return identity.arn ?? identity.invokedBy ?? identity.principalId ?? identity.type ?? 'unknown';
}

/** The IAM role behind the call, when the caller is an assumed role. */
function actorRoleName(record: CloudTrailRecord): string | undefined {
  const identity = record.userIdentity;
  const issuer = identity.sessionContext?.sessionIssuer;
  if (issuer?.type === 'Role' && issuer.userName) return issuer.userName;
  const match = /^arn:aws[\w-]*:sts::\d*:assumed-role\/([^/]+)\//.exec(identity.arn ?? '');
  return match?.[1];
}

function skipped(record: CloudTrailRecord, reason: string): Evaluation {
  return { kind: 'skipped', skip: { eventId: record.eventID, eventName: record.eventName, reason } };
}

function toFinding(
  rule: AnyRule,
  match: RuleMatch,
  record: CloudTrailRecord,
  baseline: Baseline,
  actor: string,
): Finding {
  const settings = baseline.rules[rule.id];
  return {
    ruleId: rule.id,
    severity: settings.severity ?? match.severity ?? rule.severity,
    title: rule.title,
    rationale: rule.rationale,
    nextSteps: match.nextSteps ?? rule.nextSteps,
    summary: match.summary,
    eventId: record.eventID,
    eventName: record.eventName,
    eventTime: record.eventTime,
    account: accountOf(record),
    region: record.awsRegion,
    actor,
    sourceIp: record.sourceIPAddress ?? '',
    resource: match.resource,
    details: match.details,
    remediation: proposeRemediation(rule.remediation, match.remediation, settings),
  };
}

/**
 * The role name when guardrail's own role made this call as enforce-imdsv2 makes it: IMDSv2 required and a hop
 * limit every IMDS profile of the baseline allows (or none). Such a call leaves nothing a rule could report,
 * so skipping it costs nothing, whoever really made it; anything else is judged, by whoever it is made (an
 * enforcement that lowers a hop limit to a looser profile's maximum is judged too, and found compliant when
 * the instance's profile is known). A role named like guardrail's created by someone else is
 * iam.role.unexpected.
 */
function ownCall(
  record: CloudTrailRecord,
  baseline: Baseline,
  event: WatchedEventName,
  extracted: SubjectResult,
): string | undefined {
  const role = actorRoleName(record);
  if (!role || !OWN_CALLS.has(event) || !isOwnRole(baseline, role) || !extracted.ok) return undefined;
  const subject = extracted.subject;
  if (subject.kind !== 'ModifyInstanceMetadataOptions') return undefined;
  const { httpTokens, hopLimit } = subject.requested;
  const strictest = Math.min(baseline.imds.maxHopLimit, ...baseline.imds.profiles.map((p) => p.maxHopLimit));
  return httpTokens === 'required' && (hopLimit === undefined || hopLimit <= strictest) ? role : undefined;
}

export interface EvaluateOptions {
  /** The rules to run (default: every rule, src/rules/index.ts). */
  readonly rules?: readonly AnyRule[];
  /** Facts about the account beyond the record (default: none; each rule says what it could not know). */
  readonly knowledge?: Knowledge;
}

/**
 * What a record's evaluation will ask Knowledge for: a caller that loads facts from AWS (the Lambda) loads
 * these, then evaluates. Empty for records that are skipped or need nothing. `known`: what was loaded so far
 * (some facts are needed only once others are known; ask again until nothing new comes).
 */
export function factsNeeded(
  record: CloudTrailRecord,
  baseline: Baseline,
  known: Knowledge = NO_KNOWLEDGE,
): readonly FactRequest[] {
  const event = record.errorCode ? undefined : watchedEventOf(record);
  if (!event) return [];
  const extracted = extractSubject(record);
  if (ownCall(record, baseline, event, extracted)) return [];
  return extracted.ok ? factsNeededFor(extracted.subject, baseline, known, record.eventTime) : [];
}

export function evaluate(
  record: CloudTrailRecord,
  baseline: Baseline,
  options: EvaluateOptions = {},
): Evaluation {
  const rules = options.rules ?? RULES;
  if (record.errorCode) return skipped(record, `failed call (errorCode ${record.errorCode})`);
  const event = watchedEventOf(record);
  if (!event) return skipped(record, `not a watched event (${record.eventSource} ${record.eventName})`);
  const extracted = extractSubject(record);
  const own = ownCall(record, baseline, event, extracted);
  if (own) return skipped(record, `made by guardrail's own role ${own} (enforce-imdsv2)`);
  if (!extracted.ok) return skipped(record, `malformed ${record.eventName}: ${extracted.reason}`);

  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const enabled = rulesFor(rules, event).filter((rule) => baseline.rules[rule.id].enabled);
  if (enabled.length === 0) return { kind: 'evaluated', findings, suppressed };
  const actor = actorOf(record);
  // Prepared once here and shared by the record's rules (src/rules/inputs.ts), never recomputed by a rule.
  const context: RuleContext = {
    record,
    baseline,
    actor,
    inputs: prepareInputs(extracted.subject, baseline, options.knowledge ?? NO_KNOWLEDGE, record.eventTime),
  };
  for (const rule of enabled) {
    const matches = (rule.evaluate as (subject: Subject, context: RuleContext) => readonly RuleMatch[])(
      extracted.subject,
      context,
    );
    for (const match of matches) {
      const finding = toFinding(rule, match, record, baseline, actor);
      const suppression = suppressionFor(finding, baseline.suppressions);
      if (suppression)
        suppressed.push({ finding, suppression: { path: suppression.path, reason: suppression.reason } });
      else findings.push(finding);
    }
  }
  return { kind: 'evaluated', findings, suppressed };
}
