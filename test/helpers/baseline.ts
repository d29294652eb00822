import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { Baseline } from '../../src/baseline/baseline.ts';
import { loadBaseline, parseBaseline } from '../../src/baseline/load.ts';

export const EXAMPLE_BASELINE_PATH = fileURLToPath(
  new URL('../../infra/baseline.example.yml', import.meta.url),
);

let example: Baseline | undefined;
/** The example baseline from infra/, loaded once per test file. */
export function exampleBaseline(): Baseline {
  example ??= loadBaseline(EXAMPLE_BASELINE_PATH);
  return example;
}

/** A baseline from inline YAML, for cases that need a variation. */
export function baselineFrom(yaml: string): Baseline {
  return parseBaseline(yaml, 'test-baseline.yml');
}

/**
 * The example baseline's YAML with the given rules switched to `mode: enforce` (it ships most in dry-run),
 * edited as a YAML document so its comments stay and a renamed key cannot go unnoticed.
 */
export function exampleBaselineEnforcing(ruleIds: readonly string[]): string {
  const doc = parseDocument(readFileSync(EXAMPLE_BASELINE_PATH, 'utf8'));
  for (const id of ruleIds) doc.setIn(['rules', id, 'mode'], 'enforce');
  return doc.toString();
}
