import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { PERMISSION_EVENTS } from '../events/subjects/index.ts';
import { expandActionPattern, isReadOnly } from '../policy/catalogue.ts';
import type { NormalizedStatement } from '../policy/parse.ts';
import { describeStatement, judged, placeOf } from './policyAnalysis.ts';

function isServiceWildcard(pattern: string): boolean {
  return pattern === '*' || /^[^:]+:\*$/.test(pattern);
}

/** True unless every action the pattern names is Read or List (unknown actions count as not read-only). */
function mayWrite(pattern: string): boolean {
  const expansion = expandActionPattern(pattern);
  return expansion.kind === 'unknown' || expansion.actions.some((action) => !isReadOnly(action));
}

function wildcardReasons(statement: NormalizedStatement): string[] {
  const reasons: string[] = [];
  if (statement.actions.negated) {
    reasons.push(`NotAction allows every action except ${statement.actions.patterns.join(', ')}`);
  } else {
    for (const pattern of statement.actions.patterns.filter(isServiceWildcard)) {
      reasons.push(
        pattern === '*'
          ? 'Action "*" allows every action of every service'
          : `Action "${pattern}" allows every action of the service`,
      );
    }
  }
  const anyResource = statement.resources.negated || statement.resources.patterns.includes('*');
  if (anyResource && !statement.actions.negated) {
    const writers = statement.actions.patterns.filter(
      (pattern) => !isServiceWildcard(pattern) && mayWrite(pattern),
    );
    if (writers.length > 0) {
      const scope = statement.resources.negated ? 'NotResource' : 'Resource "*"';
      reasons.push(`${scope} with actions that change things: ${writers.join(', ')}`);
    }
  }
  return reasons;
}

export const policyWildcard = defineRule({
  id: RuleId.policyWildcard,
  title: 'Principal gains wildcard permissions',
  rationale:
    'Wildcards grant today every action and resource that matches, and tomorrow every new one AWS adds: the opposite of least privilege (the `s3:*` on `*` that seed 004 had to remove).',
  nextSteps: ['Replace the wildcard with the actions the workload calls and the resources it touches.'],
  severity: 'high',
  events: PERMISSION_EVENTS,
  remediation: null,
  evaluate(_subject, { inputs }) {
    const analysis = inputs.policy;
    const flagged = judged(analysis).flatMap((item) =>
      item.judgement.unapprovedStatements
        .filter((statement) => statement.effect === 'Allow')
        .map((statement) => ({ item, statement, reasons: wildcardReasons(statement) }))
        .filter(({ reasons }) => reasons.length > 0),
    );
    // The same statement gained by several principals is one wildcard.
    const seen = new Set<string>();
    const distinct = flagged.filter(({ item, statement }) => {
      const key = `${item.judgement.document.key}\u0000${statement.path}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const [first] = distinct;
    if (!first) return [];
    const adminLike = distinct.some(
      ({ statement }) =>
        !statement.actions.negated &&
        statement.actions.patterns.includes('*') &&
        statement.resources.patterns.includes('*'),
    );
    const severity: Severity = adminLike ? 'critical' : 'high';
    const more = distinct.length > 1 || first.reasons.length > 1 ? ' (and more)' : '';
    return [
      {
        summary: `${analysis.what}: ${first.reasons[0]}${more}.`,
        resource: analysis.resource,
        severity,
        details: {
          ...analysis.details,
          statements: distinct.map(({ item, statement, reasons }) => ({
            ...describeStatement(statement),
            path: placeOf(analysis, item, statement.path),
            reasons,
          })),
        },
      },
    ];
  },
});
