/**
 * Who the deployed functions are: GUARDRAIL_ROLE_ARN (serverless.yml sets it to each function's own role)
 * joins the baseline's ownRoles (loop prevention that does not depend on the file); the invocation context
 * names their own account, the only one they remediate with their own credentials (fail closed otherwise).
 */
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, ListUserTagsCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { functionRole } from '../../handlers/config.ts';
import { baselineFromEnv, withOverrides } from '../../handlers/lib/baseline.ts';
import { ownAccountOf } from '../../handlers/lib/ownAccount.ts';
import { createRemediator } from '../../src/actions/index.ts';
import type { CredentialsProvider, MemberAccess } from '../../src/actions/member.ts';
import { memberCredentials } from '../../src/actions/member.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import { baselineFrom, EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { EPHEMERAL_USER, inMode, onlyFinding } from '../helpers/findings.ts';
import { lambdaContext } from '../helpers/lambda.ts';
import type { CapturedLogs } from '../helpers/logs.ts';
import { captureLogs } from '../helpers/logs.ts';
import { ACCOUNT, assumedRole, createUser, eventBridge, identities, modifyImds } from '../helpers/records.ts';

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
  // enforce-imdsv2 as the function makes it: the one watched call loop prevention skips.
  const ownCall = checkRecord(
    modifyImds('i-0abc1234def567890', { HttpTokens: 'required' }, undefined, {
      userIdentity: assumedRole('ops-automation', 'enforce'),
    }),
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
      skip: { reason: "made by guardrail's own role ops-automation (enforce-imdsv2)" },
    });
    // Without the variable, the same call is evaluated.
    const plain = await baselineFromEnv(logger, { GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH })();
    expect(evaluate(ownCall.record, plain).kind).toBe('evaluated');
  });

  it('applies GUARDRAIL_MIN_SEVERITY to the loaded baseline once, so nothing downstream resolves it again', async () => {
    const env = { GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH, GUARDRAIL_MIN_SEVERITY: 'critical' };
    const load = baselineFromEnv(logger, env);
    const baseline = await load();
    expect(baseline.notify.minSeverity).toBe('critical');
    expect(await load()).toBe(baseline);
    const plain = await baselineFromEnv(logger, { GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH })();
    expect(plain.notify.minSeverity).not.toBe('critical');
  });

  it('does not repeat a role the baseline already names', () => {
    const named = baselineFrom('version: 1\nguardrail:\n  ownRoles: [ops-automation]\n');
    expect(withOverrides(named, { ownRole: 'ops-automation' })).toBe(named);
    expect(withOverrides(named, { ownRole: 'guardrail-prod-iam-events' }).ownRoles).toEqual([
      'ops-automation',
      'guardrail-prod-iam-events',
    ]);
  });
});

describe('the function’s own account', () => {
  const arn = (account: string) => `arn:aws:lambda:us-east-1:${account}:function:guardrail-prod-iam-events`;

  it('comes from the invocation context, with or without a version or alias', () => {
    expect(ownAccountOf(arn(ACCOUNT))).toEqual({ known: true, account: ACCOUNT });
    expect(ownAccountOf(`${arn(ACCOUNT)}:live`)).toEqual({ known: true, account: ACCOUNT });
    expect(ownAccountOf(`${arn(ACCOUNT)}:$LATEST`, ACCOUNT)).toEqual({ known: true, account: ACCOUNT });
  });

  it.each([
    [undefined, 'the invocation context carries no function ARN'],
    ['', 'the invocation context carries no function ARN'],
    ['guardrail-prod-iam-events', 'names no account'],
    ['arn:aws:lambda:us-east-1:12345:function:f', 'names no account'],
    [`arn:aws:iam::${ACCOUNT}:role/guardrail-prod-iam-events`, 'names no account'],
  ])('is not known from the context ARN %j', (value, reason) => {
    const own = ownAccountOf(value);
    expect(own.known).toBe(false);
    expect(own.known ? '' : own.reason).toContain(reason);
  });

  it('is not known when GUARDRAIL_ROLE_ARN names another account than the context', () => {
    expect(ownAccountOf(arn(ACCOUNT), MEMBER)).toEqual({
      known: false,
      reason: `GUARDRAIL_ROLE_ARN names account ${MEMBER} but the function runs in ${ACCOUNT}`,
    });
  });
});

