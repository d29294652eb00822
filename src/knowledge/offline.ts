/**
 * The offline knowledge of `guardrail evaluate` and the replay: every ledger that learns from the trail, over a
 * base (the AWS managed-policy data, or nothing). A new ledger is one line here.
 */
import type { Knowledge } from '../core/knowledge.ts';
import { accessKeyLedger } from './keys.ts';
import type { Ledger } from './ledger.ts';
import { TrailKnowledge } from './trail.ts';

/** Fresh ledgers (each keeps what it learns). */
export function offlineLedgers(): Ledger[] {
  return [accessKeyLedger()];
}

export function offlineKnowledge(base?: Knowledge): TrailKnowledge {
  return new TrailKnowledge(offlineLedgers(), base);
}
