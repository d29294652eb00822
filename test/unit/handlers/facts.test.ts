/** handlers/lib/facts.ts: what a function reads before evaluating, in which account, and what it logs. */
import { describe, expect, it, vi } from 'vitest';
import { factsLoader } from '../../../handlers/lib/facts.ts';
import type { CloudTrailRecord } from '../../../src/core/types.ts';
import { checkRecord } from '../../../src/events/record.ts';
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

describe('factsLoader', () => {
  it('asks nothing for a record whose rules need no fact', async () => {
    const loadersFor = vi.fn();
    const warn = vi.fn();
    const knowledge = await factsLoader(loadersFor, { warn })(
      record(createUser('bob')),
      exampleBaseline(),
      OWN_ACCOUNT,
    );
    expect(loadersFor).not.toHaveBeenCalled();
    expect(knowledge.instanceTags(ID, 'eu-west-1', AT).known).toBe(false);
  });

  it("reads an instance's tags with the loaders of the event's account", async () => {
    const instanceTags = vi.fn(async () => ({
      known: true as const,
      value: { a: 'b' },
      source: 'ec2' as const,
    }));
    const loadersFor = vi.fn(() => ({ instanceTags }));
    const knowledge = await factsLoader(loadersFor, { warn: vi.fn() })(hop2, exampleBaseline(), OWN_ACCOUNT);
    expect(loadersFor).toHaveBeenCalledWith('123456789012', OWN_ACCOUNT);
    expect(instanceTags).toHaveBeenCalledWith({ kind: 'instanceTags', instanceId: ID, region: 'eu-west-1' });
    expect(knowledge.instanceTags(ID, 'eu-west-1', AT)).toEqual({
      known: true,
      value: { a: 'b' },
      source: 'ec2',
    });
  });

  it('an account it cannot read: every fact unknown with the reason, logged once each', async () => {
    const warn = vi.fn();
    const why = 'the event is from account 210987654321, and no member role is configured to read it';
    const knowledge = await factsLoader(() => ({ unreadable: why }), { warn })(
      hop2,
      exampleBaseline(),
      OWN_ACCOUNT,
    );
    expect(knowledge.instanceTags(ID, 'eu-west-1', AT)).toEqual({ known: false, why });
    expect(warn).toHaveBeenCalledWith('fact unknown', {
      fact: { kind: 'instanceTags', instanceId: ID, region: 'eu-west-1' },
      why,
    });
  });
});
