/**
 * The scheduled stack check: the pure judgement over a snapshot (table-driven), and the reader over mocked
 * CloudTrail, EventBridge and Lambda (aws-sdk-client-mock).
 */
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { StackSnapshot } from '../../../src/state/stack.ts';
import { judgeStack } from '../../../src/state/stack.ts';
import { readStackSnapshot } from '../../../src/state/stackReader.ts';
import { accessDenied } from '../../helpers/awsErrors.ts';
import { baselineFrom, exampleBaseline } from '../../helpers/baseline.ts';

const ACCOUNT = '123456789012';
const trailArn = (name: string, region = 'eu-west-1') =>
  `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/${name}`;
const ruleArn = (name: string) => `arn:aws:events:eu-west-1:${ACCOUNT}:rule/${name}`;
const fnArn = (name: string) => `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`;

function snapshot(overrides: Partial<StackSnapshot> = {}): StackSnapshot {
  return {
    account: ACCOUNT,
    region: 'eu-west-1',
    takenAt: '2026-11-30T06:00:00.000Z',
    trails: [{ name: 'org-trail', arn: trailArn('org-trail'), homeRegion: 'eu-west-1', isLogging: true }],
    rules: [
      {
        name: 'guardrail-prod-ec2',
        eventBus: 'default',
        arn: ruleArn('guardrail-prod-ec2'),
        state: 'ENABLED',
      },
      {
        name: 'guardrail-prod-ec2-forwarded',
        eventBus: 'guardrail-central',
        arn: ruleArn('guardrail-central/guardrail-prod-ec2-forwarded'),
        state: 'ENABLED',
      },
    ],
    functions: [
      { name: 'guardrail-prod-ec2-events', arn: fnArn('guardrail-prod-ec2-events'), present: true },
      {
        name: 'guardrail-prod-tamper-events',
        arn: fnArn('guardrail-prod-tamper-events'),
        present: true,
        reservedConcurrency: 5,
      },
    ],
    unreadable: [],
    ...overrides,
  };
}

const judge = (s: StackSnapshot, yaml?: string) =>
  judgeStack(s, yaml ? baselineFrom(yaml) : exampleBaseline(), { checkId: 'check-1' }).findings.map(
    (f) => `${f.ruleId}:${f.severity} ${f.resource}`,
  );

describe('judgeStack', () => {
  it('says nothing about a healthy stack', () => {
    expect(judge(snapshot())).toEqual([]);
  });

  it.each([
    [
      'a stopped trail (every trail is watched when the baseline names none)',
      snapshot({
        trails: [
          { name: 'org-trail', arn: trailArn('org-trail'), homeRegion: 'eu-west-1', isLogging: false },
        ],
      }),
      undefined,
      [`cloudtrail.logging-impaired:critical ${trailArn('org-trail')}`],
    ],
    [
      'a trail the baseline names that no longer exists',
      snapshot({ trails: [] }),
      'version: 1\ntrails:\n  - name: org-trail\n',
      ['cloudtrail.logging-impaired:critical org-trail'],
    ],
    [
      'a disabled rule, on the central bus too',
      snapshot({
        rules: [
          {
            name: 'guardrail-prod-ec2-forwarded',
            eventBus: 'guardrail-central',
            arn: ruleArn('guardrail-central/guardrail-prod-ec2-forwarded'),
            state: 'DISABLED',
          },
        ],
      }),
      undefined,
      [`guardrail.tamper:critical ${ruleArn('guardrail-central/guardrail-prod-ec2-forwarded')}`],
    ],
    [
      'a deleted function and one throttled to 0',
      snapshot({
        functions: [
          { name: 'guardrail-prod-iam-events', arn: fnArn('guardrail-prod-iam-events'), present: false },
          {
            name: 'guardrail-prod-tamper-events',
            arn: fnArn('guardrail-prod-tamper-events'),
            present: true,
            reservedConcurrency: 0,
          },
        ],
      }),
      undefined,
      [
        `guardrail.tamper:critical ${fnArn('guardrail-prod-iam-events')}`,
        `guardrail.tamper:critical ${fnArn('guardrail-prod-tamper-events')}`,
      ],
    ],
  ])('reports %s', (_name, s, yaml, want) => {
    expect(judge(s, yaml)).toEqual(want);
  });

  it('leaves a stopped trail the baseline does not name alone, when it names some', () => {
    const s = snapshot({
      trails: [
        { name: 'sandbox', arn: trailArn('sandbox'), homeRegion: 'eu-west-1', isLogging: false },
        {
          name: 'org-trail',
          arn: trailArn('org-trail', 'us-east-1'),
          homeRegion: 'us-east-1',
          isLogging: true,
        },
      ],
    });
    expect(judge(s, `version: 1\ntrails:\n  - name: ${trailArn('org-trail', 'us-east-1')}\n`)).toEqual([]);
  });

  it('says how to fix each, and a finding looks like the event rules’ (eventId, rule texts, no remediation)', () => {
    const [finding] = judgeStack(
      snapshot({
        rules: [
          {
            name: 'guardrail-prod-ec2',
            eventBus: 'default',
            arn: ruleArn('guardrail-prod-ec2'),
            state: 'DISABLED',
          },
        ],
      }),
      exampleBaseline(),
      { checkId: 'check-7' },
    ).findings;
    expect(finding).toMatchObject({
      ruleId: 'guardrail.tamper',
      eventId: 'check-7',
      eventName: 'StackStateCheck',
      eventTime: '2026-11-30T06:00:00.000Z',
      remediation: null,
      details: { check: 'scheduled', resourceType: 'rule', state: 'DISABLED' },
    });
    expect(finding?.nextSteps[0]).toBe(
      'Enable it again now (aws events enable-rule --name guardrail-prod-ec2), then redeploy the guardrail stack (npm run deploy).',
    );
  });

  it('stays silent when the baseline disables the rule', () => {
    const stopped = snapshot({
      trails: [{ name: 'org-trail', arn: trailArn('org-trail'), homeRegion: 'eu-west-1', isLogging: false }],
    });
    expect(
      judge(stopped, 'version: 1\nrules:\n  cloudtrail.logging-impaired:\n    enabled: false\n'),
    ).toEqual([]);
  });
});