describe('which account a remediation runs in', () => {
  const finding = inMode(
    onlyFinding(createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation })),
    'enforce',
  );
  const own = { known: true, account: ACCOUNT } as const;
  const elsewhere = { known: true, account: '999999999999' } as const;
  const access: MemberAccess = {
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
  /** A remediator whose action records the credentials it ran with (undefined: the function's own). */
  function recording(withMembers = true) {
    const ran: (CredentialsProvider | undefined)[] = [];
    const assume = vi.fn(async () => credentials(3_600_000));
    const action = (c?: CredentialsProvider) => async () => {
      ran.push(c);
      return { status: 'applied', note: 'tagged' } as const;
    };
    const remediate = createRemediator(
      { 'tag-ephemeral': action() },
      withMembers
        ? { members: { access, assume, actionsWith: (c) => ({ 'tag-ephemeral': action(c) }) } }
        : {},
    );
    return { ran, assume, remediate };
  }

  it('acts on findings from its own account with its own credentials', async () => {
    const { ran, assume, remediate } = recording();
    expect((await remediate(finding, own)).remediation?.status).toBe('applied');
    expect(ran).toEqual([undefined]);
    expect(assume).not.toHaveBeenCalled();
  });

  it.each([
    [
      'no function ARN in the context',
      ownAccountOf(undefined),
      "this function's own account is not known (the invocation context carries no function ARN)",
    ],
    [
      'a malformed function ARN',
      ownAccountOf('not-an-arn'),
      'this function\'s own account is not known (the invocation context\'s function ARN "not-an-arn" names no account)',
    ],
  ])('changes nothing when its own account is not known: %s', async (_case, unknown, note) => {
    const { ran, assume, remediate } = recording();
    const result = await remediate(finding, unknown);
    expect(ran).toEqual([]);
    expect(assume).not.toHaveBeenCalled();
    expect(result.remediation).toMatchObject({ status: 'proposed', note: `not acted on: ${note}` });
  });

  it('changes nothing for a finding that names no account', async () => {
    const { ran, assume, remediate } = recording();
    for (const account of ['', 'unknown']) {
      const result = await remediate({ ...finding, account }, own);
      expect(result.remediation).toMatchObject({
        status: 'proposed',
        note: `not acted on: the event names no account to remediate in (account ${JSON.stringify(account)})`,
      });
    }
    expect(ran).toEqual([]);
    expect(assume).not.toHaveBeenCalled();
  });

  it('without a member role, leaves another account’s finding proposed, saying why', async () => {
    const { ran, remediate } = recording(false);
    const result = await remediate(finding, elsewhere);
    expect(ran).toEqual([]);
    expect(result.remediation).toMatchObject({
      status: 'proposed',
      mode: 'enforce',
      note: `not acted on: the event is from account ${ACCOUNT}, and no member role is configured (GUARDRAIL_MEMBER_ROLE_NAME) to remediate outside 999999999999`,
    });
  });

  it('with a member role, remediates there through the assumed role, assuming once per account', async () => {
    const { ran, assume, remediate } = recording();
    await remediate(finding, elsewhere);
    await remediate(finding, elsewhere);
    expect(ran).toHaveLength(2);
    const [provider] = ran;
    expect(provider).toBeDefined();
    expect(ran[1]).toBe(provider);
    expect((await provider?.())?.accessKeyId).toBe('ASIAMEMBER');
    await provider?.();
    expect(assume).toHaveBeenCalledOnce();
    expect(assume).toHaveBeenCalledWith(`arn:aws:iam::${ACCOUNT}:role/guardrail-remediator`, access);
  });

  it('assumes the role again shortly before the credentials expire', async () => {
    const assume = vi.fn(async () => credentials(60_000));
    const provider = memberCredentials(ACCOUNT, access, assume);
    await provider();
    await provider();
    expect(assume).toHaveBeenCalledTimes(2);
  });

  it('a refused AssumeRole fails the remediation with its reason, not the invocation', async () => {
    const remediate = createRemediator(
      {},
      {
        members: {
          access,
          assume: async () => {
            throw Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), {
              name: 'AccessDenied',
            });
          },
          actionsWith: (c) => ({
            'tag-ephemeral': async () => {
              await c();
              return { status: 'applied', note: 'tagged' };
            },
          }),
        },
      },
    );
    const result = await remediate(finding, elsewhere);
    expect(result.remediation).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('sts:AssumeRole'),
    });
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

  it.each([
    ['no function ARN', { invokedFunctionArn: '' }],
    [
      'another account than GUARDRAIL_ROLE_ARN',
      { invokedFunctionArn: `arn:aws:lambda:us-east-1:${MEMBER}:function:f` },
    ],
  ])('with %s in the invocation context, reports the user and changes nothing', async (_case, override) => {
    const { handler } = await import('../../handlers/iam-events.ts');
    const event = eventBridge(
      createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation }),
    );
    const summary = await handler(event, { ...lambdaContext('guardrail-prod-iam-events'), ...override });
    expect(summary).toMatchObject({
      status: 'processed',
      findings: [{ ruleId: 'iam.user.ephemeral', remediation: { status: 'proposed' }, notified: true }],
    });
    expect(iamMock.calls()).toHaveLength(0);
    expect(logs.lines.some((line) => line.message === 'own account not known; nothing is remediated')).toBe(
      true,
    );
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
    expect(message.email).toContain(
      `Proposed tag-ephemeral (enforce), not acted on: the event is from account ${MEMBER}, and no member role is configured`,
    );
  });
});
