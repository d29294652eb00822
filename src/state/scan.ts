/**
 * The posture scan, pure: the account's current state and a baseline in, findings out, with the same rules and
 * the same Finding shape as events. The state becomes the CloudTrail records that would have produced it
 * (records.ts), each judged by the one engine with a Knowledge made from the same state (knowledge.ts); the
 * orphan sweep's two rules (iam.user.orphaned, iam.accesskey.stale) judge the users as the sweep always has.
 * Every finding says it came from state (`details.source: "state"`, `details.state`: what it is about) and reads
 * as state (summaries.ts). Suppressions are judged at the time of the scan: the state exists now.
 */
import type { Baseline } from '../baseline/baseline.ts';
import { findApprovedUser, findRole } from '../baseline/baseline.ts';
import type { AnyRule } from '../core/rule.ts';
import { GuardrailTag } from '../core/tags.ts';
import type { Finding, Skip } from '../core/types.ts';
import { severityRank } from '../core/types.ts';
import { evaluate } from '../engine/evaluate.ts';
import type { SuppressedFinding } from '../engine/suppression.ts';
import { suppressionFor } from '../engine/suppression.ts';
import type { AccountSnapshot, UnreadableUser, UserSnapshot } from '../sweep/snapshot.ts';
import { sweepAccount } from '../sweep/sweep.ts';
import { stateKnowledge } from './knowledge.ts';
import type { PrincipalOf, StateItem } from './records.ts';
import { compare, iamRegionOf, rolesJudged, stateRecords } from './records.ts';
import type { AccountState, StateProblem, UserState } from './state.ts';
import { countsOf, isAwsOwnedRole } from './state.ts';
import { stateSummary } from './summaries.ts';

/** The event name every scan finding carries: it was found in the state, not in an event. */
export const SCAN_EVENT_NAME = 'StateScan';

export interface ScanOptions {
  /** Identifies this run: findings carry it as their eventId (the schedule event's id, or one made by the CLI). */
  readonly scanId: string;
  /** The rules to run (default: every rule). */
  readonly rules?: readonly AnyRule[];
}

export interface ScanResult {
  readonly scanId: string;
  readonly account: string;
  readonly scannedAt: string;
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  /** What was examined. */
  readonly examined: ReturnType<typeof countsOf> & { readonly awsOwnedRoles: number };
  /** Pieces of state whose event no rule of this build judges yet, by event name (none is an error). */
  readonly notJudged: Readonly<Record<string, number>>;
  /** Records the engine could not read: a bug in how state is turned into records, listed, never fatal. */
  readonly skipped: readonly Skip[];
  /** Parts of the account that could not be read (and so were not judged). */
  readonly problems: readonly StateProblem[];
}

function boundaryExpected(baseline: Baseline) {
  return (principal: PrincipalOf): boolean => {
    if (principal.kind === 'role') return findRole(baseline, principal.name)?.boundary !== undefined;
    if (principal.kind === 'user') return findApprovedUser(baseline, principal.name)?.boundary !== undefined;
    return false;
  };
}

/** The sweep's view of the users: their keys and password use from the credential report. */
function sweepSnapshot(state: AccountState): AccountSnapshot {
  const users: UserSnapshot[] = [];
  const unreadable: UnreadableUser[] = [];
  for (const user of state.users) {
    if (!user.credentials) {
      unreadable.push({ userName: user.userName, error: 'its password and access keys could not be read' });
      continue;
    }
    const { passwordLastUsedAt } = user.credentials;
    users.push({
      userName: user.userName,
      arn: user.arn,
      createdAt: user.createdAt ?? state.takenAt,
      ...(passwordLastUsedAt ? { passwordLastUsedAt } : {}),
      tags: user.tags,
      accessKeys: user.credentials.accessKeys.map((key) => ({
        accessKeyId: key.accessKeyId,
        status: key.status,
        createdAt: key.createdAt ?? '',
        ...(key.lastUsedAt ? { lastUsedAt: key.lastUsedAt } : {}),
      })),
    });
  }
  return { account: state.account, takenAt: state.takenAt, users, unreadable };
}

