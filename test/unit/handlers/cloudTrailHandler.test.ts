import { IAMClient, ListUserTagsCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withOverrides } from '../../../handlers/lib/baseline.ts';
import { cloudTrailHandler } from '../../../handlers/lib/cloudTrailHandler.ts';
import { oncePerKey } from '../../../handlers/lib/idempotency.ts';
import { createLogger } from '../../../handlers/lib/logger.ts';
import { createRemediator } from '../../../src/actions/index.ts';
import { tagUserAction } from '../../../src/actions/tagUser.ts';
import { EventDecodeError } from '../../../src/core/errors.ts';
import type { Severity } from '../../../src/core/types.ts';
import { InMemoryNotifier } from '../../../src/notify/memory.ts';
import type { EventSummary } from '../../../src/respond/record.ts';
import { accessDenied, throttled } from '../../helpers/awsErrors.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { EPHEMERAL_USER } from '../../helpers/findings.ts';
import { MemoryPersistenceLayer } from '../../helpers/idempotency.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import type { CapturedLogs } from '../../helpers/logs.ts';
import { captureLogs } from '../../helpers/logs.ts';
import { createAccessKey, createUser, eventBridge, identities, modifyImds } from '../../helpers/records.ts';

const iamMock = mockClient(IAMClient);
const createEphemeral = eventBridge(
  createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation }),
);

function setup(options: { minSeverity?: Severity; store?: MemoryPersistenceLayer } = {}) {
  const notifier = new InMemoryNotifier();
  const store = options.store ?? new MemoryPersistenceLayer();
  const handler = cloudTrailHandler({
    logger: createLogger('iam-events'),
    eventSources: ['iam.amazonaws.com'],
    baseline: async () => withOverrides(exampleBaseline(), { minSeverity: options.minSeverity }),
    remediate: createRemediator({ 'tag-ephemeral': tagUserAction(new IAMClient({ region: 'us-east-1' })) }),
    notifier,
    idempotency: oncePerKey({
      persistenceStore: store,
      key: 'record.eventID',
      keyPrefix: 'test',
      requireKey: true,
    }),
  });
  return { handler, notifier, store };
}

