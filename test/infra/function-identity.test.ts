/**
 * What the deployed functions learn from GUARDRAIL_ROLE_ARN (serverless.yml sets it to each function's own
 * role): their role joins the baseline's ownRoles (loop prevention that does not depend on the file), and
 * remediations stay in their own account while cross-account remediation is not built.
 */
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, ListUserTagsCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MemberAccess } from '../../handlers/config.ts';
import { functionRole } from '../../handlers/config.ts';
import type { CredentialsProvider } from '../../handlers/lib/accounts.ts';
import { memberCredentials, remediateAcrossAccounts } from '../../handlers/lib/accounts.ts';
import { baselineFromEnv, withOwnRole } from '../../handlers/lib/runtime.ts';
import { evaluate } from '../../src/core/engine.ts';
import { ConfigError } from '../../src/core/errors.ts';
import type { Finding } from '../../src/core/types.ts';
import { checkRecord } from '../../src/events/record.ts';
import { baselineFrom, EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { EPHEMERAL_USER, inMode, onlyFinding } from '../helpers/findings.ts';
import { lambdaContext } from '../helpers/lambda.ts';
import type { CapturedLogs } from '../helpers/logs.ts';
import { captureLogs } from '../helpers/logs.ts';
import { ACCOUNT, assumedRole, createUser, eventBridge, identities } from '../helpers/records.ts';

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/guardrail-prod-iam-events`;
const MEMBER = '210987654321';

describe('GUARDRAIL_ROLE_ARN', () => {
  it('names the role and its account; unset means neither applies', () => {
    expect(functionRole({ GUARDRAIL_ROLE_ARN: ROLE_ARN })).toEqual({
      arn: ROLE_ARN,
      account: ACCOUNT,
      roleName: 'guardrail-prod-iam-events',
    });
    expect(
      functionRole({ GUARDRAIL_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/service/guardrail-x` }),
    ).toMatchObject({
      roleName: 'guardrail-x',
    });
    expect(functionRole({})).toBeUndefined();
    expect(functionRole({ GUARDRAIL_ROLE_ARN: '  ' })).toBeUndefined();
  });

  it.each([
    'guardrail-prod-iam-events',
    `arn:aws:sts::${ACCOUNT}:assumed-role/guardrail-prod-iam-events/session`,
    `arn:aws:iam::12345:role/guardrail`,
  ])('refuses %s with one line naming the variable', (value) => {
    expect(() => functionRole({ GUARDRAIL_ROLE_ARN: value })).toThrow(ConfigError);
    expect(() => functionRole({ GUARDRAIL_ROLE_ARN: value })).toThrow(
      `GUARDRAIL_ROLE_ARN: expected an IAM role ARN, got ${JSON.stringify(value)}`,
    );
  });
});

