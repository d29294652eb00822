/** The built orphan sweep (dist/handlers/orphan-sweep.js) against moto's IAM, SNS (SQS subscription) and DynamoDB. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardrailTag } from '../../src/core/tags.ts';
import type { LocalAccount } from '../helpers/account.ts';
import { localAccount } from '../helpers/account.ts';
import { exampleBaselineEnforcing } from '../helpers/baseline.ts';
import { invokeBuilt } from '../helpers/builtHandlers.ts';
import { EPHEMERAL_USER } from '../helpers/findings.ts';
import type { Moto } from '../helpers/moto.ts';
import { startMoto } from '../helpers/moto.ts';

let moto: Moto;
let account: LocalAccount;
const dir = mkdtempSync(join(tmpdir(), 'guardrail-sweep-'));
const ENFORCING = join(dir, 'enforcing.yml');

beforeAll(async () => {
  moto = await startMoto();
  account = await localAccount(moto);
  writeFileSync(ENFORCING, exampleBaselineEnforcing(['iam.user.orphaned']));
});
afterAll(async () => {
  await moto?.stop();
});

async function tagsOf(userName: string): Promise<Record<string, string>> {
  const reply = await account.iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Object.fromEntries((reply.Tags ?? []).map((t) => [t.Key, t.Value]));
}

describe('built orphan-sweep on moto', () => {
  it('tags an expired ephemeral user orphaned, leaves approved users alone, sends one digest, once per schedule', async () => {
    // Tagged at creation by iam-events two days ago: its expiry has passed.
    await account.iam.send(
      new CreateUserCommand({
        UserName: EPHEMERAL_USER,
        Tags: [
          { Key: GuardrailTag.ephemeral, Value: 'true' },
          { Key: GuardrailTag.creator, Value: 'arn:aws:iam::123456789012:user/aimodelshare-admin' },
          { Key: GuardrailTag.expiresAt, Value: new Date(Date.now() - 86_400_000).toISOString() },
        ],
      }),
    );
    await account.iam.send(new CreateUserCommand({ UserName: 'cml-cloud-manager-service' }));
    await account.iam.send(new CreateAccessKeyCommand({ UserName: 'cml-cloud-manager-service' }));
    await account.iam.send(new CreateUserCommand({ UserName: 'chatbot-dev-alice' }));

    const scheduled = {
      id: 'a3c9e2f0-0000-4000-8000-000000000001',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      detail: {},
    };
    const run = await invokeBuilt('orphan-sweep', [scheduled, scheduled], {
      ...account.env,
      GUARDRAIL_BASELINE: ENFORCING,
    });
    expect(run.initError).toBeUndefined();
    expect(run.results[0]).toMatchObject({
      ok: true,
      value: {
        status: 'swept',
        usersExamined: 3,
        findings: [
          {
            ruleId: 'iam.user.orphaned',
            remediation: { action: 'tag-orphaned', mode: 'enforce', status: 'applied' },
          },
        ],
        digest: { shown: 1, omitted: 0 },
      },
    });
    expect(run.results[1]).toEqual(run.results[0]);

    expect(await tagsOf(EPHEMERAL_USER)).toMatchObject({
      [GuardrailTag.orphaned]: 'true',
      [GuardrailTag.orphanReason]: expect.stringMatching(/^expired \d{4}-\d{2}-\d{2}$/),
    });
    expect(await tagsOf('cml-cloud-manager-service')).toEqual({});
    expect(await tagsOf('chatbot-dev-alice')).toEqual({});

    const published = await account.drain();
    expect(published).toHaveLength(1);
    expect(published[0]?.subject).toBe('[guardrail] Orphan sweep of 123456789012: 1 finding');
    expect(published[0]?.attributes.ruleId).toEqual({ Type: 'String.Array', Value: '["iam.user.orphaned"]' });
    for (const line of run.logs.filter((l) => l.service === 'guardrail'))
      expect(line.eventId).toBe(scheduled.id);
  });
});