const trail = mockClient(CloudTrailClient);
const events = mockClient(EventBridgeClient);
const lambda = mockClient(LambdaClient);
afterEach(() => {
  trail.reset();
  events.reset();
  lambda.reset();
});

describe('readStackSnapshot', () => {
  const read = () =>
    readStackSnapshot(
      {
        cloudTrail: (region) => new CloudTrailClient({ region }),
        events: new EventBridgeClient({ region: 'eu-west-1' }),
        lambda: new LambdaClient({ region: 'eu-west-1' }),
      },
      {
        account: ACCOUNT,
        region: 'eu-west-1',
        prefix: 'guardrail-prod-',
        buses: ['guardrail-central'],
        functions: ['guardrail-prod-iam-events', 'guardrail-prod-tamper-events'],
        now: new Date('2026-11-30T06:00:00Z'),
      },
    );

  it('reads trails in their home region, rules on both buses page by page, and functions', async () => {
    trail.on(DescribeTrailsCommand).resolves({
      trailList: [
        { Name: 'org-trail', TrailARN: trailArn('org-trail', 'us-east-1'), HomeRegion: 'us-east-1' },
      ],
    });
    trail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    events
      .on(ListRulesCommand, { NamePrefix: 'guardrail-prod-' })
      .resolvesOnce({
        Rules: [{ Name: 'guardrail-prod-ec2', Arn: ruleArn('guardrail-prod-ec2'), State: 'ENABLED' }],
        NextToken: 'n',
      })
      .resolvesOnce({
        Rules: [{ Name: 'guardrail-prod-iam', Arn: ruleArn('guardrail-prod-iam'), State: 'DISABLED' }],
      });
    events
      .on(ListRulesCommand, { NamePrefix: 'guardrail-prod-', EventBusName: 'guardrail-central' })
      .resolves({ Rules: [] });
    lambda
      .on(GetFunctionCommand, { FunctionName: 'guardrail-prod-iam-events' })
      .rejects(Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' }));
    lambda
      .on(GetFunctionCommand, { FunctionName: 'guardrail-prod-tamper-events' })
      .resolves({ Concurrency: { ReservedConcurrentExecutions: 0 } });
    const snap = await read();
    expect(snap.trails).toEqual([
      {
        name: 'org-trail',
        arn: trailArn('org-trail', 'us-east-1'),
        homeRegion: 'us-east-1',
        isLogging: false,
      },
    ]);
    expect(await trail.call(1).thisValue.config.region()).toBe('us-east-1');
    expect(snap.rules.map((r) => `${r.eventBus}/${r.name} ${r.state}`)).toEqual([
      'default/guardrail-prod-ec2 ENABLED',
      'default/guardrail-prod-iam DISABLED',
    ]);
    expect(snap.functions).toEqual([
      { name: 'guardrail-prod-iam-events', arn: fnArn('guardrail-prod-iam-events'), present: false },
      {
        name: 'guardrail-prod-tamper-events',
        arn: fnArn('guardrail-prod-tamper-events'),
        present: true,
        reservedConcurrency: 0,
      },
    ]);
    expect(snap.unreadable).toEqual([]);
    expect(judgeStack(snap, exampleBaseline(), { checkId: 'c' }).findings).toHaveLength(4);
  });

  it('lists what it could not read, with one line each, and reads the rest', async () => {
    trail.on(DescribeTrailsCommand).rejects(accessDenied('cloudtrail:DescribeTrails'));
    events.on(ListRulesCommand).resolves({ Rules: [] });
    lambda.on(GetFunctionCommand).rejects(accessDenied('lambda:GetFunction'));
    const snap = await read();
    expect(snap.unreadable.map((u) => u.what)).toEqual([
      'the trails of eu-west-1',
      'function guardrail-prod-iam-events',
      'function guardrail-prod-tamper-events',
    ]);
    expect(snap.unreadable[0]?.error).toMatch(/^AccessDenied/);
    expect(snap.unreadable.every((u) => !u.error.includes('\n'))).toBe(true);
  });
});
