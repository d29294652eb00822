/**
 * The orphan sweep's decision, pure: a snapshot of the account and a baseline in, findings out. No AWS
 * client, no clock (`now` is given), so every case is a table-driven test.
 *
 * - `iam.user.orphaned`: a user the baseline does not approve that is ephemeral and past its expiry (the
 *   `guardrail:expires-at` tag, else creation time + the matching pattern's ttl), or unused beyond
 *   `orphans.unusedDays` (newest of password and access-key last use; creation time when never used).
 *   Remediation `tag-orphaned`; nothing is ever deleted.
 * - `iam.accesskey.stale`: an active key older than `accessKeys.rotationDays`, approved users included.
 */
import { proposeRemediation } from '../actions/plan.ts';
import type { Baseline } from '../baseline/baseline.ts';
import { GuardrailTag, iamTagValue } from '../core/tags.ts';
import type { Finding } from '../core/types.ts';
import type { SuppressedFinding } from '../engine/suppression.ts';
import { suppressionFor } from '../engine/suppression.ts';
import { classifyUser, shortPrincipal } from '../rules/users.ts';
import { accessKeyStale, userOrphaned } from './rules.ts';
import type { AccountSnapshot, UserSnapshot } from './snapshot.ts';

const DAY_MS = 86_400_000;

export const SWEEP_EVENT_NAME = 'OrphanSweep';

export interface SweepOptions {
  /** Identifies this run: findings carry it as their eventId (the scheduled event's id). */
  readonly sweepId: string;
  /** ISO time the sweep judges against. */
  readonly now: string;
  /** Region the sweep runs in, for findings and console links (IAM itself is global). */
  readonly region: string;
}

export interface SweepResult {
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly usersExamined: number;
}

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

type OrphanReason =
  | { readonly kind: 'expired'; readonly expiresAt: number; readonly source: string }
  | { readonly kind: 'unused'; readonly lastActivity: number; readonly lastActivitySource: string };

function lastActivity(user: UserSnapshot): { at: number; source: string } {
  let best = { at: parseTime(user.createdAt) ?? 0, source: 'created, never used since' };
  const password = parseTime(user.passwordLastUsedAt);
  if (password !== undefined && password > best.at) best = { at: password, source: 'console password' };
  for (const key of user.accessKeys) {
    const used = parseTime(key.lastUsedAt);
    if (used !== undefined && used > best.at) best = { at: used, source: `access key ${key.accessKeyId}` };
  }
  return best;
}

function orphanReason(user: UserSnapshot, baseline: Baseline, now: number): OrphanReason | undefined {
  const found = classifyUser(baseline, user.userName);
  if (found.kind === 'approved') return undefined;
  const taggedEphemeral = user.tags[GuardrailTag.ephemeral] === 'true';
  if (found.kind === 'ephemeral' || taggedEphemeral) {
    const tagged = parseTime(user.tags[GuardrailTag.expiresAt]);
    const created = parseTime(user.createdAt);
    const expiresAt =
      tagged ??
      (found.kind === 'ephemeral' && created !== undefined ? created + found.entry.ttlMs : undefined);
    if (expiresAt !== undefined && expiresAt <= now) {
      const source =
        tagged !== undefined
          ? `tag ${GuardrailTag.expiresAt}`
          : `created ${user.createdAt} + ttl ${found.kind === 'ephemeral' ? found.entry.ttl : '?'}`;
      return { kind: 'expired', expiresAt, source };
    }
  }
  const activity = lastActivity(user);
  if (now - activity.at > baseline.unusedDays * DAY_MS) {
    return { kind: 'unused', lastActivity: activity.at, lastActivitySource: activity.source };
  }
  return undefined;
}

function base(
  snapshot: AccountSnapshot,
  options: SweepOptions,
  user: UserSnapshot,
): Pick<
  Finding,
  'eventId' | 'eventName' | 'eventTime' | 'account' | 'region' | 'actor' | 'sourceIp' | 'resource'
> {
  return {
    eventId: options.sweepId,
    eventName: SWEEP_EVENT_NAME,
    eventTime: options.now,
    account: snapshot.account,
    region: options.region,
    // "Who did it" for a sweep finding: whoever created the user, when guardrail tagged it at creation.
    actor: user.tags[GuardrailTag.creator] ?? 'unknown',
    sourceIp: '',
    resource: user.arn,
  };
}

