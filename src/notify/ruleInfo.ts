/** What a notification says about a rule: its title, why it matters, what to do. One lookup for all rules. */
import type { RuleId } from '../core/types.ts';
import { RULES } from '../rules/index.ts';
import { SWEEP_RULES } from '../sweep/rules.ts';

export interface RuleInfo {
  readonly title: string;
  readonly rationale: string;
  readonly nextSteps: readonly string[];
}

const INFO = new Map<string, RuleInfo>([
  ...RULES.map((rule) => [rule.id, rule] as const),
  ...SWEEP_RULES.map((rule) => [rule.id, rule] as const),
]);

export function ruleInfo(id: RuleId): RuleInfo {
  return INFO.get(id) ?? { title: id, rationale: '', nextSteps: [] };
}
