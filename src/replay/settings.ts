/**
 * What every scanning thread needs to rebuild the same ScanSettings: the baseline as text (a compiled
 * Baseline holds functions and Maps, which do not cross a thread boundary), the rule ids, the time range.
 */
import type { Baseline } from '../baseline/baseline.ts';
import { parseBaseline } from '../baseline/load.ts';
import type { AnyRule } from '../core/rule.ts';
import { offlineKnowledge } from '../knowledge/offline.ts';
import { RULES } from '../rules/index.ts';
import type { ScanSettings } from './scan.ts';

export interface ScanInit {
  readonly baselineText: string;
  readonly baselineSource: string;
  readonly ruleIds: readonly string[];
  readonly since?: number;
  readonly until?: number;
}

/** `baseline`: the one already compiled from `init.baselineText` on this thread, if any. */
export function settingsFrom(init: ScanInit, baseline?: Baseline): ScanSettings {
  const rules: readonly AnyRule[] =
    init.ruleIds.length === RULES.length ? RULES : RULES.filter((rule) => init.ruleIds.includes(rule.id));
  return {
    baseline: baseline ?? parseBaseline(init.baselineText, init.baselineSource),
    rules,
    // The AWS managed-policy data, read on first use (what the trail itself teaches is not shared across
    // threads yet: a customer-managed policy created in the same replay is unknown-document here).
    knowledge: offlineKnowledge().knowledge(),
    ...(init.since !== undefined ? { since: init.since } : {}),
    ...(init.until !== undefined ? { until: init.until } : {}),
  };
}
