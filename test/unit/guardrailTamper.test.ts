/**
 * guardrail.tamper beyond the rule cases: how each call is read as the stack resource it changes (names,
 * ARNs, versioned Lambda names), the one-line reasons for a malformed call, and the split between
 * tamper-events and tamper-watch: every change to the stack reported once, by a function that is not its
 * target, when both functions receive the same events.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudTrailHandler } from '../../handlers/lib/cloudTrailHandler.ts';
import { oncePerKey } from '../../handlers/lib/idempotency.ts';
import { createLogger } from '../../handlers/lib/logger.ts';
import { createRemediator } from '../../src/actions/index.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import {
  canonicalEventName,
  eventNameMatchers,
  extractSubject,
  GUARDRAIL_EVENTS,
} from '../../src/events/subjects/index.ts';
import { InMemoryNotifier } from '../../src/notify/memory.ts';
import type { Watcher } from '../../src/respond/watchers.ts';
import { leftToOther, reporterOf } from '../../src/respond/watchers.ts';
import { exampleBaseline } from '../helpers/baseline.ts';
import { MemoryPersistenceLayer } from '../helpers/idempotency.ts';
import { lambdaContext } from '../helpers/lambda.ts';
import type { CapturedLogs } from '../helpers/logs.ts';
import { captureLogs } from '../helpers/logs.ts';
import type { Json } from '../helpers/records.ts';
import { ACCOUNT, eventBridge, stackCall } from '../helpers/records.ts';

const PRIMARY = 'guardrail-prod-tamper-events';
const WATCHER = 'guardrail-prod-tamper-watch';

function checked(raw: Json) {
  const result = checkRecord(raw);
  if (!result.ok) throw new Error(result.reason);
  return result.record;
}

describe('stack subjects', () => {
  it.each([
    [
      'a function by name',
      stackCall('DeleteFunction20150331', 'lambda', { functionName: 'guardrail-prod-iam-events' }),
      { resourceType: 'function', name: 'guardrail-prod-iam-events' },
    ],
    [
      'a function by ARN with a version qualifier',
      stackCall('UpdateFunctionConfiguration20150331v2', 'lambda', {
        functionName: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:guardrail-prod-iam-events:7`,
      }),
      {
        name: 'guardrail-prod-iam-events',
        arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:guardrail-prod-iam-events`,
      },
    ],
    [
      'a rule on a named bus',
      stackCall('DisableRule', 'events', {
        name: 'guardrail-prod-ec2-forwarded',
        eventBusName: 'guardrail-central',
      }),
      {
        kind: 'DisableRule',
        eventBus: 'guardrail-central',
        arn: `arn:aws:events:eu-west-1:${ACCOUNT}:rule/guardrail-central/guardrail-prod-ec2-forwarded`,
      },
    ],
    [
      'a rule on the default bus',
      stackCall('DeleteRule', 'events', { name: 'guardrail-prod-orphan-sweep' }),
      { eventBus: 'default', arn: `arn:aws:events:eu-west-1:${ACCOUNT}:rule/guardrail-prod-orphan-sweep` },
    ],
    [
      'a queue by its URL',
      stackCall('PurgeQueue', 'sqs', {
        queueUrl: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/guardrail-prod-failed-invocations`,
      }),
      {
        resourceType: 'queue',
        name: 'guardrail-prod-failed-invocations',
        arn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:guardrail-prod-failed-invocations`,
      },
    ],
    [
      'a table by ARN',
      stackCall('DeleteTable', 'dynamodb', {
        tableName: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/guardrail-prod-idempotency`,
      }),
      { resourceType: 'table', name: 'guardrail-prod-idempotency' },
    ],
  ])('reads %s', (_name, raw, want) => {
    expect(extractSubject(checked(raw))).toMatchObject({ ok: true, subject: want });
  });

  it.each([
    [
      stackCall('DeleteFunction20150331', 'lambda', { functionName: 'bad name <script>' }),
      'malformed DeleteFunction20150331: requestParameters.functionName: not a function name or ARN',
    ],
    [stackCall('DisableRule', 'events', {}), 'malformed DisableRule: requestParameters.name: missing'],
    [
      stackCall('DeleteQueue', 'sqs', { queueUrl: 'not-a-url' }),
      'malformed DeleteQueue: requestParameters.queueUrl: not a queue URL',
    ],
    [
      stackCall('PutFunctionConcurrency20171031', 'lambda', {
        functionName: 'guardrail-prod-iam-events',
        reservedConcurrentExecutions: -1,
      }),
      'malformed PutFunctionConcurrency20171031: requestParameters.reservedConcurrentExecutions: not a whole number of 0 or more',
    ],
  ])('skips a malformed call with one line naming the field (%#)', (raw, reason) => {
    expect(evaluate(checked(raw), exampleBaseline())).toMatchObject({ kind: 'skipped', skip: { reason } });
  });

  it('matches every versioned Lambda name CloudTrail writes, and patterns match those by prefix', () => {
    expect(canonicalEventName('UpdateFunctionCode20150331v2')).toBe('UpdateFunctionCode');
    expect(canonicalEventName('PutFunctionConcurrency20171031')).toBe('PutFunctionConcurrency');
    expect(eventNameMatchers(['DeleteFunction', 'DisableRule'])).toEqual([
      { prefix: 'DeleteFunction' },
      'DisableRule',
    ]);
    const lambda = (Object.keys(GUARDRAIL_EVENTS) as (keyof typeof GUARDRAIL_EVENTS)[]).filter(
      (name) => GUARDRAIL_EVENTS[name] === 'lambda.amazonaws.com',
    );
    expect(eventNameMatchers(lambda).every((m) => typeof m === 'object')).toBe(true);
  });
});

/** Every change to the stack, including those to each watcher itself and to the rules feeding it. */
const CHANGES: readonly Json[] = [
  stackCall('DisableRule', 'events', { name: `${PRIMARY}` }),
  stackCall('DeleteRule', 'events', { name: `${PRIMARY}-forwarded`, eventBusName: 'guardrail-central' }),
  stackCall('RemoveTargets', 'events', { rule: WATCHER, ids: ['1'] }),
  stackCall('DisableRule', 'events', { name: 'guardrail-prod-iam-events' }),
  stackCall('DeleteFunction20150331', 'lambda', { functionName: PRIMARY }),
  stackCall('PutFunctionConcurrency20171031', 'lambda', {
    functionName: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${PRIMARY}`,
    reservedConcurrentExecutions: 0,
  }),
  stackCall('DeleteFunction20150331', 'lambda', { functionName: WATCHER }),
  stackCall('UpdateFunctionCode20150331v2', 'lambda', { functionName: 'guardrail-prod-ec2-events' }),
  stackCall('DeleteTopic', 'sns', { topicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:guardrail-prod-findings` }),
  stackCall('DeleteTable', 'dynamodb', { tableName: 'guardrail-prod-idempotency' }),
];

