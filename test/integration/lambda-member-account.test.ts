/**
 * Organisation-wide remediation, on moto (which keeps each account's resources apart): the built iam-events,
 * running in the central account, receives a CreateUser forwarded from a member account and tags the user
 * there, through the member's guardrail-remediator role; the central account is left untouched.
 */
import { CreateUserCommand, IAMClient, ListUsersCommand, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardrailTag } from '../../src/core/tags.ts';
import type { LocalAccount } from '../helpers/account.ts';
import { localAccount } from '../helpers/account.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { invokeBuilt } from '../helpers/builtHandlers.ts';
import { EPHEMERAL_USER } from '../helpers/findings.ts';
import type { Moto } from '../helpers/moto.ts';
import { MOTO_ENV, startMoto } from '../helpers/moto.ts';
import { ACCOUNT, createUser, eventBridge, identities } from '../helpers/records.ts';

const MEMBER = '111111111111';
let moto: Moto;
let account: LocalAccount;
let memberIam: IAMClient;

beforeAll(async () => {
  moto = await startMoto();
  account = await localAccount(moto);
  const base = {
    endpoint: moto.endpoint,
    region: MOTO_ENV.AWS_REGION,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  };
  // The member account's own administrator, to set the scene and check the result there.
  const sts = new STSClient(base);
  const admin = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/admin`, RoleSessionName: 'test-setup' }),
  );
  const c = admin.Credentials;
  memberIam = new IAMClient({
    ...base,
    credentials: {
      accessKeyId: c?.AccessKeyId ?? '',
      secretAccessKey: c?.SecretAccessKey ?? '',
      sessionToken: c?.SessionToken ?? '',
    },
  });
  await memberIam.send(new CreateUserCommand({ UserName: EPHEMERAL_USER }));
});

afterAll(async () => {
  await moto?.stop();
});

describe('built iam-events, organisation-wide', () => {
  it("tags a member account's ephemeral user there, through the member role", async () => {
    const forwarded = {
      ...createUser(EPHEMERAL_USER, {
        userIdentity: {
          ...identities.aimodelshareAutomation,
          accountId: MEMBER,
          arn: `arn:aws:iam::${MEMBER}:user/aimodelshare-admin`,
        },
      }),
      recipientAccountId: MEMBER,
    };
    const run = await invokeBuilt('iam-events', [eventBridge(forwarded)], {
      ...account.env,
      GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH,
      GUARDRAIL_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/guardrail-test-iam-events`,
      GUARDRAIL_MEMBER_ROLE_NAME: 'guardrail-remediator',
      GUARDRAIL_MEMBER_EXTERNAL_ID: 'guardrail-external-id-0123',
    });
    expect(run.initError).toBeUndefined();
    expect(run.results[0]).toMatchObject({
      ok: true,
      value: { findings: [{ ruleId: 'iam.user.ephemeral', remediation: { status: 'applied' } }] },
    });
    const tags = await memberIam.send(new ListUserTagsCommand({ UserName: EPHEMERAL_USER }));
    expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
      [GuardrailTag.ephemeral]: 'true',
      [GuardrailTag.creator]: `arn:aws:iam::${MEMBER}:user/aimodelshare-admin`,
    });
    // Nothing of the kind in the central account.
    expect((await account.iam.send(new ListUsersCommand({}))).Users ?? []).toEqual([]);
    // The secret never reaches the logs.
    expect(run.stdout + run.stderr).not.toContain('guardrail-external-id-0123');
  });
});
