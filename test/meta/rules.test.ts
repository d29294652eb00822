/** Lints the rule registry itself (like Cloud Custodian's PolicyMetaLint). */
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/core/types.ts';
import { WATCHED_EVENTS } from '../../src/events/subjects/index.ts';
import { RULES } from '../../src/rules/index.ts';
import { SWEEP_RULES } from '../../src/sweep/rules.ts';
import { RULE_CASES } from '../cases/rules.ts';

describe('rule registry', () => {
  it('gives every rule a unique id from the public contract', () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(RULE_IDS).toContain(id);
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))(
    '%s listens to a watched event and explains itself',
    (_id, rule) => {
      expect(rule.events.length).toBeGreaterThan(0);
      for (const name of rule.events) expect(Object.keys(WATCHED_EVENTS)).toContain(name);
      expect(rule.title.length).toBeGreaterThan(5);
      expect(rule.rationale.length).toBeGreaterThan(30);
      expect(rule.nextSteps.length).toBeGreaterThan(0);
    },
  );

  it.each(RULES.map((rule) => [rule.id] as const))('%s has positive and negative cases', (id) => {
    const cases = RULE_CASES[id];
    expect(cases?.positive.length ?? 0).toBeGreaterThan(0);
    expect(cases?.negative.length ?? 0).toBeGreaterThan(0);
  });

  it('lists every rule file in src/rules/index.ts', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(new URL('../../src/rules/', import.meta.url)).filter((f) =>
      /^[a-z0-9]+\.[a-z0-9.-]+\.ts$/.test(f),
    );
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(RULES.map((rule) => rule.id).sort());
  });

  it.each([...RULES, ...SWEEP_RULES].map((rule) => [rule.id, rule] as const))(
    '%s speaks to people: no internal reference, Markdown code spans paired',
    (_id, rule) => {
      for (const text of [rule.title, rule.rationale, ...rule.nextSteps]) {
        // "seed 004" means something to guardrail's authors, nothing to the person reading an alert.
        expect(text).not.toMatch(/\bseeds?\b/i);
        expect((text.match(/`/g) ?? []).length % 2, text).toBe(0);
      }
    },
  );
});
