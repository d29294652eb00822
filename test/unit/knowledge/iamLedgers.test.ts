/**
 * The offline ledgers: what the trail says about policy versions, attachments and groups, as of a time,
 * whatever order the records were learned in (the replay learns them from parallel workers).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Knowledge } from '../../../src/core/knowledge.ts';
import type { CloudTrailRecord } from '../../../src/core/types.ts';
import { checkRecord } from '../../../src/events/record.ts';
import { attachmentLedger, policyVersionLedger } from '../../../src/knowledge/iamLedgers.ts';
import { TrailKnowledge } from '../../../src/knowledge/trail.ts';
import type { Json } from '../../helpers/records.ts';
import {
  attachPolicy,
  createGroup,
  createPolicy,
  createPolicyVersion,
  detachPolicy,
  record as iamRecord,
  policyArn,
  putGroupPolicy,
  setDefaultPolicyVersion,
} from '../../helpers/records.ts';

const doc = (action: string): Json => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
});
const at = (minute: number): { eventTime: string } => ({
  eventTime: `2026-01-01T10:${String(minute).padStart(2, '0')}:00Z`,
});
const ARN = policyArn('Team');

function record(json: Json): CloudTrailRecord {
  const checked = checkRecord(json);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.record;
}

/** Ledgers that learned `records` in the given order. */
function knowing(records: readonly Json[]): Knowledge {
  const trail = new TrailKnowledge([policyVersionLedger(), attachmentLedger()]);
  for (const json of records) trail.learn(record(json));
  return trail.knowledge();
}

const HISTORY: readonly Json[] = [
  createPolicy('Team', doc('s3:GetObject'), at(1)),
  attachPolicy('Role', 'app', ARN, at(2)),
  createPolicyVersion(ARN, doc('s3:*'), 'v2', true, at(3)),
  attachPolicy('User', 'dev', ARN, at(4)),
  createPolicyVersion(ARN, doc('ec2:*'), 'v3', false, at(5)),
  setDefaultPolicyVersion(ARN, 'v1', at(6)),
  detachPolicy('Role', 'app', ARN, at(7)),
];

const defaultAt = (k: Knowledge, minute: number) => {
  const answer = k.managedPolicy(ARN, at(minute).eventTime);
  return answer.known
    ? `${answer.value.versionId} ${JSON.parse(answer.value.document).Statement[0].Action}`
    : answer.why;
};
const holdersAt = (k: Knowledge, minute: number) => {
  const answer = k.policyEntities(ARN, at(minute).eventTime);
  return answer.known ? answer.value.map((e) => `${e.kind}/${e.name}`).sort() : answer.why;
};

describe('policy version ledger', () => {
  it('answers the default version and its document as of each time', () => {
    const k = knowing(HISTORY);
    expect(defaultAt(k, 0)).toMatch(/neither its creation nor a default version/);
    expect(defaultAt(k, 1)).toBe('v1 s3:GetObject');
    expect(defaultAt(k, 3)).toBe('v2 s3:*');
    // v3 was created without becoming the default.
    expect(defaultAt(k, 5)).toBe('v2 s3:*');
    expect(defaultAt(k, 6)).toBe('v1 s3:GetObject');
    const v3 = k.managedPolicy(ARN, at(9).eventTime, 'v3');
    expect(v3.known && v3.value.document).toContain('ec2:*');
    expect(k.managedPolicy(ARN, at(4).eventTime, 'v3')).toMatchObject({ known: false });
  });

  it('a default set to a version the records do not show is unknown, saying so', () => {
    const k = knowing([setDefaultPolicyVersion(ARN, 'v4', at(1))]);
    expect(defaultAt(k, 2)).toBe(
      `v4 of ${ARN} became its default, but the records read do not show that version being created`,
    );
  });

  it('a policy deleted and created again starts from its new v1', () => {
    const k = knowing([...HISTORY, createPolicy('Team', doc('sqs:SendMessage'), at(20))]);
    expect(defaultAt(k, 21)).toBe('v1 sqs:SendMessage');
    expect(k.managedPolicy(ARN, at(21).eventTime, 'v3')).toMatchObject({ known: false });
  });

  it('leaves AWS managed policies to the data it is given', () => {
    const aws = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    expect(knowing([]).managedPolicy(aws, at(1).eventTime)).toEqual({
      known: false,
      why: 'the AWS managed-policy data is not loaded here',
    });
  });
});

describe('attachment ledger', () => {
  it('knows who holds a policy since its creation, and nothing before the trail shows its creation', () => {
    const k = knowing(HISTORY);
    expect(holdersAt(k, 2)).toEqual(['role/app']);
    expect(holdersAt(k, 4)).toEqual(['role/app', 'user/dev']);
    expect(holdersAt(k, 7)).toEqual(['user/dev']);
    const partial = knowing(HISTORY.slice(1));
    expect(holdersAt(partial, 4)).toMatch(/do not show .* being created/);
  });

  it("knows a group's inline and managed policies once the trail shows the group created", () => {
    const records = [
      createGroup('ops', at(1)),
      putGroupPolicy('ops', 'inline', doc('s3:GetObject'), at(2)),
      attachPolicy('Group', 'ops', ARN, at(3)),
      iamRecord({
        eventName: 'DeleteGroupPolicy',
        eventSource: 'iam.amazonaws.com',
        requestParameters: { groupName: 'ops', policyName: 'inline' },
        ...at(4),
      }),
      detachPolicy('Group', 'ops', ARN, at(5)),
    ];
    const k = knowing(records);
    const names = (minute: number) => {
      const answer = k.groupPolicies('OPS', at(minute).eventTime);
      return answer.known ? answer.value.map((p) => `${p.kind}:${p.policyArn ?? p.name}`) : answer.why;
    };
    expect(names(3)).toEqual(['inline:inline', `managed:${ARN}`]);
    expect(names(4)).toEqual([`managed:${ARN}`]);
    expect(names(5)).toEqual([]);
    expect(knowing(records.slice(1)).groupPolicies('ops', at(9).eventTime)).toMatchObject({ known: false });
  });

  it('answers the same whatever order the records were learned in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...HISTORY], { minLength: HISTORY.length }), (shuffled) => {
        const k = knowing(shuffled);
        const reference = knowing(HISTORY);
        for (const minute of [0, 1, 2, 3, 4, 5, 6, 7, 8]) {
          expect(defaultAt(k, minute)).toEqual(defaultAt(reference, minute));
          expect(holdersAt(k, minute)).toEqual(holdersAt(reference, minute));
        }
      }),
      { numRuns: 50 },
    );
  });
});
