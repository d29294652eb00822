import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { expandActionPattern, isReadOnly } from '../policy/catalogue.ts';
import type { NormalizedStatement } from '../policy/parse.ts';
import { describeStatement } from './policyAnalysis.ts';

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
  title: 'Role policy uses wildcard permissions',
  rationale:
    'Wildcards grant today every action and resource that matches, and tomorrow every new one AWS adds: the opposite of least privilege (an `s3:*` on `*` hands over every bucket of the account, and every action S3 adds later).',
  nextSteps: ['Replace the wildcard with the actions the workload calls and the resources it touches.'],
  severity: 'high',
  eventSource: 'iam.amazonaws.com',
  eventName: 'PutRolePolicy',
  remediation: null,
  evaluate(subject, { inputs }) {
    const { unapprovedStatements } = inputs.policy;
    const flagged = unapprovedStatements
      .filter((statement) => statement.effect === 'Allow')
      .map((statement) => ({ statement, reasons: wildcardReasons(statement) }))
      .filter(({ reasons }) => reasons.length > 0);
    if (flagged.length === 0) return [];
    const adminLike = flagged.some(
      ({ statement }) =>
        !statement.actions.negated &&
        statement.actions.patterns.includes('*') &&
        statement.resources.patterns.includes('*'),
    );
    const severity: Severity = adminLike ? 'critical' : 'high';
    return [
      {
        summary: `Inline policy ${subject.policyName} on ${subject.roleName}: ${flagged[0]?.reasons[0]}${flagged.length > 1 || (flagged[0]?.reasons.length ?? 0) > 1 ? ' (and more)' : ''}.`,
        resource: subject.roleArn,
        severity,
        details: {
          roleName: subject.roleName,
          policyName: subject.policyName,
          statements: flagged.map(({ statement, reasons }) => ({ ...describeStatement(statement), reasons })),
        },
      },
    ];
  },
});
