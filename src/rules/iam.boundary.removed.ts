import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { BOUNDARY_EVENTS } from '../events/subjects/index.ts';
import { lookupPrincipal } from './envelopes.ts';

export const boundaryRemoved = defineRule({
  id: RuleId.boundaryRemoved,
  title: 'Permissions boundary removed or replaced',
  rationale:
    'The baseline keeps this principal inside a permissions boundary: whatever its policies grant beyond the boundary was held back by it. Deleted, or replaced by another policy, the boundary no longer caps the principal.',
  nextSteps: [
    'Put the baseline boundary back (aws iam put-role-permissions-boundary or put-user-permissions-boundary).',
    'Find out who removed it and why: removing a boundary is how a bounded principal escapes it.',
  ],
  severity: 'high',
  events: BOUNDARY_EVENTS,
  remediation: null,
  evaluate(subject, { baseline }) {
    const { principal } = subject;
    const found = lookupPrincipal(baseline, principal.kind, principal.name);
    if (!found || found.kind === 'ephemeral' || found.kind === 'group') return [];
    const expected = found.entry.boundary;
    if (!expected) return [];
    const replacement = 'boundaryArn' in subject ? subject.boundaryArn : undefined;
    if (replacement === expected) return [];
    return [
      {
        summary: replacement
          ? `The permissions boundary of ${principal.kind} ${principal.name} was replaced by ${replacement}; the baseline requires ${expected}.`
          : `The permissions boundary ${expected} was removed from ${principal.kind} ${principal.name}, which the baseline keeps bounded.`,
        resource: principal.arn,
        details: {
          [`${principal.kind}Name`]: principal.name,
          baselinePath: found.entry.path,
          expected,
          ...(replacement ? { replacement } : { removed: true }),
        },
      },
    ];
  },
});
