import { IAMClient, ListUserTagsCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { oncePerKey } from '../../../handlers/lib/idempotency.ts';
import { createLogger } from '../../../handlers/lib/logger.ts';
import { sweepHandler } from '../../../handlers/lib/sweepHandler.ts';
import { createRemediator } from '../../../src/actions/index.ts';
import { tagUserAction } from '../../../src/actions/tagUser.ts';
import { GuardrailTag } from '../../../src/core/tags.ts';
import { InMemoryNotifier } from '../../../src/notify/memory.ts';
import type { StackSnapshot } from '../../../src/state/stack.ts';
import type { AccountSnapshot } from '../../../src/sweep/snapshot.ts';
import { throttled } from '../../helpers/awsErrors.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { EPHEMERAL_USER } from '../../helpers/findings.ts';
import { MemoryPersistenceLayer } from '../../helpers/idempotency.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import type { CapturedLogs } from '../../helpers/logs.ts';
import { captureLogs } from '../../helpers/logs.ts';
import { ACCOUNT } from '../../helpers/records.ts';

const iamMock = mockClient(IAMClient);
const NOW = new Date('2026-12-01T12:00:00Z');
const arn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const snapshot: AccountSnapshot = {
  account: ACCOUNT,
  takenAt: NOW.toISOString(),
  users: [
    {
      userName: EPHEMERAL_USER,
      arn: arn(EPHEMERAL_USER),
      createdAt: '2026-11-20T10:15:29Z',
      tags: {},
      accessKeys: [],
    },
    {
      userName: 'cml-cloud-manager-service',
      arn: arn('cml-cloud-manager-service'),
      createdAt: '2025-01-01T00:00:00Z',
      tags: {},
      accessKeys: [],
    },
  ],
  unreadable: [{ userName: 'locked', error: 'AccessDenied: not authorized' }],
};
const scheduled = {
  id: 'f2b1e4c6-sched-0001',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: NOW.toISOString(),
  detail: {},
};

function setup(store = new MemoryPersistenceLayer()) {
  const notifier = new InMemoryNotifier();
  const read = vi.fn(async () => snapshot);
  const handler = sweepHandler({
    logger: createLogger('orphan-sweep'),
    baseline: async () => exampleBaseline(),
    snapshot: read,
    region: async () => 'us-east-1',
    remediate: createRemediator({ 'tag-orphaned': tagUserAction(new IAMClient({ region: 'us-east-1' })) }),
    notifier,
    concurrency: 2,
    idempotency: oncePerKey({
      persistenceStore: store,
      key: 'sweepId',
      keyPrefix: 'test-sweep',
      requireKey: true,
    }),
    now: () => NOW,
  });
  return { handler, notifier, read };
}

describe('orphan sweep handler', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    iamMock.reset();
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    iamMock.on(TagUserCommand).resolves({});
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('proposes tag-orphaned for the expired ephemeral user (dry-run in the example baseline) and sends one digest', async () => {
    const { handler, notifier } = setup();
    const summary = await handler(scheduled, lambdaContext());
    expect(summary).toMatchObject({
      status: 'swept',
      sweepId: scheduled.id,
      usersExamined: 2,
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
    expect(rendered.subject).toBe(`[guardrail] Orphan sweep of ${ACCOUNT}: 1 finding`);
    expect(rendered.email).toContain(
      '1 user(s) could not be read and were not judged: locked (AccessDenied: not authorized)',
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

  it('tags when the baseline enforces, and a throttled user fails alone without failing the sweep', async () => {
    const enforcing = {
      ...exampleBaseline(),
      rules: { ...exampleBaseline().rules, 'iam.user.orphaned': { enabled: true, mode: 'enforce' as const } },
    };
    const twoOrphans: AccountSnapshot = {
      ...snapshot,
      users: [
        ...snapshot.users,
        {
          userName: 'forgotten',
          arn: arn('forgotten'),
          createdAt: '2026-01-01T00:00:00Z',
          tags: {},
          accessKeys: [],
        },
      ],
    };
    iamMock.on(TagUserCommand, { UserName: 'forgotten' }).rejects(throttled());
    const notifier = new InMemoryNotifier();
    const handler = sweepHandler({
      logger: createLogger('orphan-sweep'),
      baseline: async () => enforcing,
      snapshot: async () => twoOrphans,
      region: async () => 'us-east-1',
      remediate: createRemediator({ 'tag-orphaned': tagUserAction(new IAMClient({ region: 'us-east-1' })) }),
      notifier,
      concurrency: 2,
      idempotency: null,
      now: () => NOW,
    });
    const summary = await handler({}, lambdaContext());
    expect(summary.sweepId).toMatch(/^manual-/);
    const byUser = Object.fromEntries(
      summary.findings.map((f) => [f.resource.split('/').pop(), f.remediation?.status]),
    );
    expect(byUser).toEqual({ [EPHEMERAL_USER]: 'applied', forgotten: 'failed' });
    const tagged = iamMock
      .commandCalls(TagUserCommand, { UserName: EPHEMERAL_USER })[0]
      ?.args[0].input.Tags?.map((t) => t.Key);
    expect(tagged).toEqual([GuardrailTag.orphaned, GuardrailTag.orphanedAt, GuardrailTag.orphanReason]);
    expect(notifier.sent[0]?.rendered.email).toContain('(the next sweep retries)');
  });

  it('sends nothing when there is nothing to say', async () => {
    const notifier = new InMemoryNotifier();
    const handler = sweepHandler({
      logger: createLogger('orphan-sweep'),
      baseline: async () => exampleBaseline(),
      snapshot: async () => ({
        ...snapshot,
        users: [snapshot.users[1] as AccountSnapshot['users'][number]],
        unreadable: [],
      }),
      region: async () => 'us-east-1',
      remediate: createRemediator({}),
      notifier,
      concurrency: 1,
      idempotency: null,
      now: () => NOW,
    });
    expect(await handler(scheduled, lambdaContext())).toMatchObject({ findings: [], digest: null });
    expect(notifier.sent).toHaveLength(0);
  });

  it('checks the stack after the sweep: a disabled rule and a stopped trail in one message of their own', async () => {
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
    const handler = sweepHandler({
      logger: createLogger('orphan-sweep'),
      baseline: async () => exampleBaseline(),
      snapshot: async () => ({ ...snapshot, users: [], unreadable: [] }),
      region: async () => 'us-east-1',
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
      checkId: `${scheduled.id}:stack`,
      trails: 1,
      rules: 1,
      unreadable: [{ what: 'function guardrail-prod-replay' }],
      findings: [
        { ruleId: 'cloudtrail.logging-impaired', severity: 'critical', notified: true },
        { ruleId: 'guardrail.tamper', severity: 'critical', notified: true },
      ],
      messageId: 'memory-1',
    });
    // The sweep found nothing: the stack's message is the only one.
    expect(notifier.sent).toHaveLength(1);
    expect(notifier.sent[0]?.rendered.subject).toMatch(/^\[guardrail\] CRITICAL/);
    expect(logs.text()).toContain('stack state not readable');
  });
});
