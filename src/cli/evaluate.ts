/** `guardrail evaluate`: run the engine over records from files or stdin; no AWS call. */
import type { Baseline } from '../baseline/baseline.ts';
import type { SuppressedFinding } from '../core/engine.ts';
import { evaluate } from '../core/engine.ts';
import type { Finding } from '../core/types.ts';
import { readInput } from '../events/read.ts';
import type { SkipLine } from './render.ts';

export interface EvaluateOutput {
  readonly findings: Finding[];
  readonly skipped: SkipLine[];
  readonly suppressed: SuppressedFinding[];
}

export async function evaluateInputs(paths: readonly string[], baseline: Baseline): Promise<EvaluateOutput> {
  const output: EvaluateOutput = { findings: [], skipped: [], suppressed: [] };
  for (const path of paths) {
    for (const item of await readInput(path)) {
      if (item.kind === 'skipped') {
        output.skipped.push({ eventId: item.eventId ?? null, where: item.where, reason: item.reason });
        continue;
      }
      if (item.kind === 'malformed') {
        output.skipped.push({
          eventId: item.eventId ?? null,
          where: item.where,
          reason: `malformed record: ${item.reason}`,
        });
        continue;
      }
      const result = evaluate(item.record, baseline);
      if (result.kind === 'skipped') {
        output.skipped.push({ eventId: result.skip.eventId, where: item.where, reason: result.skip.reason });
      } else {
        output.findings.push(...result.findings);
        output.suppressed.push(...result.suppressed);
      }
    }
  }
  return output;
}
