/**
 * The offline Knowledge of `guardrail evaluate` and `guardrail replay`: what the trail's own records say
 * (ledgers, src/knowledge/ledger.ts) over a base (the AWS managed-policy data, or nothing). A getter answered
 * by a ledger as unknown falls through to the next ledger, then to the base.
 */
import type { Knowledge, Known } from '../core/knowledge.ts';
import type { CloudTrailRecord } from '../core/types.ts';
import { NO_KNOWLEDGE } from '../engine/knowledge.ts';
import { extractSubject, watchedEventOf } from '../events/subjects/index.ts';
import type { Ledger } from './ledger.ts';

type Getter = (...args: never[]) => Known<unknown>;

export class TrailKnowledge {
  readonly #ledgers: readonly Ledger[];
  readonly #base: Knowledge;
  readonly #learnsFrom: ReadonlySet<string>;
  #learned = 0;

  constructor(ledgers: readonly Ledger[], base: Knowledge = NO_KNOWLEDGE) {
    this.#ledgers = ledgers;
    this.#base = base;
    this.#learnsFrom = new Set(ledgers.flatMap((ledger) => ledger.learnsFrom));
  }

  /** Whether a record carries facts a ledger learns (the replay collects these from every worker). */
  teaches(record: Pick<CloudTrailRecord, 'eventName' | 'eventSource' | 'errorCode'>): boolean {
    if (record.errorCode) return false;
    const name = watchedEventOf(record);
    return name !== undefined && this.#learnsFrom.has(name);
  }

  /** Learns what a record says; records that teach nothing (or cannot be read) are ignored. */
  learn(record: CloudTrailRecord): void {
    if (!this.teaches(record)) return;
    const extracted = extractSubject(record);
    if (!extracted.ok) return;
    for (const ledger of this.#ledgers) {
      if (ledger.learnsFrom.includes(extracted.subject.kind)) ledger.learn(extracted.subject, record);
    }
    this.#learned += 1;
  }

  /** Records learned so far (for summaries). */
  get learned(): number {
    return this.#learned;
  }

  /** The Knowledge to evaluate with: each getter asks the ledgers in order, then the base. */
  knowledge(): Knowledge {
    const ask =
      (name: keyof Knowledge): Getter =>
      (...args) => {
        let first: Known<unknown> | undefined;
        for (const ledger of this.#ledgers) {
          const getter = ledger.answers[name] as Getter | undefined;
          if (!getter) continue;
          const answer = getter(...args);
          if (answer.known) return answer;
          first ??= answer;
        }
        const answer = (this.#base[name] as Getter)(...args);
        return answer.known || !first ? answer : first;
      };
    const names = Object.keys(NO_KNOWLEDGE) as (keyof Knowledge)[];
    return Object.fromEntries(names.map((name) => [name, ask(name)])) as unknown as Knowledge;
  }
}
