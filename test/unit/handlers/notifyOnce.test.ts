/**
 * One message per CloudTrail event, published once per event id even when Lambda retries an invocation that
 * partly failed: the SNS publish itself failing, or the invocation failing after the message went out.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudTrailHandler } from '../../../handlers/lib/cloudTrailHandler.ts';
import { notifyOncePerEvent, oncePerKey } from '../../../handlers/lib/idempotency.ts';
import { createLogger } from '../../../handlers/lib/logger.ts';
import { createRemediator } from '../../../src/actions/index.ts';
import { SnsNotifier } from '../../../src/notify/sns.ts';
import { SEED_POLICIES } from '../../cases/seeds.ts';
import { serverError } from '../../helpers/awsErrors.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { MemoryPersistenceLayer } from '../../helpers/idempotency.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import type { CapturedLogs } from '../../helpers/logs.ts';
import { captureLogs } from '../../helpers/logs.ts';
import { eventBridge, putRolePolicy } from '../../helpers/records.ts';

const snsMock = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:guardrail';

/** PassRole and * on * added to seed 001's role: one event, three findings (drift, privesc, wildcard). */
const event = eventBridge(
  putRolePolicy('XploreEC2Role', 'XploreS3Access', {
    Version: '2012-10-17',
    Statement: [
      ...SEED_POLICIES.xplore.Statement,
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
      { Effect: 'Allow', Action: '*', Resource: '*' },
    ],
  }),
);

/** The invocation's store, failing to save its result once: the invocation fails after it published. */
class FailingOnceStore extends MemoryPersistenceLayer {
  failNextUpdate = false;
  protected override async _updateRecord(...args: Parameters<MemoryPersistenceLayer['_updateRecord']>) {
    if (this.failNextUpdate) {
      this.failNextUpdate = false;
      throw new Error('DynamoDB: ProvisionedThroughputExceededException');
    }
    return super._updateRecord(...args);
  }
}

function setup() {
  const store = new FailingOnceStore();
  const handler = cloudTrailHandler({
    logger: createLogger('iam-events'),
    eventSources: ['iam.amazonaws.com'],
    baseline: async () => exampleBaseline(),
    remediate: createRemediator({}),
    notifier: notifyOncePerEvent(new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC), {
      persistenceStore: new MemoryPersistenceLayer(),
      keyPrefix: 'test-notify',
    }),
    idempotency: oncePerKey({
      persistenceStore: store,
      key: 'record.eventID',
      keyPrefix: 'test',
      requireKey: true,
    }),
  });
  return { handler, store };
}

/** Messages SNS accepted (a rejected publish delivered nothing). */
async function delivered(): Promise<number> {
  let count = 0;
  for (const call of snsMock.commandCalls(PublishCommand)) {
    if (await call.returnValue.then(() => true).catch(() => false)) count += 1;
  }
  return count;
}

describe('one message per event, once per event id', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    snsMock.reset();
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('puts the four findings of one PutRolePolicy in one message', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { handler } = setup();
    const summary = await handler(event, lambdaContext());
    expect(summary).toMatchObject({ status: 'processed' });
    const findings = summary.status === 'processed' ? summary.findings : [];
    expect(findings.map((f) => [f.ruleId, f.messageId]).sort()).toEqual([
      ['iam.policy.drift', 'm-1'],
      ['iam.policy.never-grant', 'm-1'],
      ['iam.policy.privesc', 'm-1'],
      ['iam.policy.wildcard', 'm-1'],
    ]);
    const [call] = snsMock.commandCalls(PublishCommand);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(JSON.parse(call?.args[0].input.MessageAttributes?.ruleId?.StringValue ?? '[]')).toEqual([
      'iam.policy.drift',
      'iam.policy.never-grant',
      'iam.policy.privesc',
      'iam.policy.wildcard',
    ]);
  });

  it('sends one message when SNS fails on the first attempt and Lambda retries', async () => {
    snsMock.on(PublishCommand).rejectsOnce(serverError()).resolves({ MessageId: 'm-2' });
    const { handler } = setup();
    await expect(handler(event, lambdaContext())).rejects.toMatchObject({ name: 'NotifyError' });
    const retried = await handler(event, lambdaContext());
    expect(retried).toMatchObject({ status: 'processed', findings: [{ messageId: 'm-2' }, {}, {}, {}] });
    // A later duplicate delivery returns the stored summary.
    await handler({ ...event, id: 'redelivered' }, lambdaContext());
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(2);
    expect(await delivered()).toBe(1);
  });

  it('sends one message when the invocation fails after publishing and Lambda retries', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-3' });
    const { handler, store } = setup();
    store.failNextUpdate = true;
    await expect(handler(event, lambdaContext())).rejects.toThrow();
    expect(await delivered()).toBe(1);
    const retried = await handler(event, lambdaContext());
    // The retry remediated and judged again, and found its message already sent: the same message id.
    expect(retried).toMatchObject({ status: 'processed', findings: [{ messageId: 'm-3' }, {}, {}, {}] });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
