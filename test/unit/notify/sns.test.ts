import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotifyError } from '../../../src/core/errors.ts';
import { InMemoryNotifier } from '../../../src/notify/memory.ts';
import { shouldNotify } from '../../../src/notify/notifier.ts';
import { SnsNotifier } from '../../../src/notify/sns.ts';
import { accessDenied, throttled } from '../../helpers/awsErrors.ts';
import { EPHEMERAL_USER, onlyFinding } from '../../helpers/findings.ts';
import { createUser, identities } from '../../helpers/records.ts';

const snsMock = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:guardrail';
const finding = onlyFinding(createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation }));

describe('SNS notifier', () => {
  beforeEach(() => snsMock.reset());

  it('publishes one JSON-structured message with subject and attributes', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
    const delivery = await new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC).notifyEvent([
      finding,
    ]);
    expect(delivery).toEqual({
      messageId: 'msg-1',
      subject: expect.stringMatching(/^\[guardrail\] LOW temporaryaccess\w+: iam.user.ephemeral$/),
      shown: 1,
      omitted: 0,
    });
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ TopicArn: TOPIC, MessageStructure: 'json', Subject: delivery.subject });
    const message = JSON.parse(input?.Message ?? '');
    expect(JSON.parse(message.default)).toMatchObject({ version: '1.0', source: 'custom' });
    expect(message.email).toMatch(/^guardrail: LOW Ephemeral IAM user created: temporaryaccess\w+\n/);
    expect(input?.MessageAttributes).toMatchObject({
      severity: { DataType: 'String', StringValue: 'low' },
      ruleId: { DataType: 'String.Array', StringValue: '["iam.user.ephemeral"]' },
    });
  });

  it.each([
    [
      'AccessDenied',
      accessDenied('sns:Publish'),
      /^sns: publish to arn:aws:sns:us-east-1:123456789012:guardrail: AccessDenied: .*sns:Publish$/,
    ],
    ['throttling that outlived the retries', throttled(), /: Throttling: Rate exceeded$/],
  ])(
    'turns %s into a one-line NotifyError (the handler throws, Lambda retries)',
    async (_name, error, message) => {
      snsMock.on(PublishCommand).rejects(error);
      const notifier = new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC);
      const thrown = await notifier.notifyEvent([finding]).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(NotifyError);
      expect((thrown as Error).message).toMatch(message);
      expect((thrown as Error).message).not.toContain('\n');
    },
  );

  it('sends a digest as one message', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'msg-2' });
    const notifier = new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC);
    const delivery = await notifier.digest({
      id: 's1',
      kind: 'sweep',
      title: 'Orphan sweep: 2 findings',
      intro: 'x',
      findings: [finding, finding],
    });
    expect(delivery).toMatchObject({ messageId: 'msg-2', shown: 2, omitted: 0 });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('in-memory notifier and minimum severity', () => {
  it('keeps what it would have sent', async () => {
    const notifier = new InMemoryNotifier();
    const delivery = await notifier.notifyEvent([finding]);
    expect(delivery.messageId).toBe('memory-1');
    expect(notifier.sent[0]?.rendered.chat.content.keywords[0]).toBe('iam.user.ephemeral');
  });

  it('notifies at or above the minimum, and always when a remediation failed', () => {
    expect(shouldNotify(finding, 'low')).toBe(true);
    expect(shouldNotify(finding, 'medium')).toBe(false);
    const failed = {
      ...finding,
      remediation: { ...finding.remediation, status: 'failed', error: 'x' },
    } as typeof finding;
    expect(shouldNotify(failed, 'critical')).toBe(true);
  });
});