describe('who reports a change to the stack (src/respond/watchers.ts)', () => {
  it('gives changes to tamper-events and its rules to the watcher, everything else to tamper-events', () => {
    const who = CHANGES.map((raw) => reporterOf(checked(raw), PRIMARY));
    expect(who).toEqual([
      'watcher',
      'watcher',
      'primary',
      'primary',
      'watcher',
      'watcher',
      'primary',
      'primary',
      'primary',
      'primary',
    ] satisfies Watcher[]);
  });

  it('never gives a change to the function it targets', () => {
    for (const raw of CHANGES) {
      const record = checked(raw);
      const subject = extractSubject(record);
      if (!subject.ok || !('resourceType' in subject.subject) || subject.subject.resourceType !== 'function')
        continue;
      const reporter = reporterOf(record, PRIMARY) === 'primary' ? PRIMARY : WATCHER;
      expect(reporter, String(raw.eventName)).not.toBe(subject.subject.name);
    }
  });

  it('says why a function leaves a record to the other', () => {
    const record = checked(CHANGES[4] as Json);
    expect(leftToOther(record, 'primary', PRIMARY)).toBe(
      `a change to ${PRIMARY} itself: reported by its watcher (tamper-watch)`,
    );
    expect(leftToOther(record, 'watcher', PRIMARY)).toBeUndefined();
  });
});

describe('tamper-events and tamper-watch receiving the same events', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  const SOURCES = [
    'events.amazonaws.com',
    'lambda.amazonaws.com',
    'sns.amazonaws.com',
    'sqs.amazonaws.com',
    'dynamodb.amazonaws.com',
  ];

  function watcherFunction(self: Watcher, notifier: InMemoryNotifier) {
    return cloudTrailHandler({
      logger: createLogger(self),
      eventSources: SOURCES,
      route: (record) => leftToOther(record, self, PRIMARY),
      baseline: async () => exampleBaseline(),
      remediate: createRemediator({}),
      notifier,
      idempotency: oncePerKey({
        persistenceStore: new MemoryPersistenceLayer(),
        key: 'record.eventID',
        keyPrefix: self,
        requireKey: true,
      }),
    });
  }

  it('notifies each change exactly once between them', async () => {
    const primaryNotes = new InMemoryNotifier();
    const watcherNotes = new InMemoryNotifier();
    const primary = watcherFunction('primary', primaryNotes);
    const watcher = watcherFunction('watcher', watcherNotes);
    for (const raw of CHANGES) {
      const event = eventBridge(raw);
      const [a, b] = await Promise.all([
        primary(event, lambdaContext(PRIMARY)),
        watcher(event, lambdaContext(WATCHER)),
      ]);
      expect([a.status, b.status].sort(), String(raw.eventName)).toEqual(['processed', 'skipped']);
    }
    expect(primaryNotes.sent.length + watcherNotes.sent.length).toBe(CHANGES.length);
    expect(watcherNotes.sent).toHaveLength(4);
  });
});
