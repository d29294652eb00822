/**
 * An approved user's new access key (issue 15.4) and the facts it is judged with: the trail's key events
 * offline (src/knowledge/keys.ts), IAM's ListAccessKeys in the Lambda (src/knowledge/iam-keys.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateInputs } from '../../../src/cli/evaluate.ts';
import type { Knowledge } from '../../../src/core/knowledge.ts';
import type { CloudTrailRecord, Finding } from '../../../src/core/types.ts';
import { evaluate } from '../../../src/engine/evaluate.ts';
import { checkRecord } from '../../../src/events/record.ts';
import { accessKeysLoader } from '../../../src/knowledge/iam-keys.ts';
import { accessKeyLedger } from '../../../src/knowledge/keys.ts';
import { recordKnowledge } from '../../../src/knowledge/lambda.ts';
import { offlineKnowledge } from '../../../src/knowledge/offline.ts';
import { TrailKnowledge } from '../../../src/knowledge/trail.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { OWN_ACCOUNT } from '../../helpers/findings.ts';
import type { Json } from '../../helpers/records.ts';
import { createAccessKey, deleteAccessKey, identities, updateAccessKey } from '../../helpers/records.ts';

const SERVICE = 'cml-cloud-manager-service';
const OLD = 'AKIAEXAMPLEOLDKEY001';
const NEW = 'AKIAEXAMPLENEWKEY002';

function record(json: Json): CloudTrailRecord {
  const checked = checkRecord(json);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.record;
}

const at = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00Z`;
const oldKey = record(createAccessKey(SERVICE, { eventTime: at(0), accessKeyId: OLD }));
const selfRotation = record(
  createAccessKey(undefined, { userIdentity: identities.cmlService, eventTime: at(30), accessKeyId: NEW }),
);

function keyFinding(rec: CloudTrailRecord, knowledge?: Knowledge): Finding {
  const result = evaluate(rec, exampleBaseline(), knowledge ? { knowledge } : {});
  if (result.kind !== 'evaluated') throw new Error(result.skip.reason);
  const [finding] = result.findings.filter((f) => f.ruleId === 'iam.accesskey.long-lived');
  if (!finding) throw new Error('no iam.accesskey.long-lived finding');
  return finding;
}

describe('the key ledger (offline)', () => {
  it('folds creations, status changes and deletions as of a time, whatever the learning order', () => {
    const events = [
      oldKey,
      record(updateAccessKey(SERVICE, OLD, 'Inactive', { eventTime: at(10) })),
      record(createAccessKey(SERVICE, { eventTime: at(10), accessKeyId: 'AKIAEXAMPLESAMESEC01' })),
      record(deleteAccessKey(SERVICE, OLD, { eventTime: at(20) })),
    ];
    for (const order of [events, [...events].reverse()]) {
      const trail = new TrailKnowledge([accessKeyLedger()]);
      for (const e of order) trail.learn(e);
      const keys = (time: string) => {
        const answer = trail.knowledge().accessKeys(SERVICE.toUpperCase(), time);
        return answer.known ? answer.value.map((k) => `${k.accessKeyId}:${k.status}`) : answer.why;
      };
      expect(keys(at(0))).toMatch(/^no access key of CML-CLOUD-MANAGER-SERVICE appears in the trail before/);
      expect(keys(at(5))).toEqual([`${OLD}:Active`]);
      expect(keys(at(15))).toEqual([`${OLD}:Inactive`, 'AKIAEXAMPLESAMESEC01:Active']);
      expect(keys(at(25))).toEqual(['AKIAEXAMPLESAMESEC01:Active']);
    }
  });

  it("learns a key it never saw created from an UpdateAccessKey, and the caller's own key when no user is named", () => {
    const trail = new TrailKnowledge([accessKeyLedger()]);
    trail.learn(record(updateAccessKey(undefined, OLD, 'Active', { userIdentity: identities.cmlService })));
    const answer = trail.knowledge().accessKeys(SERVICE, at(59));
    expect(answer).toEqual({ known: true, source: 'trail', value: [{ accessKeyId: OLD, status: 'Active' }] });
  });
});

describe("an approved user's new key, judged with what the trail says", () => {
  const judged = (...records: CloudTrailRecord[]) => {
    const trail = offlineKnowledge();
    for (const r of records) trail.learn(r);
    return keyFinding(selfRotation, trail.knowledge());
  };

  it('is high when the user itself adds a second key while the first is active (persistence)', () => {
    const finding = judged(oldKey, selfRotation);
    expect(finding.severity).toBe('high');
    expect(finding.details).toMatchObject({
      createdByUser: true,
      raisedBecause: [`the user already holds active key ${OLD}`],
      existingKeys: { source: 'trail', active: [OLD] },
    });
    expect(finding.summary).toContain(`already holds active key ${OLD}`);
  });

  it('is info when the user rotates by deactivating (or deleting) the old key first', () => {
    const deactivated = record(updateAccessKey(SERVICE, OLD, 'Inactive', { eventTime: at(20) }));
    expect(judged(oldKey, deactivated, selfRotation).severity).toBe('info');
    const deleted = record(
      deleteAccessKey(undefined, OLD, { eventTime: at(20), userIdentity: identities.cmlService }),
    );
    expect(judged(oldKey, deleted, selfRotation).severity).toBe('info');
  });

  it('is info, saying what it could not know, when the trail shows no earlier key', () => {
    const finding = judged(selfRotation);
    expect(finding.severity).toBe('info');
    expect(finding.details.existingKeys).toMatchObject({
      unknown: expect.stringMatching(/not known offline$/),
    });
  });

  it('is judged the same by guardrail evaluate over the file, whatever the order of its records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guardrail-keys-'));
    const file = join(dir, 'trail.json');
    writeFileSync(file, JSON.stringify({ Records: [selfRotation, oldKey] }));
    const output = await evaluateInputs([file], exampleBaseline());
    const severities = output.findings
      .filter((f) => f.ruleId === 'iam.accesskey.long-lived')
      .map((f) => [f.eventTime, f.severity]);
    expect(severities).toEqual([
      [at(30), 'high'],
      [at(0), 'info'],
    ]);
  });
});

describe('the accessKeys fact in the Lambda (ListAccessKeys)', () => {
  const iam = mockClient(IAMClient);
  afterEach(() => iam.reset());
  const baseline = exampleBaseline();
  const prefetch = (
    rec: CloudTrailRecord,
    loader = accessKeysLoader(new IAMClient({ region: 'us-east-1' })),
  ) => recordKnowledge({ own: { accessKeys: loader } })(rec, baseline, OWN_ACCOUNT);

  it('raises a key made by another principal while the user holds another active key', async () => {
    const backdoor = record(createAccessKey(SERVICE, { userIdentity: identities.intern, accessKeyId: NEW }));
    iam.on(ListAccessKeysCommand, { UserName: SERVICE }).resolves({
      AccessKeyMetadata: [
        {
          UserName: SERVICE,
          AccessKeyId: OLD,
          Status: 'Active',
          CreateDate: new Date('2026-08-01T00:00:00Z'),
        },
        {
          UserName: SERVICE,
          AccessKeyId: NEW,
          Status: 'Active',
          CreateDate: new Date('2026-11-20T10:30:00Z'),
        },
      ],
    });
    const knowledge = await prefetch(backdoor);
    expect(iam.commandCalls(ListAccessKeysCommand).map((c) => c.args[0].input.UserName)).toEqual([SERVICE]);
    const finding = keyFinding(backdoor, knowledge);
    expect(finding.severity).toBe('high');
    expect(finding.details).toMatchObject({
      createdByKeyManager: false,
      existingKeys: { source: 'iam', active: [OLD] },
      raisedBecause: [
        'created by someone other than the user or its key managers',
        `the user already holds active key ${OLD}`,
      ],
    });
  });

  it('keeps the user rotating its own key info: the new key itself is not "another" key', async () => {
    iam.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [
        { UserName: SERVICE, AccessKeyId: OLD, Status: 'Inactive' },
        { UserName: SERVICE, AccessKeyId: NEW, Status: 'Active' },
      ],
    });
    const knowledge = await prefetch(selfRotation);
    expect(keyFinding(selfRotation, knowledge).severity).toBe('info');
  });

  it('reads every page, and reads a user once within the cache time', async () => {
    let now = 0;
    iam
      .on(ListAccessKeysCommand)
      .resolvesOnce({
        AccessKeyMetadata: [{ AccessKeyId: OLD, Status: 'Active' }],
        IsTruncated: true,
        Marker: 'm',
      })
      .resolves({ AccessKeyMetadata: [{ AccessKeyId: NEW, Status: 'Active' }], IsTruncated: false });
    const loader = accessKeysLoader(new IAMClient({ region: 'us-east-1' }), { ttlMs: 1000, now: () => now });
    const first = await loader({ kind: 'accessKeys', userName: SERVICE });
    expect(first.known && first.value.map((k) => k.accessKeyId)).toEqual([OLD, NEW]);
    await loader({ kind: 'accessKeys', userName: SERVICE.toUpperCase() });
    expect(iam.commandCalls(ListAccessKeysCommand)).toHaveLength(2);
    expect(iam.commandCalls(ListAccessKeysCommand)[1]?.args[0].input).toMatchObject({ Marker: 'm' });
    now = 1001;
    await loader({ kind: 'accessKeys', userName: SERVICE });
    expect(iam.commandCalls(ListAccessKeysCommand)).toHaveLength(3);
  });

  it('turns a refused read into an unknown fact with the reason, and the finding says so', async () => {
    iam.on(ListAccessKeysCommand).rejects(
      Object.assign(
        new Error(
          'User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: iam:ListAccessKeys',
        ),
        {
          name: 'AccessDenied',
        },
      ),
    );
    const knowledge = await prefetch(selfRotation);
    expect(knowledge.accessKeys(SERVICE, selfRotation.eventTime)).toEqual({
      known: false,
      why: expect.stringMatching(/^IAM said AccessDenied: User: .* iam:ListAccessKeys$/),
    });
    const finding = keyFinding(selfRotation, knowledge);
    expect(finding.severity).toBe('info');
    expect(finding.details.existingKeys).toEqual({
      unknown: expect.stringMatching(/^IAM said AccessDenied/),
    });
  });

  it("reads nothing for another account's record, nor for users whose keys decide nothing", async () => {
    const elsewhere = record({ ...createAccessKey(SERVICE), recipientAccountId: '999999999999' });
    const knowledge = await prefetch(elsewhere);
    expect(knowledge.accessKeys(SERVICE, elsewhere.eventTime)).toEqual({
      known: false,
      why: "account 999999999999 is not this function's and no member role is configured to read it",
    });
    await prefetch(record(createAccessKey('someone-else')));
    expect(iam.commandCalls(ListAccessKeysCommand)).toHaveLength(0);
  });
});
