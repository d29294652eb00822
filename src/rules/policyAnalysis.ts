/**
 * One analysis per PutRolePolicy event, shared by the four policy rules: the envelope comparison and the
 * statements the baseline does not already approve (wildcard and privesc look only at those, so a grant the
 * baseline approved is not re-reported on every re-put).
 */
import type { Baseline, RoleBaseline } from '../baseline/baseline.ts';
import type { PutRolePolicySubject } from '../events/subjects.ts';
import { displayAction } from '../policy/catalogue.ts';
import type { DriftResult } from '../policy/envelope.ts';
import { compareToEnvelope } from '../policy/envelope.ts';
import type { NormalizedStatement } from '../policy/parse.ts';

export interface PolicyAnalysis {
  readonly role: RoleBaseline | undefined;
  readonly drift: DriftResult | null;
  readonly unapprovedStatements: readonly NormalizedStatement[];
}

const cache = new WeakMap<PutRolePolicySubject, PolicyAnalysis>();

export function analyzePolicy(subject: PutRolePolicySubject, baseline: Baseline): PolicyAnalysis {
  const cached = cache.get(subject);
  if (cached) return cached;
  const role = baseline.roles.get(subject.roleName);
  let analysis: PolicyAnalysis;
  if (!role) {
    analysis = { role, drift: null, unapprovedStatements: subject.policy.statements };
  } else {
    const drift = compareToEnvelope(subject.policy, role.statements);
    const covered = new Set(drift.coveredStatements);
    analysis = {
      role,
      drift,
      unapprovedStatements: subject.policy.statements.filter((s) => !covered.has(s.path)),
    };
  }
  cache.set(subject, analysis);
  return analysis;
}

/** A compact, readable view of a statement for finding details. */
export function describeStatement(statement: NormalizedStatement): Record<string, unknown> {
  return {
    path: statement.path,
    ...(statement.sid ? { sid: statement.sid } : {}),
    effect: statement.effect,
    [statement.actions.negated ? 'notAction' : 'action']: statement.actions.patterns.map(displayAction),
    [statement.resources.negated ? 'notResource' : 'resource']: statement.resources.patterns,
    ...(statement.condition ? { condition: statement.condition } : {}),
  };
}
