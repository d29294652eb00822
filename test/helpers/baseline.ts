import { EXAMPLE_BASELINE_PATH } from '../../scripts/lib/baseline.ts';
import type { Baseline } from '../../src/baseline/baseline.ts';
import { loadBaseline, parseBaseline } from '../../src/baseline/load.ts';

export { EXAMPLE_BASELINE_PATH, exampleBaselineEnforcing } from '../../scripts/lib/baseline.ts';

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