describe('CloudTrail handler', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    iamMock.reset();
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    iamMock.on(TagUserCommand).resolves({});
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('decodes, remediates, notifies and returns a summary', async () => {
    const { handler, notifier } = setup();
    const summary = await handler(createEphemeral, lambdaContext());
    expect(summary).toMatchObject({
      status: 'processed',
      eventName: 'CreateUser',
      findings: [
        {
          ruleId: 'iam.user.ephemeral',
          remediation: { action: 'tag-ephemeral', mode: 'enforce', status: 'applied' },
          notified: true,
          messageId: 'memory-1',
        },
      ],
    });
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);
  });

  it('remediates and notifies once when EventBridge delivers the same eventID twice', async () => {
    const { handler, notifier } = setup();
    const first = await handler(createEphemeral, lambdaContext());
    // A redelivery is a new envelope (new EventBridge id) around the same CloudTrail record.
    const again = { ...createEphemeral, id: 'another-envelope-id' };
    const second = await handler(again, lambdaContext());
    expect(second).toEqual(first);
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);
  });

  it('refuses a duplicate that arrives while the first delivery is still running (Lambda retries it)', async () => {
    let release: () => void = () => undefined;
    iamMock.on(TagUserCommand).callsFake(
      () =>
        new Promise((resolve) => {
          release = () => resolve({});
        }),
    );
    const { handler, notifier } = setup();
    const first = handler(createEphemeral, lambdaContext());
    await vi.waitFor(() => expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(1));
    const second = await handler({ ...createEphemeral, id: 'concurrent' }, lambdaContext()).catch(
      (e: unknown) => e,
    );
    expect((second as Error).name).toBe('IdempotencyAlreadyInProgressError');
    release();
    await first;
    expect(notifier.sent).toHaveLength(1);
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(1);
  });

  it('puts the eventId on every log line and never logs the raw event', async () => {
    const record = createAccessKey(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation });
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    (record.responseElements as { accessKey: Record<string, string> }).accessKey.secretAccessKey = secret;
    const { handler, notifier } = setup();
    await handler(eventBridge(record), lambdaContext());
    const lines = logs.lines.filter((line) => line.service === 'guardrail');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toMatchObject({
        eventId: record.eventID,
        eventName: 'CreateAccessKey',
        handler: 'iam-events',
      });
    expect(logs.text()).not.toContain(secret);
    expect(JSON.stringify(notifier.sent)).not.toContain(secret);
  });

  it('still notifies a failed remediation, with its error, and completes (no retry would help)', async () => {
    iamMock.on(TagUserCommand).rejects(accessDenied('iam:TagUser'));
    const { handler, notifier } = setup();
    const summary = (await handler(createEphemeral, lambdaContext())) as Extract<
      EventSummary,
      { status: 'processed' }
    >;
    expect(summary.findings[0]?.remediation).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^AccessDenied: /),
    });
    expect(notifier.sent[0]?.rendered.email).toContain('FAILED tag-ephemeral (enforce): AccessDenied');
    expect(logs.lines.some((line) => line.level === 'ERROR' && line.message === 'remediation failed')).toBe(
      true,
    );
  });

  it('throws on throttling that outlived the retries, releasing the event so the retry acts', async () => {
    iamMock.on(TagUserCommand).rejectsOnce(throttled()).resolves({});
    const { handler, notifier } = setup();
    await expect(handler(createEphemeral, lambdaContext())).rejects.toThrow(/Throttling: Rate exceeded/);
    expect(notifier.sent).toHaveLength(0);
    const retried = await handler(createEphemeral, lambdaContext());
    expect(retried).toMatchObject({
      status: 'processed',
      findings: [{ remediation: { status: 'applied' } }],
    });
    expect(notifier.sent).toHaveLength(1);
    const failure = logs.lines.find((line) => line.level === 'ERROR');
    expect(failure).toMatchObject({ errorName: 'ActionRetryableError', errorCode: 'action.failed' });
  });

  it('throws a one-line EventDecodeError for a malformed event (Lambda retries, then the DLQ keeps it)', async () => {
    const { handler, store } = setup();
    const broken = eventBridge({ ...createUser('x'), eventTime: 'yesterday' });
    const error = await handler(broken, lambdaContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventDecodeError);
    expect((error as Error).message).toBe('event.detail: eventTime: expected an ISO 8601 time');
    expect(store.records.size).toBe(0);
  });

  it('skips, with a reason, events of a service this function is not wired to, keeping no record', async () => {
    const { handler, notifier, store } = setup();
    const summary = await handler(
      eventBridge(modifyImds('i-1', { HttpTokens: 'optional' })),
      lambdaContext(),
    );
    expect(summary).toMatchObject({
      status: 'skipped',
      reason: 'this function handles iam.amazonaws.com events, not ec2.amazonaws.com',
    });
    expect(notifier.sent).toHaveLength(0);
    // Skipped before the idempotency layer: no record is written for an event this function never handles.
    expect(store.records.size).toBe(0);
  });

  it("judges an IAM call of guardrail's own role like anyone's, and skips failed calls", async () => {
    const { handler } = setup();
    // guardrail never creates users: a role of its name doing so is judged (it may only look like guardrail's).
    const own = await handler(
      eventBridge(createUser(EPHEMERAL_USER, { userIdentity: identities.guardrail })),
      lambdaContext(),
    );
    expect(own).toMatchObject({ status: 'processed', findings: [{ ruleId: 'iam.user.ephemeral' }] });
    iamMock.resetHistory();
    const failed = await handler(
      eventBridge(createUser('x', { errorCode: 'EntityAlreadyExists' })),
      lambdaContext(),
    );
    expect(failed).toMatchObject({
      status: 'skipped',
      reason: 'failed call (errorCode EntityAlreadyExists)',
    });
    expect(iamMock.calls()).toHaveLength(0);
  });

  it('does not notify below the minimum severity, but still remediates', async () => {
    const { handler, notifier } = setup({ minSeverity: 'high' });
    const summary = await handler(createEphemeral, lambdaContext());
    expect(summary).toMatchObject({ findings: [{ remediation: { status: 'applied' }, notified: false }] });
    expect(notifier.sent).toHaveLength(0);
  });
});
