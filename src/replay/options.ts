/** Parsing of the replay's own options: time bounds and rule ids. Bad values are one-line UsageErrors. */
import { UsageError } from '../core/errors.ts';
import { RULE_IDS } from '../core/types.ts';
import { RULES } from '../rules/index.ts';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const DURATION = /^(\d+)([dhm])$/;
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/**
 * `2026-01-01` (midnight UTC), `2026-01-01T12:00:00Z` (a zone is required: a replay must not depend on the
 * machine's time zone), or a duration back from now: `90d`, `12h`, `30m`.
 */
export function parseTimeBound(option: string, text: string, now: number): number {
  const trimmed = text.trim();
  const duration = DURATION.exec(trimmed);
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
  if (DATE_ONLY.test(trimmed)) {
    const at = Date.parse(`${trimmed}T00:00:00Z`);
    if (!Number.isNaN(at)) return at;
  }
  if (DATE_TIME.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return at;
  }
  throw new UsageError(
    `${option}: ${JSON.stringify(text)} is not a time: expected a date (2026-01-01), a time with its zone (2026-01-01T12:00:00Z) or a duration (90d, 12h, 30m)`,
  );
}

export function checkRange(since: number | undefined, until: number | undefined): void {
  if (since !== undefined && until !== undefined && since >= until)
    throw new UsageError(
      `--since ${new Date(since).toISOString()} is not before --until ${new Date(until).toISOString()}`,
    );
}

/** The CloudTrail rules to run: all of them, or the ids given (repeatable, comma-separated). */
export function selectRuleIds(requested: readonly string[]): string[] {
  const known = RULES.map((rule) => rule.id);
  if (requested.length === 0) return known;
  const ids = [
    ...new Set(
      requested
        .flatMap((value) => value.split(','))
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ];
  for (const id of ids) {
    if (known.includes(id as (typeof known)[number])) continue;
    const sweep = (RULE_IDS as readonly string[]).includes(id);
    throw new UsageError(
      `--rule ${id}: ${sweep ? 'a scheduled-sweep rule, not evaluated on CloudTrail events' : 'unknown rule id'}; known ids: ${known.join(', ')}`,
    );
  }
  if (ids.length === 0) throw new UsageError(`--rule: no rule id given; known ids: ${known.join(', ')}`);
  return ids;
}
