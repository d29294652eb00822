import { defineRule } from '../core/rule.ts';
import { GuardrailTag, iamTagValue } from '../core/tags.ts';
import { RuleId } from '../core/types.ts';
import { classifyUser, creatorAllowed, shortPrincipal } from './users.ts';

export const userEphemeral = defineRule({
  id: RuleId.userEphemeral,
  title: 'Ephemeral IAM user created',
  rationale:
    'Per-run IAM users carry long-term credentials and outlive the run that made them unless they are tagged and swept.',
  nextSteps: [
    'Prefer short-lived STS sessions (AssumeRole) over per-run users.',
    'Make sure the automation deletes the user when the run ends; the orphan sweep flags it after its expiry.',
  ],
  severity: 'low',
  events: ['CreateUser'],
  remediation: 'tag-ephemeral',
  evaluate(subject, { record, baseline, actor }) {
    const found = classifyUser(baseline, subject.userName);
    if (found.kind !== 'ephemeral' || !creatorAllowed(found.entry, actor)) return [];
    const expiresAt = new Date(Date.parse(record.eventTime) + found.entry.ttlMs).toISOString();
    const createdAt = new Date(Date.parse(record.eventTime)).toISOString();
    return [
      {
        summary: `${shortPrincipal(actor)} created ephemeral user ${subject.userName}; it should be gone by ${expiresAt} (ttl ${found.entry.ttl}).`,
        resource: subject.userArn,
        details: {
          userName: subject.userName,
          matchedBy: found.entry.matcher.describe,
          baselinePath: found.entry.matcher.path,
          ttl: found.entry.ttl,
          createdAt,
          expiresAt,
        },
        remediation: {
          action: 'tag-ephemeral',
          params: {
            userName: subject.userName,
            tags: {
              [GuardrailTag.ephemeral]: 'true',
              [GuardrailTag.creator]: iamTagValue(actor),
              [GuardrailTag.createdAt]: createdAt,
              [GuardrailTag.expiresAt]: expiresAt,
            },
          },
        },
      },
    ];
  },
});
