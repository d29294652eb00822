import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GuardrailTag } from '../../../src/core/tags.ts';
import type { TagParams } from '../../../src/core/types.ts';
import type { AccountSnapshot, UserSnapshot } from '../../../src/sweep/snapshot.ts';
import { sweepAccount } from '../../../src/sweep/sweep.ts';
import { baselineFrom, exampleBaseline } from '../../helpers/baseline.ts';
import { EPHEMERAL_USER } from '../../helpers/findings.ts';
import { ACCOUNT } from '../../helpers/records.ts';

const NOW = '2026-12-01T12:00:00.000Z';
const DAY = 86_400_000;
const daysAgo = (days: number): string => new Date(Date.parse(NOW) - days * DAY).toISOString();

function user(userName: string, extra: Partial<UserSnapshot> = {}): UserSnapshot {
  return {
    userName,
    arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
    createdAt: daysAgo(1),
    tags: {},
    accessKeys: [],
    ...extra,
  };
}

function snapshot(...users: UserSnapshot[]): AccountSnapshot {
  return { account: ACCOUNT, takenAt: NOW, users, unreadable: [] };
}

const options = { sweepId: 'sweep-1', now: NOW, region: 'us-east-1' };
const sweep = (...users: UserSnapshot[]) => sweepAccount(snapshot(...users), exampleBaseline(), options);
const ruleIds = (...users: UserSnapshot[]) =>
  sweep(...users).findings.map((f) => `${f.ruleId} ${f.details.userName}`);

