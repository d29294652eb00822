/** The scheduled state scan's handler: read, judge, remediate, one digest, once per schedule event. */
import {
  DescribeInstancesCommand,
  EC2Client,
  ModifyInstanceMetadataOptionsCommand,
} from '@aws-sdk/client-ec2';
import { IAMClient, ListUserTagsCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { oncePerKey } from '../../../handlers/lib/idempotency.ts';
import { createLogger } from '../../../handlers/lib/logger.ts';
import { scanHandler } from '../../../handlers/lib/scanHandler.ts';
import { enforceImdsV2Action } from '../../../src/actions/enforceImdsV2.ts';
import { createRemediator } from '../../../src/actions/index.ts';
import { tagUserAction } from '../../../src/actions/tagUser.ts';
import { GuardrailTag } from '../../../src/core/tags.ts';
import { InMemoryNotifier } from '../../../src/notify/memory.ts';
import type { StackSnapshot } from '../../../src/state/stack.ts';
import type { AccountState } from '../../../src/state/state.ts';
import { throttled } from '../../helpers/awsErrors.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { EPHEMERAL_USER } from '../../helpers/findings.ts';
import { MemoryPersistenceLayer } from '../../helpers/idempotency.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import type { CapturedLogs } from '../../helpers/logs.ts';
import { captureLogs } from '../../helpers/logs.ts';
import { ACCOUNT } from '../../helpers/records.ts';
import { accountState, instance, user } from '../../helpers/state.ts';

const iamMock = mockClient(IAMClient);
const ec2Mock = mockClient(EC2Client);
const NOW = new Date('2026-12-01T12:00:00Z');
const arn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
// Tagged ephemeral at creation (so only the orphan check speaks), expired; an approved service user.
const state: AccountState = accountState({
  takenAt: NOW.toISOString(),
  users: [
    user(EPHEMERAL_USER, {
      createdAt: '2026-11-20T10:15:29.000Z',
      tags: { [GuardrailTag.ephemeral]: 'true', [GuardrailTag.expiresAt]: '2026-11-21T10:15:29.000Z' },
    }),
    user('cml-cloud-manager-service', {
      createdAt: '2025-01-01T00:00:00.000Z',
      passwordLastUsedAt: NOW.toISOString(),
    }),
  ],
  problems: [{ what: 'the access keys of locked', error: 'AccessDenied: not authorized' }],
});
const scheduled = {
  id: 'f2b1e4c6-sched-0001',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: NOW.toISOString(),
  detail: {},
};

function setup(store = new MemoryPersistenceLayer(), read = vi.fn(async () => state)) {
  const notifier = new InMemoryNotifier();
  const handler = scanHandler({
    logger: createLogger('state-scan'),
    baseline: async () => exampleBaseline(),
    read,
    remediate: createRemediator({ 'tag-orphaned': tagUserAction(new IAMClient({ region: 'us-east-1' })) }),
    notifier,
    concurrency: 2,
    idempotency: oncePerKey({
      persistenceStore: store,
      key: 'sweepId',
      keyPrefix: 'test-scan',
      requireKey: true,
    }),
    now: () => NOW,
  });
  return { handler, notifier, read };
}

describe('state scan handler', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    iamMock.reset();
    ec2Mock.reset();
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    iamMock.on(TagUserCommand).resolves({});
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('proposes tag-orphaned for the expired ephemeral user (dry-run in the example baseline) and sends one digest', async () => {
    const { handler, notifier, read } = setup();
    const summary = await handler(scheduled, lambdaContext());
    expect(read).toHaveBeenCalledWith(NOW, ACCOUNT);
    expect(summary).toMatchObject({
      status: 'scanned',
      scanId: `scan-${scheduled.id}`,
      account: ACCOUNT,
      examined: { users: 2 },
      findings: [
        {
          ruleId: 'iam.user.orphaned',
          resource: arn(EPHEMERAL_USER),
          remediation: { status: 'dry-run' },
          notified: true,
        },
      ],
      digest: { messageId: 'memory-1', shown: 1, omitted: 0 },
    });
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0);
    expect(notifier.sent).toHaveLength(1);
    const { rendered } = notifier.sent[0] as (typeof notifier.sent)[number];
    expect(rendered.subject).toBe(`[guardrail] State scan of ${ACCOUNT}: 1 finding`);
    expect(rendered.email).toContain(
      'Not read, so not judged: the access keys of locked (AccessDenied: not authorized).',
    );
    expect(logs.lines.filter((l) => l.service === 'guardrail').every((l) => l.eventId === scheduled.id)).toBe(
      true,
    );
  });

  it('runs once per scheduled event id', async () => {
    const { handler, notifier, read } = setup();
    await handler(scheduled, lambdaContext());
    await handler(scheduled, lambdaContext());
    expect(read).toHaveBeenCalledTimes(1);
    expect(notifier.sent).toHaveLength(1);
  });

  it('tags when the baseline enforces, and a throttled user fails alone without failing the scan', async () => {
    const enforcing = {
      ...exampleBaseline(),
      rules: { ...exampleBaseline().rules, 'iam.user.orphaned': { enabled: true, mode: 'enforce' as const } },
    };
    // Unused since January, approved nowhere: orphaned (and unexpected).
    const twoOrphans = {
      ...state,
      users: [...state.users, user('forgotten', { createdAt: '2026-01-01T00:00:00.000Z' })],
    };
    iamMock.on(TagUserCommand, { UserName: 'forgotten' }).rejects(throttled());
    const notifier = new InMemoryNotifier();
    const handler = scanHandler({
      logger: createLogger('state-scan'),
      baseline: async () => enforcing,
      read: async () => twoOrphans,
      remediate: createRemediator({ 'tag-orphaned': tagUserAction(new IAMClient({ region: 'us-east-1' })) }),
      notifier,
      concurrency: 2,
      idempotency: null,
      now: () => NOW,
    });
    const summary = await handler({}, lambdaContext());
    expect(summary.scanId).toMatch(/^scan-manual-/);
    const orphans = Object.fromEntries(
      summary.findings
        .filter((f) => f.ruleId === 'iam.user.orphaned')
        .map((f) => [f.resource.split('/').pop(), f.remediation?.status]),
    );
    expect(orphans).toEqual({ [EPHEMERAL_USER]: 'applied', forgotten: 'failed' });
    expect(summary.findings.map((f) => f.ruleId).sort()).toEqual([
      'iam.user.orphaned',
      'iam.user.orphaned',
      'iam.user.unexpected',
    ]);
    const tagged = iamMock
      .commandCalls(TagUserCommand, { UserName: EPHEMERAL_USER })[0]
      ?.args[0].input.Tags?.map((t) => t.Key);
    expect(tagged).toEqual([GuardrailTag.orphaned, GuardrailTag.orphanedAt, GuardrailTag.orphanReason]);
    expect(notifier.sent[0]?.rendered.email).toContain('(the next scan retries)');
  });

  it('enforces IMDSv2 on an instance allowing IMDSv1 above its hop limit, in one call', async () => {
    const enforcing = {
      ...exampleBaseline(),
      rules: {
        ...exampleBaseline().rules,
        'ec2.imds.v1-allowed': { enabled: true, mode: 'enforce' as const },
        'ec2.imds.hop-limit': { enabled: true, mode: 'enforce' as const },
      },
    };
    const id = 'i-0a1b2c3d4e5f60718';
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: id, MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 5 } },
          ],
        },
      ],
    });
    ec2Mock.on(ModifyInstanceMetadataOptionsCommand).resolves({});
    const handler = scanHandler({
      logger: createLogger('state-scan'),
      baseline: async () => enforcing,
      read: async () =>
        accountState({
          takenAt: NOW.toISOString(),
          regions: [
            {
              region: 'eu-west-1',
              instances: [instance(id, { httpTokens: 'optional', hopLimit: 5, httpEndpoint: 'enabled' })],
            },
          ],
        }),
      remediate: createRemediator({
        'enforce-imdsv2': enforceImdsV2Action(() => new EC2Client({ region: 'eu-west-1' }), {
          dryRunProbe: false,
        }),
      }),
      notifier: new InMemoryNotifier(),
      concurrency: 2,
      idempotency: null,
      now: () => NOW,
    });
    const summary = await handler(scheduled, lambdaContext());
    // v1-allowed reports the hop limit too (the IMDS rules never report one instance twice).
    expect(summary.findings.map((f) => [f.ruleId, f.remediation?.status])).toEqual([
      ['ec2.imds.v1-allowed', 'applied'],
    ]);
    const calls = ec2Mock
      .commandCalls(ModifyInstanceMetadataOptionsCommand)
      .filter((c) => !c.args[0].input.DryRun);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ InstanceId: id, HttpTokens: 'required', HttpPutResponseHopLimit: 1 }),
    ]);
  });

  it('sends nothing when there is nothing to say', async () => {
    const notifier = new InMemoryNotifier();
    const handler = scanHandler({
      logger: createLogger('state-scan'),
      baseline: async () => exampleBaseline(),
      read: async () => ({
        ...state,
        users: [state.users[1] as AccountState['users'][number]],
        problems: [],
      }),
      remediate: createRemediator({}),
      notifier,
      concurrency: 1,
      idempotency: null,
      now: () => NOW,
    });
    expect(await handler(scheduled, lambdaContext())).toMatchObject({ findings: [], digest: null });
    expect(notifier.sent).toHaveLength(0);
  });

  it('checks the stack after the scan: a disabled rule and a stopped trail in one message of their own', async () => {
    const notifier = new InMemoryNotifier();
    const stackRead = vi.fn(
      async (now: Date): Promise<StackSnapshot> => ({
        account: ACCOUNT,
        region: 'us-east-1',
        takenAt: now.toISOString(),
        trails: [
          {
            name: 'org-trail',
            arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`,
            homeRegion: 'us-east-1',
            isLogging: false,
          },
        ],
        rules: [
          {
            name: 'guardrail-prod-iam-events',
            eventBus: 'default',
            arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/guardrail-prod-iam-events`,
            state: 'DISABLED',
          },
        ],
        functions: [],
        unreadable: [{ what: 'function guardrail-prod-replay', error: 'AccessDenied: not authorized' }],
      }),
    );
    const handler = scanHandler({
      logger: createLogger('state-scan'),
      baseline: async () => exampleBaseline(),
      read: async () => accountState({ takenAt: NOW.toISOString() }),
      remediate: createRemediator({}),
      notifier,
      concurrency: 2,
      idempotency: null,
      now: () => NOW,
      stackCheck: stackRead,
    });
    const summary = await handler(scheduled, lambdaContext());
    expect(stackRead).toHaveBeenCalledWith(NOW);
    expect(summary.stack).toMatchObject({
      checkId: `scan-${scheduled.id}:stack`,
      trails: 1,
      rules: 1,
      unreadable: [{ what: 'function guardrail-prod-replay' }],
      findings: [
        { ruleId: 'cloudtrail.logging-impaired', severity: 'critical', notified: true },
        { ruleId: 'guardrail.tamper', severity: 'critical', notified: true },
      ],
    });
    // The scan of an empty account found nothing worth a message: the stack's message is the only one.
    expect(notifier.sent).toHaveLength(1);
    expect(notifier.sent[0]?.rendered.subject).toMatch(/^\[guardrail\] CRITICAL/);
    expect(logs.text()).toContain('stack state not readable');
  });
});
