import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import { offlineKnowledge } from '../../src/knowledge/offline.ts';
import { SEED_CASES } from '../cases/seeds.ts';
import { exampleBaseline } from '../helpers/baseline.ts';
import { ensureManagedPolicyData } from '../helpers/policyManaged.ts';

beforeAll(() => ensureManagedPolicyData(), 120_000);

describe('seed systems against infra/baseline.example.yml', () => {
  it.each(SEED_CASES.map((c) => [`seed ${c.seed}: ${c.name}`, c] as const))('%s', (_name, seedCase) => {
    // As guardrail evaluate judges it: after learning what the seed's earlier calls (its trail) say.
    const trail = offlineKnowledge();
    for (const json of [...(seedCase.trail ?? []), seedCase.record]) {
      const earlier = checkRecord(json);
      if (!earlier.ok) throw new Error(earlier.reason);
      trail.learn(earlier.record);
    }
    const checked = checkRecord(seedCase.record);
    if (!checked.ok) throw new Error(checked.reason);
    const result = evaluate(checked.record, exampleBaseline(), { knowledge: trail.knowledge() });
    const ruleIds = result.kind === 'evaluated' ? result.findings.map((f) => f.ruleId).sort() : [];
    expect(ruleIds).toEqual(seedCase.expect);
  });

  it('covers every seed system with clean and drifted events', () => {
    for (const seed of ['000', '001', '002', '003', '004']) {
      const cases = SEED_CASES.filter((c) => c.seed === seed);
      expect(
        cases.some((c) => c.expect.length === 0),
        `seed ${seed} clean case`,
      ).toBe(true);
      expect(
        cases.some((c) => c.expect.length > 0),
        `seed ${seed} drifted case`,
      ).toBe(true);
    }
  });
});
