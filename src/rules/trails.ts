/**
 * What the trail rules share: which trails the baseline watches, and whether a set of event selectors still
 * records write management events (the events every other guardrail rule, and any investigation, reads).
 */
import type { Baseline, TrailBaseline } from '../baseline/baseline.ts';
import type { AdvancedSelector, Selectors, TrailRef } from '../events/subjects/index.ts';

export type WatchedTrail =
  | { readonly watched: true; readonly entry: TrailBaseline | undefined }
  | { readonly watched: false };

const TRAIL_ARN = /^arn:aws[\w-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/(.+)$/;

/** The baseline's entry for a trail; every trail is watched when the baseline names none. */
export function watchedTrail(baseline: Baseline, trail: TrailRef): WatchedTrail {
  if (baseline.trails.length === 0) return { watched: true, entry: undefined };
  const entry = baseline.trails.find((t) => {
    const arn = TRAIL_ARN.exec(t.name);
    return arn ? t.name === trail.arn : t.name === trail.name;
  });
  return entry ? { watched: true, entry } : { watched: false };
}

/** Whether the selectors record write management events: all of them, some, or none (and why). */
export type WriteRecording =
  | { readonly kind: 'all' }
  | { readonly kind: 'partial'; readonly limits: readonly string[] }
  | { readonly kind: 'none'; readonly why: string };

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** How one selector records write management events: not at all, or with these exclusions and limits. */
type SelectorRecording =
  | { readonly records: false }
  | { readonly records: true; readonly excluded: readonly string[]; readonly limits: readonly string[] };

function advancedRecording(selector: AdvancedSelector): SelectorRecording {
  const fields = selector.fieldSelectors;
  const category = fields.find((f) => f.field === 'eventCategory');
  if (!category?.equals.some((v) => v === 'Management')) return { records: false };
  const readOnly = fields.find((f) => f.field === 'readOnly');
  const writes =
    !readOnly ||
    readOnly.equals.includes('false') ||
    (readOnly.equals.length === 0 && readOnly.notEquals.includes('true'));
  if (!writes) return { records: false };
  const name = selector.name ? `selector "${selector.name}"` : 'a management selector';
  const excluded: string[] = [];
  const limits: string[] = [];
  for (const f of fields) {
    if (f.field === 'eventCategory' || f.field === 'readOnly') {
      if (f.others.length > 0) limits.push(`${name}: ${f.field} ${f.others.join(', ')}`);
      continue;
    }
    // Trails accept eventSource NotEquals kms.amazonaws.com or rdsdata.amazonaws.com on management selectors.
    if (f.field === 'eventSource' && f.equals.length === 0 && f.others.length === 0) {
      excluded.push(...f.notEquals);
      continue;
    }
    limits.push(`${name}: limited by ${f.field}`);
  }
  return { records: true, excluded, limits };
}

/**
 * The selectors together: a source is recorded when some unlimited selector does not exclude it, so two
 * selectors excluding different sources still record everything.
 */
function combine(recordings: readonly SelectorRecording[], noneWhy: string): WriteRecording {
  const recording = recordings.filter((r) => r.records);
  if (recording.length === 0) return { kind: 'none', why: noneWhy };
  const unlimited = recording.filter((r) => r.limits.length === 0);
  const limits = recording.flatMap((r) => r.limits);
  if (unlimited.length === 0) return { kind: 'partial', limits };
  const excluded = [...new Set(unlimited.flatMap((r) => r.excluded))].filter((source) =>
    unlimited.every((r) => r.excluded.includes(source)),
  );
  return excluded.length === 0
    ? { kind: 'all' }
    : { kind: 'partial', limits: [`write management events of ${excluded.join(', ')} are excluded`] };
}

export function writeManagementRecording(selectors: Selectors): WriteRecording {
  if (selectors.kind === 'basic') {
    const recordings: SelectorRecording[] = selectors.selectors.map((s) =>
      s.includeManagementEvents && (same(s.readWriteType, 'All') || same(s.readWriteType, 'WriteOnly'))
        ? { records: true, excluded: s.excludeManagementEventSources, limits: [] }
        : { records: false },
    );
    return combine(
      recordings,
      selectors.selectors.some((s) => s.includeManagementEvents)
        ? 'management events are recorded read-only'
        : 'no selector includes management events',
    );
  }
  return combine(
    selectors.selectors.map(advancedRecording),
    selectors.selectors.length === 0
      ? 'no advanced selector is left'
      : 'no advanced selector records write management events',
  );
}
