import { beforeAll, describe, expect, it } from 'vitest';
import type { InstanceTags, Known } from '../../src/core/knowledge.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { knowledgeWith } from '../../src/engine/knowledge.ts';
import { checkRecord } from '../../src/events/record.ts';
import { offlineKnowledge } from '../../src/knowledge/offline.ts';
import { SEED_CASES, SEED_INSTANCE_TAGS } from '../cases/seeds.ts';
import { exampleBaseline } from '../helpers/baseline.ts';
import { ensureManagedPolicyData } from '../helpers/policyManaged.ts';

beforeAll(() => ensureManagedPolicyData(), 120_000);

/** What the Lambda reads from the account for the seed events: the seed instances' tags. */
const SEED_ACCOUNT = knowledgeWith({
  instanceTags: (instanceId): Known<InstanceTags> => {
    const tags = SEED_INSTANCE_TAGS[instanceId];
    return tags
      ? { known: true, value: tags, source: 'ec2' }
      : { known: false, why: `no instance ${instanceId}` };
  },
});

describe('seed systems against infra/baseline.example.yml', () => {
  it.each(SEED_CASES.map((c) => [`seed ${c.seed}: ${c.name}`, c] as const))('%s', (_name, seedCase) => {
    // As guardrail evaluate judges it: after learning what the seed's earlier calls (its trail) say.
    const trail = offlineKnowledge(SEED_ACCOUNT);
    for (const json of [...(seedCase.trail ?? []), seedCase.record]) {
      const earlier = checkRecord(json);
      if (!earlier.ok) throw new Error(earlier.reason);
      trail.learn(earlier.record);
    }
    const checked = checkRecord(seedCase.record);
    if (!checked.ok) throw new Error(checked.reason);
    const result = evaluate(checked.record, exampleBaseline(), { knowledge: trail.knowledge() });
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
