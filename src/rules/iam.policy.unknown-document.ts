import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { PERMISSION_EVENTS } from '../events/subjects/index.ts';

export const policyUnknownDocument = defineRule({
  id: RuleId.policyUnknownDocument,
  title: 'Principal gains a policy whose document guardrail cannot read',
  rationale:
    'A principal gained permissions guardrail could not see: a customer-managed policy the baseline does not declare and the trail never showed, or one IAM would not return. Whatever it grants went unchecked, so it is reported instead of passing in silence.',
  nextSteps: [
    'Read the document (aws iam get-policy, then get-policy-version with its DefaultVersionId) and judge it against the baseline.',
    'Declare the policy under policies in the baseline with its envelope, so its attachments and versions can be judged.',
  ],
  severity: 'medium',
  events: PERMISSION_EVENTS,
  remediation: null,
  evaluate(_subject, { inputs }) {
    const analysis = inputs.policy;
    const [first] = analysis.unread;
    if (!first) return [];
    const more = analysis.unread.length > 1 ? ` (and ${analysis.unread.length - 1} more)` : '';
    return [
      {
        summary: `${analysis.what}: guardrail cannot read ${first.what}${more} (${first.why}).`,
        resource: analysis.resource,
        details: {
          ...analysis.details,
          unread: analysis.unread,
        },
      },
    ];
  },
});
