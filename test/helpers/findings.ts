/** Real findings for tests: seed records through the engine, so tests see exactly what handlers see. */
import type { OwnAccount } from '../../src/actions/plan.ts';
import type { Baseline } from '../../src/baseline/baseline.ts';
import type { Finding } from '../../src/core/types.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import { exampleBaseline } from './baseline.ts';
import type { Json } from './records.ts';
import { ACCOUNT } from './records.ts';

export function findingsFor(record: Json, baseline: Baseline = exampleBaseline()): Finding[] {
  const checked = checkRecord(record);
  if (!checked.ok) throw new Error(`test record is malformed: ${checked.reason}`);
  const result = evaluate(checked.record, baseline);
  if (result.kind !== 'evaluated') throw new Error(`test record was skipped: ${result.skip.reason}`);
  return [...result.findings];
}

export function onlyFinding(record: Json, baseline?: Baseline): Finding {
  const findings = findingsFor(record, baseline);
  if (findings.length !== 1)
    throw new Error(`expected one finding, got ${findings.map((f) => f.ruleId).join(', ')}`);
  return findings[0] as Finding;
}

/** The same finding with its remediation in another mode (the baseline's per-rule setting, simulated). */
export function inMode(finding: Finding, mode: 'dry-run' | 'enforce'): Finding {
  if (!finding.remediation) throw new Error('finding has no remediation');
  return { ...finding, remediation: { ...finding.remediation, mode } } as Finding;
}

export const EPHEMERAL_USER = 'temporaryaccessAImodelshare0a1b2c3d4e5f67890a1b2c3d4e5f6789';

/** The account the test records come from, as the invocation context of a function deployed there names it. */
export const OWN_ACCOUNT: OwnAccount = { known: true, account: ACCOUNT };
