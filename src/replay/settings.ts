/**
 * What every scanning thread needs to rebuild the same ScanSettings: the baseline as text (a compiled
 * Baseline holds functions and Maps, which do not cross a thread boundary), the rule ids, the time range.
 */
import { parseBaseline } from '../baseline/load.ts';
import type { AnyRule } from '../core/rule.ts';
import { RULES } from '../rules/index.ts';
import type { ScanSettings } from './scan.ts';

export interface ScanInit {
  readonly baselineText: string;
  readonly baselineSource: string;
  readonly ruleIds: readonly string[];
  readonly since?: number;
  readonly until?: number;
}

export function settingsFrom(init: ScanInit): ScanSettings {
  const rules: readonly AnyRule[] =
    init.ruleIds.length === RULES.length ? RULES : RULES.filter((rule) => init.ruleIds.includes(rule.id));
  return {
    baseline: parseBaseline(init.baselineText, init.baselineSource),
    rules,
    ...(init.since !== undefined ? { since: init.since } : {}),
    ...(init.until !== undefined ? { until: init.until } : {}),
  };
}
