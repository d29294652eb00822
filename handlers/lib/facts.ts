/**
 * The facts a CloudTrail function loads before evaluating a record: what `factsNeeded` says the record's rules
 * will ask (nothing for most records), read with the loaders of the record's account, served to the pure engine
 * as a Knowledge. A fact that cannot be read is unknown with the reason, logged, and the rule says so.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { describeAwsError } from '../../src/actions/awsError.ts';
import type { OwnAccount } from '../../src/actions/plan.ts';
import type { Baseline } from '../../src/baseline/baseline.ts';
import type { Knowledge } from '../../src/core/knowledge.ts';
import type { CloudTrailRecord } from '../../src/core/types.ts';
import { factsNeeded } from '../../src/engine/evaluate.ts';
import { NO_KNOWLEDGE } from '../../src/engine/knowledge.ts';
import { accountOf } from '../../src/events/subjects/index.ts';
import type { FactLoaders } from '../../src/knowledge/prefetched.ts';
import { knowledgeFromAnswers, loadFacts } from '../../src/knowledge/prefetched.ts';

/** The loaders for an account, or why its facts cannot be read from here. */
export type LoadersFor = (account: string, own: OwnAccount) => FactLoaders | { readonly unreadable: string };

export function factsLoader(
  loadersFor: LoadersFor,
  logger: Pick<Logger, 'warn'>,
): (record: CloudTrailRecord, baseline: Baseline, own: OwnAccount) => Promise<Knowledge> {
  return async (record, baseline, own) => {
    const requests = factsNeeded(record, baseline);
    if (requests.length === 0) return NO_KNOWLEDGE;
    const loaders = loadersFor(accountOf(record), own);
    const answers =
      'unreadable' in loaders
        ? requests.map((request) => ({
            request,
            answer: { known: false as const, why: loaders.unreadable as string },
          }))
        : await loadFacts(requests, loaders, describeAwsError);
    for (const { request, answer } of answers) {
      if (!answer.known) logger.warn('fact unknown', { fact: request, why: answer.why });
    }
    return knowledgeFromAnswers(answers);
  };
}
