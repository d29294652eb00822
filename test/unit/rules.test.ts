import { describe, expect, it } from 'vitest';
import type { Baseline } from '../../src/baseline/baseline.ts';
import type { Finding, RuleId } from '../../src/core/types.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import type { RuleCase } from '../cases/rules.ts';
import { RULE_CASES } from '../cases/rules.ts';
import { baselineFrom, exampleBaseline } from '../helpers/baseline.ts';

function findingsFor(ruleId: RuleId, ruleCase: RuleCase): Finding[] {
  const checked = checkRecord(ruleCase.record);
  if (!checked.ok) throw new Error(`fixture is not a valid record: ${checked.reason}`);
  const baseline: Baseline = ruleCase.baseline ? baselineFrom(ruleCase.baseline) : exampleBaseline();
  const result = evaluate(checked.record, baseline);
  return result.kind === 'evaluated' ? result.findings.filter((f) => f.ruleId === ruleId) : [];
}

const entries = Object.entries(RULE_CASES) as [RuleId, NonNullable<(typeof RULE_CASES)[RuleId]>][];

describe.each(entries)('%s', (ruleId, cases) => {
  it.each(cases.positive.map((c) => [c.name, c] as const))('fires: %s', (_name, ruleCase) => {
    const findings = findingsFor(ruleId, ruleCase);
    expect(findings).toHaveLength(1);
    const [finding] = findings as [Finding];
    const record = ruleCase.record as { eventID: string; eventTime: string; eventName: string };
    expect(finding).toMatchObject({
      eventId: record.eventID,
      eventTime: record.eventTime,
      eventName: record.eventName,
    });
    expect(finding.summary.length).toBeGreaterThan(10);
    if (ruleCase.severity) expect(finding.severity).toBe(ruleCase.severity);
    if (ruleCase.details) expect(finding.details).toMatchObject(ruleCase.details);
    if (ruleCase.remediation === null) expect(finding.remediation).toBeNull();
    else if (ruleCase.remediation) expect(finding.remediation).toMatchObject(ruleCase.remediation);
    if (ruleCase.resource) expect(finding.resource).toBe(ruleCase.resource);
  });

  it.each(cases.negative.map((c) => [c.name, c] as const))('stays quiet: %s', (_name, ruleCase) => {
    expect(findingsFor(ruleId, ruleCase)).toEqual([]);
  });
});
