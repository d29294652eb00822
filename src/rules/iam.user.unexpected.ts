import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { classifyUser, creatorAllowed, shortPrincipal } from './users.ts';

export const userUnexpected = defineRule({
  id: RuleId.userUnexpected,
  title: 'Unexpected IAM user created',
  rationale:
    'A user that matches no approved or ephemeral pattern is how attackers keep access (a backdoor user), and how long-lived credentials creep back in.',
  nextSteps: [
    'Confirm with the creator that the user is wanted.',
    'If it is, add it to users.approved in the baseline; if not, delete its access keys, login profile and the user.',
  ],
  severity: 'high',
  events: ['CreateUser'],
  remediation: null,
  evaluate(subject, { baseline, actor }) {
    const found = classifyUser(baseline, subject.userName);
    if (found.kind === 'approved') return [];
    if (found.kind === 'ephemeral') {
      if (creatorAllowed(found.entry, actor)) return [];
      return [
        {
          summary: `${shortPrincipal(actor)} created ${subject.userName}, which looks ephemeral but was not made by an expected creator.`,
          resource: subject.userArn,
          details: {
            userName: subject.userName,
            matchedBy: found.entry.matcher.describe,
            baselinePath: found.entry.matcher.path,
            expectedCreators: found.entry.creators,
            tags: subject.tags,
          },
        },
      ];
    }
    return [
      {
        summary: `${shortPrincipal(actor)} created IAM user ${subject.userName}, which matches no approved or ephemeral pattern.`,
        resource: subject.userArn,
        details: { userName: subject.userName, tags: subject.tags },
      },
    ];
  },
});
