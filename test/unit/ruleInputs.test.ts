/**
 * Per-record inputs reach the rules through their context: the engine prepares the policy analysis once per
 * PutRolePolicy and every policy rule reads that one (no side channel, no rule recomputing it).
 */
import { describe, expect, it } from 'vitest';
import type { RuleContext } from '../../src/core/rule.ts';
import { NO_KNOWLEDGE } from '../../src/engine/knowledge.ts';
import { checkRecord } from '../../src/events/record.ts';
import type { PutRolePolicySubject } from '../../src/events/subjects/index.ts';
import { extractSubject } from '../../src/events/subjects/index.ts';
import { policyDrift } from '../../src/rules/iam.policy.drift.ts';
import { policyPrivesc } from '../../src/rules/iam.policy.privesc.ts';
import { policyWildcard } from '../../src/rules/iam.policy.wildcard.ts';
import { prepareInputs } from '../../src/rules/inputs.ts';
import type { PolicyAnalysis } from '../../src/rules/policyAnalysis.ts';
import { exampleBaseline } from '../helpers/baseline.ts';
import { putRolePolicy } from '../helpers/records.ts';

const record = (() => {
  const checked = checkRecord(
    putRolePolicy('XploreEC2Role', 'p', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    }),
  );
  if (!checked.ok) throw new Error(checked.reason);
  return checked.record;
})();
const subject = (() => {
  const extracted = extractSubject(record);
  if (!extracted.ok) throw new Error(extracted.reason);
  return extracted.subject as PutRolePolicySubject;
})();
const baseline = exampleBaseline();
const context = (policy: PolicyAnalysis): RuleContext<'PutRolePolicy'> => ({
  record,
  baseline,
  actor: 'arn:aws:iam::123456789012:user/ops-admin',
  inputs: { policy },
});

describe('per-record inputs', () => {
  it('prepares the policy analysis of a PutRolePolicy, and nothing for other events', () => {
    const { policy } = prepareInputs(subject, baseline, NO_KNOWLEDGE, record.eventTime);
    expect(policy.path).toBe('inline');
    const [target] = policy.targets;
    expect(target?.baselinePath).toBe('roles.XploreEC2Role');
    expect(target?.judgements[0]?.drift?.newAccess.length).toBeGreaterThan(0);
    expect(target?.judgements[0]?.unapprovedStatements).toHaveLength(1);
    expect(
      prepareInputs(
        { kind: 'CreateUser', userName: 'u', userArn: 'arn:aws:iam::1:user/u', tags: [] },
        baseline,
        NO_KNOWLEDGE,
        record.eventTime,
      ),
    ).toEqual({});
  });

  it('the policy rules judge the analysis their context carries, not one of their own', () => {
    const real = prepareInputs(subject, baseline, NO_KNOWLEDGE, record.eventTime).policy;
    expect(policyDrift.evaluate(subject, context(real))).toHaveLength(1);
    expect(policyWildcard.evaluate(subject, context(real))).toHaveLength(1);
    expect(policyPrivesc.evaluate(subject, context(real))).toHaveLength(1);
    // The same record, with an analysis that says every statement is approved and nothing is new.
    const approved: PolicyAnalysis = {
      ...real,
      targets: real.targets.map((target) => ({
        ...target,
        judgements: target.judgements.map((judgement) => ({
          ...judgement,
          drift: {
            grants: [],
            newAccessCount: 0,
            newAccess: [],
            coveredStatements: ['Statement[0]'],
            notes: [],
            unknownActions: [],
          },
          unapprovedStatements: [],
        })),
      })),
    };
    expect(policyDrift.evaluate(subject, context(approved))).toEqual([]);
    expect(policyWildcard.evaluate(subject, context(approved))).toEqual([]);
    expect(policyPrivesc.evaluate(subject, context(approved))).toEqual([]);
  });
});