/** A finding of the engine or the sweep, as a finding of this scan about `item`. */
function asStateFinding(
  finding: Finding,
  item: StateItem,
  state: AccountState,
  users: ReadonlyMap<string, UserState>,
  scanId: string,
): Finding {
  const since = 'createdAt' in item ? item.createdAt : undefined;
  const user = 'userName' in item && item.userName ? users.get(item.userName) : undefined;
  return {
    ...finding,
    summary: stateSummary(finding, item, state),
    eventId: scanId,
    eventName: SCAN_EVENT_NAME,
    eventTime: state.takenAt,
    account: state.account,
    // Who made the state is unknown, unless guardrail tagged the creator of the user it is about.
    actor: user?.tags[GuardrailTag.creator] ?? 'unknown',
    sourceIp: '',
    details: {
      ...finding.details,
      source: 'state',
      state: item,
      ...(since ? { since } : {}),
      ...(finding.eventName !== SCAN_EVENT_NAME
        ? { asEvent: { eventName: finding.eventName, summary: finding.summary } }
        : {}),
    },
  };
}

/** Nothing was lost for an ephemeral user already tagged as one: the orphan check watches it from there. */
function alreadyHandled(finding: Finding, item: StateItem, users: ReadonlyMap<string, UserState>): boolean {
  if (finding.ruleId !== 'iam.user.ephemeral' || item.kind !== 'user') return false;
  const user = users.get(item.userName);
  return user?.tags[GuardrailTag.ephemeral] === 'true';
}

export function scanState(state: AccountState, baseline: Baseline, options: ScanOptions): ScanResult {
  // Suppressions are applied once below, at the time of the scan, to every finding alike.
  const judging: Baseline = { ...baseline, suppressions: [] };
  const knowledge = stateKnowledge(state);
  // By name: a finding of any of 10,000 users finds its user without a scan of them all.
  const users = new Map(state.users.map((user) => [user.userName, user]));
  const all: Finding[] = [];
  const notJudged: Record<string, number> = {};
  const skipped: Skip[] = [];
  for (const { record, item } of stateRecords(state, {
    now: state.takenAt,
    expectsBoundary: boundaryExpected(baseline),
  })) {
    const evaluation = evaluate(record, judging, {
      knowledge,
      ...(options.rules ? { rules: options.rules } : {}),
    });
    if (evaluation.kind === 'skipped') {
      if (evaluation.skip.reason.startsWith('not a watched event'))
        notJudged[record.eventName] = (notJudged[record.eventName] ?? 0) + 1;
      else skipped.push(evaluation.skip);
      continue;
    }
    for (const finding of evaluation.findings) {
      if (!alreadyHandled(finding, item, users))
        all.push(asStateFinding(finding, item, state, users, options.scanId));
    }
  }
  const swept = sweepAccount(sweepSnapshot(state), judging, {
    sweepId: options.scanId,
    now: state.takenAt,
    region: iamRegionOf(state.partition),
  });
  for (const finding of swept.findings) {
    const userName = String(finding.details.userName ?? '');
    const user = users.get(userName);
    const item: StateItem =
      finding.ruleId === 'iam.accesskey.stale'
        ? {
            kind: 'access-key',
            userName,
            accessKeyId: String(finding.details.accessKeyId ?? ''),
            ...(typeof finding.details.createdAt === 'string'
              ? { createdAt: finding.details.createdAt }
              : {}),
          }
        : { kind: 'user', userName, ...(user?.createdAt ? { createdAt: user.createdAt } : {}) };
    // The sweep's summaries already speak of state; they keep their words.
    all.push({ ...asStateFinding(finding, item, state, users, options.scanId), summary: finding.summary });
  }

  const seen = new Set<string>();
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of all.sort(order)) {
    // Two pieces of state may say the same thing (a policy judged on its own and through a principal).
    const key = JSON.stringify([finding.ruleId, finding.resource, finding.summary]);
    if (seen.has(key)) continue;
    seen.add(key);
    const suppression = suppressionFor(finding, baseline.suppressions);
    if (suppression)
      suppressed.push({ finding, suppression: { path: suppression.path, reason: suppression.reason } });
    else findings.push(finding);
  }
  return {
    scanId: options.scanId,
    account: state.account,
    scannedAt: state.takenAt,
    findings,
    suppressed,
    examined: {
      ...countsOf(state),
      roles: rolesJudged(state).length,
      awsOwnedRoles: state.roles.filter(isAwsOwnedRole).length,
    },
    notJudged,
    skipped,
    problems: state.problems,
  };
}

/** Worst first, then by rule and resource: the same order on every run. */
function order(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compare(a.ruleId, b.ruleId) ||
    compare(a.resource, b.resource) ||
    compare(a.summary, b.summary)
  );
}
