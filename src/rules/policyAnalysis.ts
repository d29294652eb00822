/**
 * One analysis per PutRolePolicy event, shared by the policy rules: the envelope comparison and the
 * statements the baseline does not already approve (wildcard and privesc look only at those, so a grant the
 * baseline approved is not re-reported on every re-put). The engine prepares it once per record and hands it
 * to the rules in their context (inputs.ts).
 */
import type { Baseline, RoleBaseline } from '../baseline/baseline.ts';
import { findRole } from '../baseline/baseline.ts';
import type { PutRolePolicySubject } from '../events/subjects/index.ts';
import { BoundedCache, CACHE_LIMITS } from '../policy/cache.ts';
import { displayAction } from '../policy/catalogue.ts';
import type { DriftResult } from '../policy/envelope.ts';
import { compareToEnvelope } from '../policy/envelope.ts';
import type { NormalizedStatement } from '../policy/parse.ts';

export interface PolicyAnalysis {
  readonly role: RoleBaseline | undefined;
  readonly drift: DriftResult | null;
  readonly unapprovedStatements: readonly NormalizedStatement[];
}

/** A replay puts the same document on the same role many times: decide it once per baseline. */
const byDocument = new WeakMap<Baseline, BoundedCache<string, PolicyAnalysis>>();

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), or undefined when it is not one. */
export function partitionOf(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts[1] ? parts[1] : undefined;
}

export function analyzePolicy(subject: PutRolePolicySubject, baseline: Baseline): PolicyAnalysis {
  let documents = byDocument.get(baseline);
  if (!documents) {
    documents = new BoundedCache(CACHE_LIMITS.analyses);
    byDocument.set(baseline, documents);
  }
  const key = `${subject.roleArn}\u0000${subject.policyDocument}`;
  let analysis = documents.get(key);
  if (!analysis) {
    const role = findRole(baseline, subject.roleName);
    if (!role) {
      analysis = { role, drift: null, unapprovedStatements: subject.policy.statements };
    } else {
      const partition = partitionOf(subject.roleArn);
      const drift = compareToEnvelope(subject.policy, role.statements, partition ? { partition } : {});
      const covered = new Set(drift.coveredStatements);
      analysis = {
        role,
        drift,
        unapprovedStatements: subject.policy.statements.filter((s) => !covered.has(s.path)),
      };
    }
    documents.set(key, analysis);
  }
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
