/**
 * `guardrail evaluate`: run the engine over records from files or stdin; no AWS call. Everything is read first
 * so what the input itself teaches (src/knowledge/offline.ts: keys created or deleted...) is known when each
 * record is judged as of its own eventTime, whatever order the records come in.
 */
import type { Baseline } from '../baseline/baseline.ts';
import type { Finding } from '../core/types.ts';
import { evaluate } from '../engine/evaluate.ts';
import type { SuppressedFinding } from '../engine/suppression.ts';
import type { Decoded } from '../events/decode.ts';
import { readInput } from '../events/read.ts';
import { offlineKnowledge } from '../knowledge/offline.ts';
import type { SkipLine } from './render.ts';

export interface EvaluateOutput {
  readonly findings: Finding[];
  readonly skipped: SkipLine[];
  readonly suppressed: SuppressedFinding[];
}

export async function evaluateInputs(paths: readonly string[], baseline: Baseline): Promise<EvaluateOutput> {
  const output: EvaluateOutput = { findings: [], skipped: [], suppressed: [] };
  const items: Decoded[] = [];
  for (const path of paths) items.push(...(await readInput(path)));
  const trail = offlineKnowledge();
  for (const item of items) if (item.kind === 'record') trail.learn(item.record);
  const knowledge = trail.knowledge();
  for (const item of items) {
    if (item.kind === 'malformed') {
      output.skipped.push({
        eventId: item.eventId ?? null,
        where: item.where,
        reason: `malformed record: ${item.reason}`,
      });
      continue;
    }
    const result = evaluate(item.record, baseline, { knowledge });
    if (result.kind === 'skipped') {
      output.skipped.push({ eventId: result.skip.eventId, where: item.where, reason: result.skip.reason });
    } else {
      output.findings.push(...result.findings);
      output.suppressed.push(...result.suppressed);
    }
  }
  return output;
}
