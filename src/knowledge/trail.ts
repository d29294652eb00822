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

/**
 * A Knowledge that notes whether it was asked a question the trail could answer: the replay's workers
 * evaluate with what needs no trail (the AWS managed-policy data) and hand a record that asked such a question
 * back to the main thread, which judges it once every worker's teaching records are learned.
 */
export interface TrailWatch {
  readonly knowledge: Knowledge;
  /** Whether a record carries facts a ledger learns (collected from every worker). */
  teaches(record: Pick<CloudTrailRecord, 'eventName' | 'eventSource' | 'errorCode'>): boolean;
  /** Whether a question the trail could answer was asked since the last call; resets. */
  takeAsked(): boolean;
}

function timeOf(record: CloudTrailRecord): number {
  const ms = Date.parse(record.eventTime);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

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

  /**
   * Learns records in one order whatever order they came in: by eventTime, then eventID. Facts of the same
   * second (an attachment and a detachment) then settle the same way whichever file or thread held them.
   */
  learnAll(records: Iterable<CloudTrailRecord>): void {
    const sorted = [...records]
      .filter((record) => this.teaches(record))
      .sort((a, b) => timeOf(a) - timeOf(b) || (a.eventID < b.eventID ? -1 : a.eventID > b.eventID ? 1 : 0));
    for (const record of sorted) this.learn(record);
  }

  /** Whether a ledger could answer this question from the trail (TrailWatch). */
  asksTrail(name: keyof Knowledge, args: readonly unknown[]): boolean {
    return this.#ledgers.some(
      (ledger) => ledger.answers[name] !== undefined && (ledger.fromTrail?.(name, args) ?? true),
    );
  }

  /** This knowledge as it stands, noting every question the trail could answer (TrailWatch). */
  watching(): TrailWatch {
    const knowledge = this.knowledge();
    let asked = false;
    const names = Object.keys(NO_KNOWLEDGE) as (keyof Knowledge)[];
    const watched = Object.fromEntries(
      names.map((name) => [
        name,
        (...args: unknown[]) => {
          if (!asked && this.asksTrail(name, args)) asked = true;
          return (knowledge[name] as (...a: unknown[]) => Known<unknown>)(...args);
        },
      ]),
    ) as unknown as Knowledge;
    return {
      knowledge: watched,
      teaches: (record) => this.teaches(record),
      takeAsked: () => {
        const was = asked;
        asked = false;
        return was;
      },
    };
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
