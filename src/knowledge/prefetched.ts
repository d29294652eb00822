/**
 * Knowledge loaded before evaluating, for the Lambda functions: `factsNeeded(record)` says what a record's
 * rules will ask; loaders (one per fact kind, each around its SDK client, in src/knowledge/<service>*.ts)
 * fetch the answers; `knowledgeFromAnswers` serves them to the pure engine. A loader that fails answers
 * "unknown" with the reason (AccessDenied, throttled after the SDK's retries): the rule then says what it
 * could not know, and the event is still judged on the rest.
 */
import type { FactRequest, Knowledge, Known } from '../core/knowledge.ts';
import { NO_KNOWLEDGE } from '../engine/knowledge.ts';

type Kind = FactRequest['kind'];
type RequestOf<K extends Kind> = Extract<FactRequest, { kind: K }>;
type AnswerOf<K extends Kind> = ReturnType<Knowledge[K]>;

export type FactLoaders = { readonly [K in Kind]?: (request: RequestOf<K>) => Promise<AnswerOf<K>> };

export interface FactAnswer {
  readonly request: FactRequest;
  readonly answer: Known<unknown>;
}

function stable(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.entries(value)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => [k, stable(v)]);
}

/** One key per distinct request, whatever the order of its fields. */
export function factKey(request: FactRequest): string {
  return JSON.stringify(stable(request));
}

/** Loads each distinct request once; a kind without a loader is unknown, saying so. */
export async function loadFacts(
  requests: readonly FactRequest[],
  loaders: FactLoaders,
  describeError: (error: unknown) => string,
): Promise<FactAnswer[]> {
  const distinct = new Map(requests.map((request) => [factKey(request), request]));
  return Promise.all(
    [...distinct.values()].map(async (request): Promise<FactAnswer> => {
      const loader = loaders[request.kind] as ((r: FactRequest) => Promise<Known<unknown>>) | undefined;
      if (!loader)
        return { request, answer: { known: false, why: `this function does not read ${request.kind}` } };
      try {
        return { request, answer: await loader(request) };
      } catch (error) {
        return { request, answer: { known: false, why: describeError(error) } };
      }
    }),
  );
}

/** Serves loaded answers; a question that was not loaded falls through to `base`. */
export function knowledgeFromAnswers(
  answers: readonly FactAnswer[],
  base: Knowledge = NO_KNOWLEDGE,
): Knowledge {
  const byKey = new Map(answers.map((a) => [factKey(a.request), a.answer]));
  const lookup = <T>(request: FactRequest, fallback: () => Known<T>): Known<T> =>
    (byKey.get(factKey(request)) as Known<T> | undefined) ?? fallback();
  return {
    managedPolicy: (policyArn, at, versionId) =>
      lookup({ kind: 'managedPolicy', policyArn, ...(versionId ? { versionId } : {}) }, () =>
        base.managedPolicy(policyArn, at, versionId),
      ),
    groupPolicies: (groupName, at) =>
      lookup({ kind: 'groupPolicies', groupName }, () => base.groupPolicies(groupName, at)),
    policyEntities: (policyArn, at) =>
      lookup({ kind: 'policyEntities', policyArn }, () => base.policyEntities(policyArn, at)),
    principalPolicies: (principal, at) =>
      lookup({ kind: 'principalPolicies', principal }, () => base.principalPolicies(principal, at)),
    accessKeys: (userName, at) =>
      lookup({ kind: 'accessKeys', userName }, () => base.accessKeys(userName, at)),
    trail: (nameOrArn, at) => lookup({ kind: 'trail', nameOrArn }, () => base.trail(nameOrArn, at)),
    instanceTags: (instanceId, region, at) =>
      lookup({ kind: 'instanceTags', instanceId, region }, () => base.instanceTags(instanceId, region, at)),
  };
}

export interface PrefetchOptions {
  /** One line for an answer that could not be loaded (it becomes the unknown fact's `why`). */
  readonly describeError: (error: unknown) => string;
  /** Errors a retry of the whole event can fix (throttling after the SDK's own retries): thrown, not answered. */
  readonly isTransient?: (error: unknown) => boolean;
  /** Rounds of loading: some facts are asked only once others are known (a policy's holders, then their envelopes). */
  readonly rounds?: number;
}

/**
 * The Knowledge a record's evaluation needs, loaded: asks `needed` (the engine's factsNeeded) what to load,
 * loads it, and asks again with the answers until nothing new is asked (at most `rounds` times).
 */
export async function prefetchKnowledge(
  needed: (known: Knowledge) => readonly FactRequest[],
  loaders: FactLoaders,
  options: PrefetchOptions,
): Promise<{ readonly knowledge: Knowledge; readonly answers: readonly FactAnswer[] }> {
  const answers: FactAnswer[] = [];
  const asked = new Set<string>();
  let knowledge = NO_KNOWLEDGE;
  let transient: unknown;
  const describe = (error: unknown): string => {
    if (options.isTransient?.(error)) transient ??= error;
    return options.describeError(error);
  };
  for (let round = 0; round < (options.rounds ?? 3); round++) {
    const fresh = needed(knowledge).filter((request) => !asked.has(factKey(request)));
    if (fresh.length === 0) break;
    for (const request of fresh) asked.add(factKey(request));
    answers.push(...(await loadFacts(fresh, loaders, describe)));
    if (transient !== undefined) throw transient;
    knowledge = knowledgeFromAnswers(answers);
  }
  return { knowledge, answers };
}
