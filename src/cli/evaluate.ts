/** `guardrail evaluate`: run the engine over records from files or stdin; no AWS call. */
import type { Baseline } from '../baseline/baseline.ts';
import type { Finding } from '../core/types.ts';
import { evaluate } from '../engine/evaluate.ts';
import type { SuppressedFinding } from '../engine/suppression.ts';
import { CLOUDTRAIL_SHAPES, NOT_CLOUDTRAIL } from '../events/decode.ts';
import type { Stdin } from '../events/read.ts';
import { readInput } from '../events/read.ts';
import { offlineKnowledge } from '../knowledge/offline.ts';
import type { SkipLine } from './render.ts';

export interface EvaluateOutput {
  readonly findings: Finding[];
  readonly skipped: SkipLine[];
  readonly suppressed: SuppressedFinding[];
}

export interface EvaluateOptions {
  readonly stdin?: Stdin;
  /** One line for a person: an input that held no CloudTrail record at all. */
  readonly onNotice?: (line: string) => void;
}

/**
 * Every input is read and every record learned first (a policy version or an attachment anywhere in the input),
 * then each record is judged as of its own eventTime, so the order of the input does not change a verdict.
 */
export async function evaluateInputs(
  paths: readonly string[],
  baseline: Baseline,
  options: EvaluateOptions = {},
): Promise<EvaluateOutput> {
  const output: EvaluateOutput = { findings: [], skipped: [], suppressed: [] };
  const inputs: { readonly path: string; readonly items: Awaited<ReturnType<typeof readInput>> }[] = [];
  for (const path of paths) inputs.push({ path, items: await readInput(path, options.stdin) });
  const trail = offlineKnowledge();
  for (const { items } of inputs)
    for (const item of items) if (item.kind === 'record') trail.learn(item.record);
  const knowledge = trail.knowledge();
  for (const { path, items } of inputs) {
    // `[]`, `{"Records": []}` or a policy document: valid JSON, but nothing CloudTrail in it.
    if (items.every((item) => item.kind === 'malformed' && item.reason === NOT_CLOUDTRAIL)) {
      const source = path === '-' ? 'stdin' : path;
      options.onNotice?.(
        items.length === 0
          ? `${source}: no CloudTrail record in it (an empty list or log)`
          : `${source}: no CloudTrail record in it (${CLOUDTRAIL_SHAPES})`,
      );
    }
    for (const item of items) {
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
      const result = evaluate(item.record, baseline, { knowledge });
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
