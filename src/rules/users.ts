/** How the baseline sees a user name: approved, ephemeral or unknown. Shared by the user and key rules. */
import type { ApprovedUser, Baseline, EphemeralUser } from '../baseline/baseline.ts';
import { findApprovedUser } from '../baseline/baseline.ts';
import { globMatch } from '../policy/glob.ts';

export type UserClass =
  | { readonly kind: 'approved'; readonly entry: ApprovedUser }
  | { readonly kind: 'ephemeral'; readonly entry: EphemeralUser }
  | { readonly kind: 'unknown' };

/** Explicit approval wins over an ephemeral pattern. */
export function classifyUser(baseline: Baseline, userName: string): UserClass {
  // Looked up, not scanned: a snapshot's baseline approves thousands of users by name.
  const approved = findApprovedUser(baseline, userName);
  if (approved) return { kind: 'approved', entry: approved };
  const ephemeral = baseline.ephemeralUsers.find((user) => user.matcher.test(userName));
  if (ephemeral) return { kind: 'ephemeral', entry: ephemeral };
  return { kind: 'unknown' };
}

/** An ephemeral pattern with a creators list accepts only those creators. */
export function creatorAllowed(entry: EphemeralUser, actor: string): boolean {
  return entry.creators === null || entry.creators.some((glob) => globMatch(glob, actor));
}

/** `arn:aws:sts::1:assumed-role/ci/run-42` → `assumed-role/ci/run-42`: short enough for a sentence. */
export function shortPrincipal(arn: string): string {
  const match = /^arn:[^:]*:(?:iam|sts)::\d*:(.+)$/.exec(arn);
  return match?.[1] ?? arn;
}

export function addDays(isoTime: string, days: number): string {
  return new Date(Date.parse(isoTime) + days * 86_400_000).toISOString();
}
