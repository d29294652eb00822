/** The remediation planner: the one place the action, the mode and the account of a remediation are decided. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OwnAccount, PlanContext } from '../../../src/actions/plan.ts';
import { planRemediation, proposeRemediation } from '../../../src/actions/plan.ts';
import type { Finding } from '../../../src/core/types.ts';
import { EPHEMERAL_USER, inMode, OWN_ACCOUNT, onlyFinding } from '../../helpers/findings.ts';
import { ACCOUNT, createUser, identities } from '../../helpers/records.ts';

const finding = onlyFinding(createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation }));
const context = (over: Partial<PlanContext> = {}): PlanContext => ({
  forceDryRun: false,
  own: OWN_ACCOUNT,
  memberRole: false,
  ...over,
});

describe('proposeRemediation', () => {
  const tag = { action: 'tag-ephemeral', params: { userName: 'u', tags: {} } } as const;

  it('takes the mode from the baseline and marks it proposed', () => {
    for (const mode of ['dry-run', 'enforce'] as const) {
      expect(proposeRemediation('tag-ephemeral', tag, { enabled: true, mode })).toEqual({
        ...tag,
        mode,
        status: 'proposed',
      });
    }
  });

  it('drops a proposal for another action than the rule declares, or none', () => {
    expect(proposeRemediation('enforce-imdsv2', tag, { enabled: true, mode: 'enforce' })).toBeNull();
    expect(proposeRemediation(null, tag, { enabled: true, mode: 'enforce' })).toBeNull();
    expect(proposeRemediation('tag-ephemeral', undefined, { enabled: true, mode: 'enforce' })).toBeNull();
  });
});

describe('planRemediation', () => {
  it('enforces only when the baseline says enforce and no brake is set', () => {
    const run = (f: Finding, c: PlanContext) => planRemediation(f, c);
    expect(run(inMode(finding, 'enforce'), context())).toEqual({
      kind: 'run',
      action: 'tag-ephemeral',
      mode: 'enforce',
      target: { kind: 'own' },
    });
    expect(run(inMode(finding, 'dry-run'), context())).toMatchObject({ kind: 'run', mode: 'dry-run' });
    expect(run(inMode(finding, 'enforce'), context({ forceDryRun: true }))).toMatchObject({
      kind: 'run',
      mode: 'dry-run',
    });
  });

  it('plans nothing for a finding without a proposed remediation', () => {
    expect(planRemediation({ ...finding, remediation: null }, context())).toEqual({ kind: 'none' });
    const applied = { ...finding, remediation: { ...finding.remediation, status: 'applied' } } as Finding;
    expect(planRemediation(applied, context())).toEqual({ kind: 'none' });
  });

  it('routes another account’s finding to the member role, or holds it without one', () => {
    const member = { ...finding, account: '210987654321' };
    expect(planRemediation(member, context({ memberRole: true }))).toMatchObject({
      kind: 'run',
      target: { kind: 'member', account: '210987654321' },
    });
    expect(planRemediation(member, context())).toMatchObject({ kind: 'hold' });
  });

  it('never runs with its own credentials on another account, nor without knowing its own (any input)', () => {
    const account = fc.oneof(
      fc.constantFrom(ACCOUNT, '210987654321', '', 'unknown', `${ACCOUNT} `),
      fc.string({ maxLength: 14 }),
    );
    const own: fc.Arbitrary<OwnAccount> = fc.oneof(
      account.map((a) => ({ known: true, account: a }) as const),
      fc.constant({ known: false, reason: 'no function ARN' } as const),
    );
    fc.assert(
      fc.property(
        account,
        own,
        fc.boolean(),
        fc.boolean(),
        (findingAccount, ownAccount, memberRole, brake) => {
          const plan = planRemediation(
            { ...inMode(finding, 'enforce'), account: findingAccount },
            { own: ownAccount, memberRole, forceDryRun: brake },
          );
          if (plan.kind !== 'run') return;
          expect(ownAccount.known).toBe(true);
          expect(findingAccount).toMatch(/^\d{12}$/);
          if (plan.target.kind === 'own') expect(ownAccount.known && ownAccount.account).toBe(findingAccount);
          else expect(memberRole).toBe(true);
          if (brake) expect(plan.mode).toBe('dry-run');
        },
      ),
    );
  });
});
