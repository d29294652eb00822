/** The Knowledge plumbing: ledgers over a base (offline), and answers loaded beforehand (Lambda). */
import { describe, expect, it } from 'vitest';
import type { AccessKeyFact, FactRequest, Known } from '../../../src/core/knowledge.ts';
import type { CloudTrailRecord } from '../../../src/core/types.ts';
import { knowledgeWith, NO_KNOWLEDGE } from '../../../src/engine/knowledge.ts';
import { checkRecord } from '../../../src/events/record.ts';
import { attachmentLedger, policyVersionLedger } from '../../../src/knowledge/iamLedgers.ts';
import type { Ledger } from '../../../src/knowledge/ledger.ts';
import { factKey, knowledgeFromAnswers, loadFacts } from '../../../src/knowledge/prefetched.ts';
import { TrailKnowledge } from '../../../src/knowledge/trail.ts';
import {
  attachPolicy,
  createAccessKey,
  createPolicy,
  createUser,
  detachPolicy,
} from '../../helpers/records.ts';

function record(json: unknown): CloudTrailRecord {
  const checked = checkRecord(json);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.record;
}

/** A toy ledger: the keys CreateAccessKey records created, by user, as of a time. */
function keyLedger(): Ledger {
  const keys: { user: string; at: string; id: string }[] = [];
  return {
    learnsFrom: ['CreateAccessKey'],
    learn(subject, rec) {
      if (subject.kind === 'CreateAccessKey' && subject.userName)
        keys.push({ user: subject.userName, at: rec.eventTime, id: subject.accessKeyId ?? '?' });
    },
    answers: {
      accessKeys: (userName, at): Known<readonly AccessKeyFact[]> => {
        const mine = keys.filter((k) => k.user === userName && k.at < at);
        return mine.length > 0
          ? {
              known: true,
              source: 'trail',
              value: mine.map((k) => ({ accessKeyId: k.id, status: 'Active' })),
            }
          : { known: false, why: `no key of ${userName} in the trail` };
      },
    },
  };
}

