import { beforeAll, describe, expect, it } from 'vitest';
import type { Baseline } from '../../src/baseline/baseline.ts';
import type { Finding, RuleId } from '../../src/core/types.ts';
import type { Evaluation } from '../../src/engine/evaluate.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import { offlineKnowledge } from '../../src/knowledge/offline.ts';
import type { NegativeCase, RuleCase } from '../cases/rules.ts';
import { RULE_CASES } from '../cases/rules.ts';
import { baselineFrom, exampleBaseline } from '../helpers/baseline.ts';
import { ensureManagedPolicyData } from '../helpers/policyManaged.ts';

beforeAll(() => ensureManagedPolicyData(), 120_000);

/** Judged as `guardrail evaluate` judges it: with what the case's trail (and the record itself) teach. */
function evaluationOf(ruleCase: RuleCase | NegativeCase): Evaluation {
  const trail = offlineKnowledge();
  const records = [...(ruleCase.trail ?? []), ruleCase.record].map((json) => {
    const checked = checkRecord(json);
    if (!checked.ok) throw new Error(`fixture is not a valid record: ${checked.reason}`);
    trail.learn(checked.record);
    return checked.record;
  });
  const record = records[records.length - 1] as (typeof records)[number];
  const baseline: Baseline = ruleCase.baseline ? baselineFrom(ruleCase.baseline) : exampleBaseline();
  return evaluate(record, baseline, { knowledge: trail.knowledge() });
}

const entries = Object.entries(RULE_CASES) as [RuleId, NonNullable<(typeof RULE_CASES)[RuleId]>][];

describe.each(entries)('%s', (ruleId, cases) => {
  it.each(cases.positive.map((c) => [c.name, c] as const))('fires: %s', (_name, ruleCase) => {
    const evaluation = evaluationOf(ruleCase);
    const findings =
      evaluation.kind === 'evaluated' ? evaluation.findings.filter((f) => f.ruleId === ruleId) : [];
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

  it.each(cases.negative.map((c) => [c.name, c] as const))('does not fire: %s', (_name, ruleCase) => {
    const evaluation = evaluationOf(ruleCase);
    if (ruleCase.expect === 'quiet') {
      // Evaluated (not skipped for some other reason), and this rule had nothing to say.
      expect(evaluation.kind).toBe('evaluated');
      if (evaluation.kind === 'evaluated') {
        expect(evaluation.findings.filter((f) => f.ruleId === ruleId)).toEqual([]);
        expect(evaluation.suppressed.filter((s) => s.finding.ruleId === ruleId)).toEqual([]);
      }
    } else {
      expect(evaluation).toMatchObject({ kind: 'skipped', skip: { reason: ruleCase.expect.skipped } });
    }
  });
});