describe('orphan sweep decision', () => {
  it.each([
    [
      'ephemeral by name, created 2 days ago (ttl 24h), never tagged',
      user(EPHEMERAL_USER, { createdAt: daysAgo(2) }),
      'expired',
    ],
    [
      'ephemeral by tag, expires-at in the past',
      user('run-42', {
        createdAt: daysAgo(0.5),
        tags: { [GuardrailTag.ephemeral]: 'true', [GuardrailTag.expiresAt]: daysAgo(0.1) },
      }),
      'expired',
    ],
    [
      'unknown user, key last used 40 days ago',
      user('old-ci', {
        createdAt: daysAgo(400),
        accessKeys: [
          { accessKeyId: 'AKIAOLD', status: 'Active', createdAt: daysAgo(40), lastUsedAt: daysAgo(40) },
        ],
      }),
      'unused',
    ],
    ['unknown user created 31 days ago, never used', user('forgotten', { createdAt: daysAgo(31) }), 'unused'],
  ])('orphans %s', (_name, snapshotUser, reason) => {
    const [finding] = sweep(snapshotUser).findings;
    expect(finding).toMatchObject({
      ruleId: 'iam.user.orphaned',
      severity: 'medium',
      eventId: 'sweep-1',
      eventName: 'OrphanSweep',
      eventTime: NOW,
      account: ACCOUNT,
      resource: snapshotUser.arn,
      details: { userName: snapshotUser.userName, reason },
      remediation: { action: 'tag-orphaned', mode: 'dry-run', status: 'proposed' },
    });
    const params = finding?.remediation?.params as TagParams;
    expect(params.userName).toBe(snapshotUser.userName);
    expect(params.tags).toMatchObject({ [GuardrailTag.orphaned]: 'true', [GuardrailTag.orphanedAt]: NOW });
  });

  it.each([
    ['ephemeral, still within its ttl', user(EPHEMERAL_USER, { createdAt: daysAgo(0.5) })],
    [
      'ephemeral, tagged expiry in the future (tag wins over creation + ttl)',
      user(EPHEMERAL_USER, { createdAt: daysAgo(3), tags: { [GuardrailTag.expiresAt]: daysAgo(-1) } }),
    ],
    [
      'unknown user whose password was used 5 days ago',
      user('alice', { createdAt: daysAgo(300), passwordLastUsedAt: daysAgo(5) }),
    ],
    [
      'unknown user whose key was used yesterday',
      user('ci', {
        createdAt: daysAgo(300),
        accessKeys: [
          { accessKeyId: 'AKIA1', status: 'Active', createdAt: daysAgo(30), lastUsedAt: daysAgo(1) },
        ],
      }),
    ],
    [
      'approved service user unused for a year',
      user('cml-cloud-manager-service', { createdAt: daysAgo(365) }),
    ],
    [
      'approved developer user (glob) unused for a year',
      user('chatbot-dev-alice', { createdAt: daysAgo(365) }),
    ],
  ])('leaves alone: %s', (_name, snapshotUser) => {
    expect(ruleIds(snapshotUser)).toEqual([]);
  });

  it('names the creator from the guardrail:creator tag as who did it', () => {
    const creator = `arn:aws:iam::${ACCOUNT}:user/aimodelshare-admin`;
    const [finding] = sweep(
      user(EPHEMERAL_USER, { createdAt: daysAgo(2), tags: { [GuardrailTag.creator]: creator } }),
    ).findings;
    expect(finding?.actor).toBe(creator);
    expect(finding?.summary).toContain('created by user/aimodelshare-admin');
  });

  it('keeps the first verdict on an already orphaned user, so re-tagging finds nothing to change', () => {
    const tags = {
      [GuardrailTag.orphaned]: 'true',
      [GuardrailTag.orphanedAt]: daysAgo(7),
      [GuardrailTag.orphanReason]: 'expired 2026-11-23',
    };
    const [finding] = sweep(user(EPHEMERAL_USER, { createdAt: daysAgo(9), tags })).findings;
    expect((finding?.remediation?.params as TagParams | undefined)?.tags).toEqual(tags);
    expect(finding?.details.alreadyTagged).toBe(true);
  });

  it('reports active keys past the rotation age, approved users included, never inactive ones', () => {
    const cml = user('cml-cloud-manager-service', {
      createdAt: daysAgo(200),
      accessKeys: [
        { accessKeyId: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120), lastUsedAt: daysAgo(0.1) },
        { accessKeyId: 'AKIAOFF', status: 'Inactive', createdAt: daysAgo(300) },
        { accessKeyId: 'AKIAEDGE', status: 'Active', createdAt: daysAgo(90) },
      ],
    });
    const findings = sweep(cml).findings;
    expect(findings.map((f) => [f.ruleId, f.details.accessKeyId, f.details.ageDays])).toEqual([
      ['iam.accesskey.stale', 'AKIAOLD', 120],
    ]);
    expect(findings[0]?.remediation).toBeNull();
  });

  it('follows the baseline: disabled rules, mode, severity and suppressions', () => {
    const yaml = (rules: string, suppressions = '[]') => `
version: 1
users:
  ephemeral:
    - regex: temporaryaccessAImodelshare[0-9a-f]{32}
      ttl: 24h
rules:
${rules}
suppressions: ${suppressions}
`;
    const expired = user(EPHEMERAL_USER, { createdAt: daysAgo(2) });
    const run = (text: string) => sweepAccount(snapshot(expired), baselineFrom(text), options);
    expect(run(yaml('  iam.user.orphaned:\n    enabled: false')).findings).toEqual([]);
    expect(
      run(yaml('  iam.user.orphaned:\n    mode: enforce\n    severity: high')).findings[0],
    ).toMatchObject({
      severity: 'high',
      remediation: { mode: 'enforce' },
    });
    const suppressed = run(
      yaml(
        '  {}',
        `\n  - rule: iam.user.orphaned\n    resource: "arn:aws:iam::*:user/temporaryaccess*"\n    reason: the ML team cleans these up weekly`,
      ),
    );
    expect(suppressed.findings).toEqual([]);
    expect(suppressed.suppressed[0]?.suppression).toEqual({
      path: 'suppressions[0]',
      reason: 'the ML team cleans these up weekly',
    });
  });

  it('rejects a now that is not a time', () => {
    expect(() => sweepAccount(snapshot(), exampleBaseline(), { ...options, now: 'yesterday' })).toThrow(
      /^sweep: now: not an ISO time: yesterday$/,
    );
  });

  const userArb = fc.record({
    userName: fc.oneof(
      fc.constantFrom('cml-cloud-manager-service', 'chatbot-dev-bob', EPHEMERAL_USER, 'ops-admin'),
      fc.stringMatching(/^[\w+=,.@-]{1,64}$/),
    ),
    createdDays: fc.integer({ min: 0, max: 1000 }),
    usedDays: fc.option(fc.integer({ min: 0, max: 1000 })),
    keyDays: fc.option(fc.integer({ min: 0, max: 1000 })),
    tagged: fc.boolean(),
  });

  it('never orphans an approved user, orphans each user at most once, proposes only tag-orphaned', () => {
    fc.assert(
      fc.property(fc.uniqueArray(userArb, { selector: (u) => u.userName, maxLength: 8 }), (specs) => {
        const users = specs.map((s) =>
          user(s.userName, {
            createdAt: daysAgo(s.createdDays),
            ...(s.usedDays !== null ? { passwordLastUsedAt: daysAgo(s.usedDays) } : {}),
            accessKeys:
              s.keyDays !== null
                ? [{ accessKeyId: 'AKIAX', status: 'Active', createdAt: daysAgo(s.keyDays) }]
                : [],
            tags: s.tagged ? { [GuardrailTag.ephemeral]: 'true' } : {},
          }),
        );
        const { findings } = sweepAccount(snapshot(...users), exampleBaseline(), options);
        const orphaned = findings
          .filter((f) => f.ruleId === 'iam.user.orphaned')
          .map((f) => f.details.userName as string);
        expect(new Set(orphaned).size).toBe(orphaned.length);
        for (const name of orphaned)
          expect(name).not.toMatch(/^(cml-cloud-manager-service|chatbot-dev-.*)$/i);
        for (const f of findings) expect([null, 'tag-orphaned']).toContain(f.remediation?.action ?? null);
      }),
    );
  });
});