describe('TrailKnowledge', () => {
  it('learns only from the events its ledgers name, and answers as of a time whatever the learning order', () => {
    const trail = new TrailKnowledge([keyLedger()]);
    const late = record(createAccessKey('svc', { eventTime: '2026-02-01T00:00:00Z' }));
    const early = record(createAccessKey('svc', { eventTime: '2026-01-01T00:00:00Z' }));
    expect(trail.teaches(late)).toBe(true);
    expect(trail.teaches(record(createUser('svc')))).toBe(false);
    expect(trail.teaches({ ...late, errorCode: 'AccessDenied' })).toBe(false);
    trail.learn(late);
    trail.learn(early);
    trail.learn(record(createUser('svc')));
    expect(trail.learned).toBe(2);
    const knowledge = trail.knowledge();
    const mid = knowledge.accessKeys('svc', '2026-01-15T00:00:00Z');
    expect(mid.known && mid.value).toHaveLength(1);
    const after = knowledge.accessKeys('svc', '2026-03-01T00:00:00Z');
    expect(after.known && after.value).toHaveLength(2);
    expect(knowledge.accessKeys('other', '2026-03-01T00:00:00Z')).toEqual({
      known: false,
      why: 'no key of other in the trail',
    });
  });

  it('notes the questions the trail could answer, and only those (the replay defers on them)', () => {
    const managed = (policyArn: string): Known<never> => ({ known: false, why: `no data for ${policyArn}` });
    const trail = new TrailKnowledge([policyVersionLedger(managed), attachmentLedger()]);
    const watch = trail.watching();
    const at = '2026-01-01T00:00:00Z';
    const aws = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const own = 'arn:aws:iam::123456789012:policy/Mine';
    // AWS managed documents and holders, and a principal's own policies: no trail tells them.
    expect(watch.knowledge.managedPolicy(aws, at)).toEqual(managed(aws));
    watch.knowledge.policyEntities(aws, at);
    watch.knowledge.principalPolicies({ kind: 'role', name: 'r' }, at);
    expect(watch.takeAsked()).toBe(false);
    for (const ask of [
      () => watch.knowledge.managedPolicy(own, at),
      () => watch.knowledge.policyEntities(own, at),
      () => watch.knowledge.groupPolicies('ops', at),
    ]) {
      ask();
      expect(watch.takeAsked()).toBe(true);
      expect(watch.takeAsked()).toBe(false);
    }
    // The answers are the knowledge's own.
    expect(watch.knowledge.managedPolicy(own, at)).toEqual(trail.knowledge().managedPolicy(own, at));
  });

  it('learns in one order whatever order the records come in: eventTime, then eventID', () => {
    const arn = 'arn:aws:iam::123456789012:policy/P';
    const same = '2026-01-01T00:00:00Z';
    const attach = record({
      ...attachPolicy('Role', 'r', arn, { eventTime: same }),
      eventID: '00000000-0000-0000-0000-00000000000a',
    });
    const detach = record({
      ...detachPolicy('Role', 'r', arn, { eventTime: same }),
      eventID: '00000000-0000-0000-0000-00000000000b',
    });
    const create = record(
      createPolicy(
        'P',
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
        { eventTime: '2025-12-31T00:00:00Z' },
      ),
    );
    const holders = (records: CloudTrailRecord[]) => {
      const trail = new TrailKnowledge([attachmentLedger()]);
      trail.learnAll(records);
      return trail.knowledge().policyEntities(arn, same);
    };
    expect(holders([create, attach, detach])).toEqual(holders([detach, attach, create]));
    expect(holders([detach, create, attach])).toEqual({ known: true, source: 'trail', value: [] });
  });

  it('falls through to the base for what no ledger knows', () => {
    const base = knowledgeWith({
      managedPolicy: (policyArn, _at, versionId) => ({
        known: true,
        source: 'aws-managed-data',
        value: { policyArn, versionId: versionId ?? 'v1', document: '{}' },
      }),
    });
    const knowledge = new TrailKnowledge([keyLedger()], base).knowledge();
    expect(
      knowledge.managedPolicy('arn:aws:iam::aws:policy/ReadOnlyAccess', '2026-01-01T00:00:00Z'),
    ).toMatchObject({
      known: true,
      source: 'aws-managed-data',
    });
    expect(knowledge.trail('t', '2026-01-01T00:00:00Z').known).toBe(false);
  });
});

describe('prefetched knowledge', () => {
  it('keys requests whatever the order of their fields', () => {
    expect(factKey({ kind: 'principalPolicies', principal: { kind: 'role', name: 'r' } })).toBe(
      factKey({ principal: { name: 'r', kind: 'role' }, kind: 'principalPolicies' } as FactRequest),
    );
  });

  it('loads each distinct request once; a failing or missing loader answers unknown with the reason', async () => {
    let calls = 0;
    const answers = await loadFacts(
      [
        { kind: 'accessKeys', userName: 'svc' },
        { kind: 'accessKeys', userName: 'svc' },
        { kind: 'accessKeys', userName: 'boom' },
        { kind: 'trail', nameOrArn: 't' },
      ],
      {
        accessKeys: async ({ userName }) => {
          calls += 1;
          if (userName === 'boom') throw new Error('AccessDenied');
          return { known: true, source: 'iam', value: [{ accessKeyId: 'AKIA1', status: 'Active' }] };
        },
      },
      (error) => `denied: ${(error as Error).message}`,
    );
    expect(calls).toBe(2);
    const knowledge = knowledgeFromAnswers(answers);
    expect(knowledge.accessKeys('svc', 'now')).toMatchObject({ known: true, source: 'iam' });
    expect(knowledge.accessKeys('boom', 'now')).toEqual({ known: false, why: 'denied: AccessDenied' });
    expect(knowledge.trail('t', 'now')).toEqual({ known: false, why: 'this function does not read trail' });
    expect(knowledge.groupPolicies('g', 'now')).toEqual(NO_KNOWLEDGE.groupPolicies('g', 'now'));
  });
});
