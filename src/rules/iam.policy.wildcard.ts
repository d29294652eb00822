import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { PERMISSION_EVENTS } from '../events/subjects/index.ts';
import type { ActionSet } from '../policy/actionSet.ts';
import type { CatalogueAction } from '../policy/catalogue.ts';
import {
  actionCatalogue,
  actionSetOfPatterns,
  displayAction,
  expandActionPattern,
  isReadOnly,
} from '../policy/catalogue.ts';
import type { NormalizedStatement } from '../policy/parse.ts';
import { reachableActions } from '../policy/reach.ts';
import { describeStatement, judged, partitionOf, placeOf } from './policyAnalysis.ts';

function isServiceWildcard(pattern: string): boolean {
  return pattern === '*' || /^[^:]+:\*$/.test(pattern);
}

/** True unless every action the pattern names is Read or List (unknown actions count as not read-only). */
function mayWrite(pattern: string): boolean {
  const expansion = expandActionPattern(pattern);
  return expansion.kind === 'unknown' || expansion.actions.some((action) => !isReadOnly(action));
}

/**
 * What a wildcard statement reaches on its resources: every action it names whose resource types its resources
 * can match (all of them on `*` or NotResource). Null when it names no catalogue action (nothing to narrow).
 */
function reached(
  statement: NormalizedStatement,
  patterns: readonly string[],
  negated: boolean,
  partition: string | undefined,
): ActionSet | null {
  const { set, unknown } = actionSetOfPatterns(patterns);
  if (!negated && set.isEmpty() && unknown.length > 0) return null;
  const granted = negated ? set.complement() : set;
  return reachableActions(statement, granted, partition);
}

/** ` on arn:…: in effect 12 actions (s3:GetObject, s3:PutObject, +10 more)` when the resources narrow it. */
function inEffect(statement: NormalizedStatement, reachable: ActionSet): string {
  const { patterns, negated } = statement.resources;
  if (negated || patterns.includes('*')) return '';
  const { actions } = actionCatalogue();
  const shown: string[] = [];
  for (const index of reachable.indices()) {
    if (shown.length === 3) break;
    shown.push((actions[index] as CatalogueAction).name);
  }
  const count = reachable.count();
  const more = count > 3 ? `, +${count - 3} more` : '';
  return ` on ${patterns.join(', ')}: in effect ${count} action${count === 1 ? '' : 's'} (${shown.join(', ')}${more})`;
}

function wildcardReasons(statement: NormalizedStatement, partition: string | undefined): string[] {
  const reasons: string[] = [];
  if (statement.actions.negated) {
    const actions = reached(statement, statement.actions.patterns, true, partition);
    // A NotAction whose resources no remaining action can act on grants nothing.
    if (actions === null || !actions.isEmpty()) {
      reasons.push(
        `NotAction allows every action except ${statement.actions.patterns.map(displayAction).join(', ')}${actions ? inEffect(statement, actions) : ''}`,
      );
    }
  } else {
    for (const pattern of statement.actions.patterns.filter(isServiceWildcard)) {
      const actions = reached(statement, [pattern], false, partition);
      if (actions?.isEmpty()) continue;
      const what =
        pattern === '*'
          ? 'Action "*" allows every action of every service'
          : `Action "${displayAction(pattern)}" allows every action of the service`;
      reasons.push(`${what}${actions ? inEffect(statement, actions) : ''}`);
    }
  }
  const anyResource = statement.resources.negated || statement.resources.patterns.includes('*');
  if (anyResource && !statement.actions.negated) {
    const writers = statement.actions.patterns.filter(
      (pattern) => !isServiceWildcard(pattern) && mayWrite(pattern),
    );
    if (writers.length > 0) {
      const scope = statement.resources.negated ? 'NotResource' : 'Resource "*"';
      reasons.push(`${scope} with actions that change things: ${writers.map(displayAction).join(', ')}`);
    }
  }
  return reasons;
}

export const policyWildcard = defineRule({
  id: RuleId.policyWildcard,
  title: 'Principal gains wildcard permissions',
  rationale:
    'Wildcards grant today every action and resource that matches, and tomorrow every new one AWS adds: the opposite of least privilege (an `s3:*` on `*` hands over every bucket of the account, and every action S3 adds later).',
  nextSteps: ['Replace the wildcard with the actions the workload calls and the resources it touches.'],
  severity: 'high',
  events: PERMISSION_EVENTS,
  remediation: null,
  evaluate(_subject, { inputs }) {
    const analysis = inputs.policy;
    const flagged = judged(analysis).flatMap((item) => {
      const partition = partitionOf(item.target.arn);
      return item.judgement.unapprovedStatements
        .filter((statement) => statement.effect === 'Allow')
        .map((statement) => ({ item, statement, reasons: wildcardReasons(statement, partition) }))
        .filter(({ reasons }) => reasons.length > 0);
    });
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
