/**
 * The Knowledge the event functions evaluate with: the facts `factsNeeded` asks for, read from the IAM of the
 * record's own account. The function's own account is read with its own role; a member account's through its
 * guardrail-remediator role (infra/member-account.yml) when one is configured. Nothing account-specific is
 * ever read from the wrong account (a role of the same name elsewhere is another role): without a way into the
 * record's account, only AWS managed documents (the same in every account) are read, and the rest is unknown,
 * saying why.
 */

import type { OwnAccount } from '../actions/plan.ts';
import { describeAwsError, isTransientAwsError } from '../aws/errors.ts';
import type { Baseline } from '../baseline/baseline.ts';
import type { Knowledge, Known } from '../core/knowledge.ts';
import type { CloudTrailRecord } from '../core/types.ts';
import { factsNeeded } from '../engine/evaluate.ts';
import { accountOf } from '../events/subjects/index.ts';
import type { FactLoaders } from './prefetched.ts';
import { prefetchKnowledge } from './prefetched.ts';

const AWS_POLICY = /^arn:aws[\w-]*:iam::aws:policy\//;

/** Only what is the same in every account: AWS managed policy documents; every other fact unknown, saying why. */
function awsManagedOnly(loaders: FactLoaders, why: string): FactLoaders {
  const unknown = async (): Promise<Known<never>> => ({ known: false, why });
  return {
    managedPolicy: (request) =>
      AWS_POLICY.test(request.policyArn) && loaders.managedPolicy
        ? loaders.managedPolicy(request)
        : unknown(),
    groupPolicies: unknown,
    policyEntities: unknown,
    principalPolicies: unknown,
    accessKeys: unknown,
    trail: unknown,
    instanceTags: unknown,
  };
}

export interface RecordKnowledgeOptions {
  /** Loaders over the function's own account. */
  readonly own: FactLoaders;
  /** Loaders over a member account (through its guardrail-remediator role), when member access is configured. */
  readonly member?: (account: string) => FactLoaders;
}

export type RecordKnowledge = (
  record: CloudTrailRecord,
  baseline: Baseline,
  own: OwnAccount,
) => Promise<Knowledge>;

export function recordKnowledge(options: RecordKnowledgeOptions): RecordKnowledge {
  const members = new Map<string, FactLoaders>();
  const loadersFor = (account: string, own: OwnAccount): FactLoaders => {
    if (own.known && account === own.account) return options.own;
    if (!own.known)
      return awsManagedOnly(options.own, `the function's own account is not known (${own.reason})`);
    if (!options.member || !/^\d{12}$/.test(account)) {
      return awsManagedOnly(
        options.own,
        `account ${account || '(none)'} is not this function's and no member role is configured to read it`,
      );
    }
    let loaders = members.get(account);
    if (!loaders) {
      loaders = options.member(account);
      members.set(account, loaders);
    }
    return loaders;
  };
  return async (record, baseline, own) => {
    const loaders = loadersFor(accountOf(record), own);
    const { knowledge } = await prefetchKnowledge((known) => factsNeeded(record, baseline, known), loaders, {
      describeError: (error) => `IAM said ${describeAwsError(error)}`,
      isTransient: isTransientAwsError,
    });
    return knowledge;
  };
}
