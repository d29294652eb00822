/** The example baseline (infra/baseline.example.yml), as the demo and the tests use it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

export const EXAMPLE_BASELINE_PATH = fileURLToPath(
  new URL('../../infra/baseline.example.yml', import.meta.url),
);

/**
 * The example baseline's YAML with the given rules switched to `mode: enforce` (it ships most in dry-run),
 * edited as a YAML document so its comments stay and a renamed key cannot go unnoticed.
 */
export function exampleBaselineEnforcing(ruleIds: readonly string[]): string {
  const doc = parseDocument(readFileSync(EXAMPLE_BASELINE_PATH, 'utf8'));
  for (const id of ruleIds) doc.setIn(['rules', id, 'mode'], 'enforce');
  return doc.toString();
}