function orphanFinding(
  user: UserSnapshot,
  reason: OrphanReason,
  snapshot: AccountSnapshot,
  baseline: Baseline,
  options: SweepOptions,
  now: number,
): Finding {
  const settings = baseline.rules[userOrphaned.id];
  const alreadyTagged = user.tags[GuardrailTag.orphaned] === 'true';
  const reasonTag =
    reason.kind === 'expired'
      ? `expired ${isoDate(reason.expiresAt).slice(0, 10)}`
      : `unused ${Math.floor((now - reason.lastActivity) / DAY_MS)}d`;
  // Re-sweeping an orphan keeps the first verdict's tags, so the action finds nothing to change.
  const tags = {
    [GuardrailTag.orphaned]: 'true',
    [GuardrailTag.orphanedAt]: (alreadyTagged && user.tags[GuardrailTag.orphanedAt]) || options.now,
    [GuardrailTag.orphanReason]:
      (alreadyTagged && user.tags[GuardrailTag.orphanReason]) || iamTagValue(reasonTag),
  };
  const remediation = proposeRemediation(
    userOrphaned.remediation,
    { action: 'tag-orphaned', params: { userName: user.userName, tags } },
    settings,
  );
  const creator = user.tags[GuardrailTag.creator];
  const by = creator ? ` (created by ${shortPrincipal(creator)})` : '';
  const summary =
    reason.kind === 'expired'
      ? `Ephemeral user ${user.userName}${by} expired at ${isoDate(reason.expiresAt)} (${reason.source}) and still exists.`
      : `User ${user.userName}${by} has not been used for ${Math.floor((now - reason.lastActivity) / DAY_MS)} days (last: ${reason.lastActivitySource}); the baseline allows ${baseline.unusedDays}.`;
  return {
    ruleId: userOrphaned.id,
    severity: settings.severity ?? userOrphaned.severity,
    title: userOrphaned.title,
    rationale: userOrphaned.rationale,
    nextSteps: userOrphaned.nextSteps,
    summary,
    ...base(snapshot, options, user),
    details: {
      userName: user.userName,
      reason: reason.kind,
      ...(reason.kind === 'expired'
        ? { expiresAt: isoDate(reason.expiresAt), expirySource: reason.source }
        : {
            lastActivityAt: isoDate(reason.lastActivity),
            lastActivity: reason.lastActivitySource,
            unusedDays: baseline.unusedDays,
          }),
      createdAt: user.createdAt,
      alreadyTagged,
      activeAccessKeys: user.accessKeys.filter((key) => key.status === 'Active').length,
    },
    remediation,
  };
}

function staleKeyFindings(
  user: UserSnapshot,
  snapshot: AccountSnapshot,
  baseline: Baseline,
  options: SweepOptions,
  now: number,
): Finding[] {
  const settings = baseline.rules[accessKeyStale.id];
  const findings: Finding[] = [];
  for (const key of user.accessKeys) {
    const created = parseTime(key.createdAt);
    if (key.status !== 'Active' || created === undefined) continue;
    const ageDays = Math.floor((now - created) / DAY_MS);
    if (ageDays <= baseline.rotationDays) continue;
    findings.push({
      ruleId: accessKeyStale.id,
      severity: settings.severity ?? accessKeyStale.severity,
      title: accessKeyStale.title,
      rationale: accessKeyStale.rationale,
      nextSteps: accessKeyStale.nextSteps,
      summary: `Access key ${key.accessKeyId} of ${user.userName} is ${ageDays} days old; the baseline rotates keys every ${baseline.rotationDays} days.`,
      ...base(snapshot, options, user),
      details: {
        userName: user.userName,
        accessKeyId: key.accessKeyId,
        createdAt: key.createdAt,
        ageDays,
        rotationDays: baseline.rotationDays,
        ...(key.lastUsedAt ? { lastUsedAt: key.lastUsedAt } : {}),
      },
      remediation: null,
    });
  }
  return findings;
}

export function sweepAccount(
  snapshot: AccountSnapshot,
  baseline: Baseline,
  options: SweepOptions,
): SweepResult {
  const now = Date.parse(options.now);
  if (Number.isNaN(now)) throw new RangeError(`sweep: now: not an ISO time: ${options.now}`);
  const all: Finding[] = [];
  for (const user of snapshot.users) {
    if (baseline.rules[userOrphaned.id].enabled) {
      const reason = orphanReason(user, baseline, now);
      if (reason) all.push(orphanFinding(user, reason, snapshot, baseline, options, now));
    }
    if (baseline.rules[accessKeyStale.id].enabled) {
      all.push(...staleKeyFindings(user, snapshot, baseline, options, now));
    }
  }
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of all) {
    const suppression = suppressionFor(finding, baseline.suppressions);
    if (suppression) {
      suppressed.push({ finding, suppression: { path: suppression.path, reason: suppression.reason } });
    } else findings.push(finding);
  }
  return { findings, suppressed, usersExamined: snapshot.users.length };
}
