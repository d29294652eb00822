/** Baseline suppressions, judged by event time so replays stay reproducible; the engine and the sweep share them. */
import type { Suppression } from '../baseline/baseline.ts';
import type { Finding } from '../core/types.ts';
import { globMatch } from '../policy/glob.ts';

export interface SuppressedFinding {
  readonly finding: Finding;
  /** The baseline entry that suppressed it, e.g. `suppressions[0]`, and its reason. */
  readonly suppression: { readonly path: string; readonly reason: string };
}

/** The baseline suppression covering a finding at its event time, if any (the sweep uses it too). */
export function suppressionFor(
  finding: Finding,
  suppressions: readonly Suppression[],
): Suppression | undefined {
  const at = Date.parse(finding.eventTime);
  return suppressions.find(
    (s) =>
      s.rule === finding.ruleId &&
      globMatch(s.resource, finding.resource) &&
      (s.expiresAt === undefined || at < s.expiresAt),
  );
}
