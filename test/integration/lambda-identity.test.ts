/**
 * The built iam-events function on moto for trust and identities: a console password on the programmatic-only
 * service user and a seed role's trust opened to another account each notify; an approved user's new key is
 * judged with its other keys as IAM (moto) lists them.
 */
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAccount } from '../helpers/account.ts';
import { localAccount } from '../helpers/account.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { invokeBuilt } from '../helpers/builtHandlers.ts';
import type { Moto } from '../helpers/moto.ts';
import { startMoto } from '../helpers/moto.ts';
import {
  createAccessKey,
  eventBridge,
  identities,
  loginProfile,
  serviceTrust,
  updateAssumeRolePolicy,
} from '../helpers/records.ts';

let moto: Moto;
let account: LocalAccount;
const SERVICE = 'cml-cloud-manager-service';

beforeAll(async () => {
  moto = await startMoto();
  account = await localAccount(moto);
});
afterAll(async () => {
  await moto?.stop();
});

const env = (): Record<string, string> => ({ ...account.env, GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH });

/** The findings of one processed event, as the function's summary lists them. */
function findingsOf(result: unknown): { ruleId: string; severity: string; notified: boolean }[] {
  const value = (result as { ok: boolean; value: { status: string; findings?: unknown[] } }).value;
  expect(value.status).toBe('processed');
  return (value.findings ?? []) as { ruleId: string; severity: string; notified: boolean }[];
}

describe('built iam-events on moto: trust and identities', () => {
  it('notifies a console password on the programmatic-only service user', async () => {
    const run = await invokeBuilt(
      'iam-events',
      [eventBridge(loginProfile('CreateLoginProfile', SERVICE))],
      env(),
    );
    expect(run.initError).toBeUndefined();
    expect(findingsOf(run.results[0])).toEqual([
      expect.objectContaining({ ruleId: 'iam.user.console-access', severity: 'high', notified: true }),
    ]);
    const published = await account.drain();
    expect(published).toHaveLength(1);
    expect(published[0]?.attributes).toMatchObject({
      ruleId: { Value: '["iam.user.console-access"]' },
      severity: { Value: 'high' },
    });
    expect(published[0]?.subject).toContain(SERVICE);
  });

  it("notifies XploreEC2Role's trust opened to another account", async () => {
    const trust = serviceTrust('ec2.amazonaws.com');
    const opened = {
      ...trust,
      Statement: [
        ...(trust.Statement as unknown[]),
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::193672423079:root' }, Action: 'sts:AssumeRole' },
      ],
    };
    const run = await invokeBuilt(
      'iam-events',
      [
        eventBridge(updateAssumeRolePolicy('XploreEC2Role', opened)),
        eventBridge(updateAssumeRolePolicy('XploreEC2Role', trust)),
      ],
      env(),
    );
    expect(findingsOf(run.results[0])).toEqual([
      expect.objectContaining({ ruleId: 'iam.role.trust', severity: 'high', notified: true }),
    ]);
    // Putting the documented trust back is clean.
    expect(findingsOf(run.results[1])).toEqual([]);
    const published = await account.drain();
    expect(published.map((p) => p.attributes.ruleId?.Value)).toEqual(['["iam.role.trust"]']);
    expect(published[0]?.chat.content.description).toContain('193672423079');
  });

  it("judges the service user's new key with its other keys as IAM lists them", async () => {
    const keyIdOf = (reply: { AccessKey?: { AccessKeyId?: string } }) => reply.AccessKey?.AccessKeyId ?? '';
    await account.iam.send(new CreateUserCommand({ UserName: SERVICE }));
    // An administrator (a key manager) makes its first key: info, below the notification threshold.
    const first = keyIdOf(await account.iam.send(new CreateAccessKeyCommand({ UserName: SERVICE })));
    const made = await invokeBuilt(
      'iam-events',
      [eventBridge(createAccessKey(SERVICE, { accessKeyId: first }))],
      env(),
    );
    expect(findingsOf(made.results[0])).toEqual([
      expect.objectContaining({ ruleId: 'iam.accesskey.long-lived', severity: 'info', notified: false }),
    ]);
    expect(made.logs.filter((line) => line.message === 'fact unknown')).toEqual([]);

    // Someone else adds a second key while the first is active: high, notified.
    const second = keyIdOf(await account.iam.send(new CreateAccessKeyCommand({ UserName: SERVICE })));
    const backdoor = createAccessKey(SERVICE, { userIdentity: identities.intern, accessKeyId: second });
    const raised = await invokeBuilt('iam-events', [eventBridge(backdoor)], env());
    expect(findingsOf(raised.results[0])).toEqual([
      expect.objectContaining({ ruleId: 'iam.accesskey.long-lived', severity: 'high', notified: true }),
    ]);
    const published = await account.drain();
    expect(published).toHaveLength(1);
    expect(published[0]?.chat.content.description).toContain(`already holds active key ${first}`);

    // The user rotates its own key after switching the others off: info again.
    await account.iam.send(
      new UpdateAccessKeyCommand({ UserName: SERVICE, AccessKeyId: first, Status: 'Inactive' }),
    );
    await account.iam.send(new DeleteAccessKeyCommand({ UserName: SERVICE, AccessKeyId: second }));
    const third = keyIdOf(await account.iam.send(new CreateAccessKeyCommand({ UserName: SERVICE })));
    const rotation = createAccessKey(undefined, { userIdentity: identities.cmlService, accessKeyId: third });
    const rotated = await invokeBuilt('iam-events', [eventBridge(rotation)], env());
    expect(findingsOf(rotated.results[0])).toEqual([
      expect.objectContaining({ ruleId: 'iam.accesskey.long-lived', severity: 'info', notified: false }),
    ]);
    expect(await account.drain()).toEqual([]);
  });
});
