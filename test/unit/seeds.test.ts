import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import { SEED_CASES } from '../cases/seeds.ts';
import { exampleBaseline } from '../helpers/baseline.ts';

describe('seed systems against infra/baseline.example.yml', () => {
  it.each(SEED_CASES.map((c) => [`seed ${c.seed}: ${c.name}`, c] as const))('%s', (_name, seedCase) => {
    const checked = checkRecord(seedCase.record);
    if (!checked.ok) throw new Error(checked.reason);
    const result = evaluate(checked.record, exampleBaseline());
    const findings = result.kind === 'evaluated' ? result.findings : [];
    const ids = (info: boolean) =>
      findings
        .filter((f) => (f.severity === 'info') === info)
        .map((f) => f.ruleId)
        .sort();
    expect(ids(false)).toEqual(seedCase.expect);
    expect(ids(true)).toEqual(seedCase.info ?? []);
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
