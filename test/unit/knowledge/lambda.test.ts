/** src/knowledge/lambda.ts: what a function reads before evaluating, and in which account. */
import { describe, expect, it, vi } from 'vitest';
import type { CloudTrailRecord } from '../../../src/core/types.ts';
import { checkRecord } from '../../../src/events/record.ts';
import { recordKnowledge } from '../../../src/knowledge/lambda.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { OWN_ACCOUNT } from '../../helpers/findings.ts';
import { createUser, modifyImds } from '../../helpers/records.ts';

function record(json: unknown): CloudTrailRecord {
  const checked = checkRecord(json);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.record;
}

const ID = 'i-0a1b2c3d4e5f60718';
const hop2 = record(modifyImds(ID, { HttpTokens: 'required', HttpPutResponseHopLimit: 2 }));
const AT = '2026-11-20T10:15:29Z';
const tags = () => vi.fn(async () => ({ known: true as const, value: { a: 'b' }, source: 'ec2' as const }));

describe('recordKnowledge', () => {
  it('asks nothing for a record whose rules need no fact', async () => {
    const instanceTags = tags();
    const knowledge = await recordKnowledge({ own: { instanceTags } })(
      record(createUser('bob')),
      exampleBaseline(),
      OWN_ACCOUNT,
    );
    expect(instanceTags).not.toHaveBeenCalled();
    expect(knowledge.instanceTags(ID, 'eu-west-1', AT).known).toBe(false);
  });

  it("reads an instance's tags with the loaders of the event's own account", async () => {
    const instanceTags = tags();
    const member = vi.fn();
    const knowledge = await recordKnowledge({ own: { instanceTags }, member })(
      hop2,
      exampleBaseline(),
      OWN_ACCOUNT,
    );
    expect(member).not.toHaveBeenCalled();
    expect(instanceTags).toHaveBeenCalledWith({ kind: 'instanceTags', instanceId: ID, region: 'eu-west-1' });
    expect(knowledge.instanceTags(ID, 'eu-west-1', AT)).toEqual({
      known: true,
      value: { a: 'b' },
      source: 'ec2',
    });
  });

  it("reads another account's instance through that account's member loaders, built once", async () => {
    const instanceTags = tags();
    const member = vi.fn(() => ({ instanceTags }));
    const read = recordKnowledge({ own: { instanceTags: tags() }, member });
    const elsewhere = { known: true, account: '210987654321' } as const;
    await read(hop2, exampleBaseline(), elsewhere);
    await read(hop2, exampleBaseline(), elsewhere);
    expect(member).toHaveBeenCalledTimes(1);
    expect(member).toHaveBeenCalledWith('123456789012');
    expect(instanceTags).toHaveBeenCalledTimes(2);
  });

  it('an account it cannot read: the fact is unknown with the reason, nothing read with its own role', async () => {
    const instanceTags = tags();
    const elsewhere = { known: true, account: '210987654321' } as const;
    const knowledge = await recordKnowledge({ own: { instanceTags } })(hop2, exampleBaseline(), elsewhere);
    expect(instanceTags).not.toHaveBeenCalled();
    expect(knowledge.instanceTags(ID, 'eu-west-1', AT)).toEqual({
      known: false,
      why: "account 123456789012 is not this function's and no member role is configured to read it",
    });
  });
});