describe('loop prevention from the role', () => {
  const logger = { warn: vi.fn() } as never;
  const ownCall = checkRecord(
    createUser(EPHEMERAL_USER, { userIdentity: assumedRole('ops-automation', 'tagging') }),
  );

  it('skips the function role’s own calls even when the baseline lists no ownRoles', async () => {
    const env = {
      GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH,
      GUARDRAIL_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/ops-automation`,
    };
    const load = baselineFromEnv(logger, env);
    const baseline = await load();
    expect(baseline.ownRoles).toEqual(['guardrail-*', 'ops-automation']);
    // The cache keeps handing out one object.
    expect(await load()).toBe(baseline);
    if (!ownCall.ok) throw new Error(ownCall.reason);
    expect(evaluate(ownCall.record, baseline)).toMatchObject({
      kind: 'skipped',
      skip: { reason: "made by guardrail's own role ops-automation" },
    });
    // Without the variable, the same call is evaluated.
    const plain = await baselineFromEnv(logger, { GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH })();
    expect(evaluate(ownCall.record, plain).kind).toBe('evaluated');
  });

  it('does not repeat a role the baseline already names', () => {
    const named = baselineFrom('version: 1\nguardrail:\n  ownRoles: [ops-automation]\n');
    expect(withOwnRole(named, 'ops-automation')).toBe(named);
    expect(withOwnRole(named, 'guardrail-prod-iam-events').ownRoles).toEqual([
      'ops-automation',
      'guardrail-prod-iam-events',
    ]);
  });
});

describe('which account a remediation runs in', () => {
  const finding = inMode(
    onlyFinding(createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation })),
    'enforce',
  );
  const member: MemberAccess = {
    roleName: 'guardrail-remediator',
    externalId: 'ext-id-0123456789',
    sessionName: 's',
  };
  const credentials = (expiresInMs: number) => ({
    accessKeyId: 'ASIAMEMBER',
    secretAccessKey: 'secret',
    sessionToken: 'token',
    expiration: new Date(Date.now() + expiresInMs),
  });

  it('acts on findings from its own account with its own credentials', async () => {
    const built: (CredentialsProvider | undefined)[] = [];
    const inner = vi.fn(async (f: Finding) => f);
    const remediate = remediateAcrossAccounts({
      ownAccount: ACCOUNT,
      member,
      remediatorFor: (c) => {
        built.push(c);
        return inner;
      },
    });
    await remediate(finding);
    expect(inner).toHaveBeenCalledOnce();
    expect(built).toEqual([undefined]);
  });

  it('without a member role, leaves another account’s finding proposed, saying why', async () => {
    const inner = vi.fn(async (f: Finding) => f);
    const remediate = remediateAcrossAccounts({
      ownAccount: '999999999999',
      member: undefined,
      remediatorFor: () => inner,
    });
    const result = await remediate(finding);
    expect(inner).not.toHaveBeenCalled();
    expect(result.remediation).toMatchObject({
      status: 'proposed',
      mode: 'enforce',
      note: `not acted on: the event is from account ${ACCOUNT}, and no member role is configured (GUARDRAIL_MEMBER_ROLE_NAME) to remediate outside 999999999999`,
    });
  });

  it('with a member role, remediates there through the assumed role, assuming once per account', async () => {
    const assume = vi.fn(async () => credentials(3_600_000));
    const providers: CredentialsProvider[] = [];
    const inner = vi.fn(async (f: Finding) => f);
    const remediate = remediateAcrossAccounts({
      ownAccount: '999999999999',
      member,
      assume,
      remediatorFor: (c) => {
        if (c) providers.push(c);
        return inner;
      },
    });
    await remediate(finding);
    await remediate(finding);
    expect(inner).toHaveBeenCalledTimes(2);
    expect(providers).toHaveLength(1);
    expect((await providers[0]?.())?.accessKeyId).toBe('ASIAMEMBER');
    await providers[0]?.();
    expect(assume).toHaveBeenCalledOnce();
    expect(assume).toHaveBeenCalledWith(`arn:aws:iam::${ACCOUNT}:role/guardrail-remediator`, member);
  });

  it('assumes the role again shortly before the credentials expire', async () => {
    const assume = vi.fn(async () => credentials(60_000));
    const provider = memberCredentials(ACCOUNT, member, assume);
    await provider();
    await provider();
    expect(assume).toHaveBeenCalledTimes(2);
  });

  it('a refused AssumeRole fails the remediation with its reason, not the invocation', async () => {
    const { createRemediator } = await import('../../src/actions/index.ts');
    const remediate = remediateAcrossAccounts({
      ownAccount: '999999999999',
      member,
      assume: async () => {
        throw Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), {
          name: 'AccessDenied',
        });
      },
      remediatorFor: (c) =>
        createRemediator({
          'tag-ephemeral': async () => {
            await c?.();
            return { status: 'applied', note: 'tagged' };
          },
        }),
    });
    const result = await remediate(finding);
    expect(result.remediation).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('sts:AssumeRole'),
    });
  });

  it('changes nothing when the account is not known (no GUARDRAIL_ROLE_ARN)', () => {
    const inner = async (f: Finding) => f;
    expect(remediateAcrossAccounts({ ownAccount: undefined, member, remediatorFor: () => inner })).toBe(
      inner,
    );
  });
});

describe('iam-events with GUARDRAIL_ROLE_ARN, as deployed', () => {
  const iamMock = mockClient(IAMClient);
  const snsMock = mockClient(SNSClient);
  const dynamoMock = mockClient(DynamoDBClient);
  let logs: CapturedLogs;

  beforeAll(() => {
    vi.stubEnv('GUARDRAIL_BASELINE', EXAMPLE_BASELINE_PATH);
    vi.stubEnv('GUARDRAIL_TOPIC_ARN', `arn:aws:sns:us-east-1:${ACCOUNT}:guardrail`);
    vi.stubEnv('GUARDRAIL_IDEMPOTENCY_TABLE', 'guardrail-idempotency');
    vi.stubEnv('GUARDRAIL_ROLE_ARN', ROLE_ARN);
    vi.stubEnv('AWS_REGION', 'us-east-1');
  });
  afterAll(() => vi.unstubAllEnvs());
  beforeEach(() => {
    for (const mock of [iamMock, snsMock, dynamoMock]) mock.reset();
    dynamoMock.on(PutItemCommand).resolves({});
    dynamoMock.on(UpdateItemCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    iamMock.on(TagUserCommand).resolves({});
    logs = captureLogs();
    return () => logs.restore();
  });

  it('tags an ephemeral user created in its own account', async () => {
    const { handler } = await import('../../handlers/iam-events.ts');
    const event = eventBridge(
      createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation }),
    );
    const summary = await handler(event, lambdaContext('guardrail-prod-iam-events'));
    expect(summary).toMatchObject({ findings: [{ remediation: { status: 'applied' } }] });
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(1);
  });

  it('reports a member account’s ephemeral user without touching a same-named user here', async () => {
    const { handler } = await import('../../handlers/iam-events.ts');
    const forwarded = {
      ...eventBridge({
        ...createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation }),
        recipientAccountId: MEMBER,
      }),
      account: MEMBER,
    };
    const summary = await handler(forwarded, lambdaContext('guardrail-prod-iam-events'));
    expect(summary).toMatchObject({
      status: 'processed',
      findings: [{ ruleId: 'iam.user.ephemeral', remediation: { status: 'proposed' }, notified: true }],
    });
    expect(iamMock.calls()).toHaveLength(0);
    const message = JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}');
    expect(message.email).toContain('this run did not act on it');
  });
});
