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

/**
 * Loop prevention skips guardrail's own enforce-imdsv2 calls only: every case that fires, made instead by a
 * role named like guardrail's own (`guardrail-*`), still fires, unless it is a call of that exact shape.
 */
describe("a role named like guardrail's own", () => {
  const lookalike = {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLELOOKALIKE:intruder',
    arn: 'arn:aws:sts::123456789012:assumed-role/guardrail-prod-remediator/intruder',
    accountId: '123456789012',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLELOOKALIKE',
        arn: 'arn:aws:iam::123456789012:role/guardrail-prod-remediator',
        accountId: '123456789012',
        userName: 'guardrail-prod-remediator',
      },
    },
  };
  // Cases about the root user's own credentials are about who acts: another actor is another case.
  const positives = entries.flatMap(([ruleId, cases]) =>
    cases.positive
      .filter((c) => (c.record as { userIdentity?: { type?: string } }).userIdentity?.type !== 'Root')
      .map((c) => [`${ruleId}: ${c.name}`, ruleId, c] as const),
  );

  it.each(positives)('is judged: %s', (_name, ruleId, ruleCase) => {
    const record = { ...(ruleCase.record as Record<string, unknown>), userIdentity: lookalike };
    const evaluation = evaluationOf({ ...ruleCase, record });
    expect(evaluation.kind === 'skipped' ? evaluation.skip.reason : 'evaluated').toBe('evaluated');
    if (evaluation.kind === 'evaluated') {
      // The rule still speaks (the actor may change its wording or severity, not whether it fires).
      const all = [...evaluation.findings, ...evaluation.suppressed.map((s) => s.finding)];
      expect(all.some((f) => f.ruleId === ruleId)).toBe(true);
    }
  });
});
