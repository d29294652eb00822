import type { RuleMatch } from '../core/rule.ts';
import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { addDays, classifyUser, shortPrincipal } from './users.ts';

export const accessKeyLongLived = defineRule({
  id: RuleId.accessKeyLongLived,
  title: 'Long-lived access key created',
  rationale:
    'Access keys never expire on their own; leaked from a .env file, a laptop or a CI log, they work until someone deactivates them. Roles give short-lived credentials instead.',
  nextSteps: [
    'Prefer an IAM role (instance profile, task role, SSO) over keys where the workload runs on AWS.',
    'If the key must exist, store it in a secrets manager and rotate it before the deadline.',
    'If nobody expected this key, deactivate it now: aws iam update-access-key --status Inactive.',
  ],
  severity: 'medium',
  events: ['CreateAccessKey'],
  remediation: null,
  evaluate(subject, { record, baseline, actor }) {
    const rotateBy = addDays(record.eventTime, baseline.rotationDays);
    const common = {
      ...(subject.accessKeyId ? { accessKeyId: subject.accessKeyId } : {}),
      createdBy: actor,
      forSelf: subject.forSelf,
      rotationDays: baseline.rotationDays,
      rotateBy,
    };
    if (subject.userName === null) {
      const match: RuleMatch = {
        summary: `An access key was created for the account root user by ${shortPrincipal(actor)}. Root keys have no permission boundary at all.`,
        resource: subject.userArn,
        severity: 'critical',
        details: { userName: null, userClass: 'root', ...common },
      };
      return [match];
    }
    const found = classifyUser(baseline, subject.userName);
    // The baseline approved keys for this service user (seed 003); the sweep watches their age instead.
    if (found.kind === 'approved' && found.entry.accessKeysAllowed) return [];
    const severity: Severity = found.kind === 'approved' ? 'medium' : 'high';
    const userClass =
      found.kind === 'approved'
        ? 'approved user not meant to hold keys'
        : found.kind === 'ephemeral'
          ? 'ephemeral user'
          : 'user unknown to the baseline';
    const forWhom = subject.forSelf ? 'for itself' : `for ${subject.userName}`;
    return [
      {
        summary: `${shortPrincipal(actor)} created a long-lived access key ${forWhom} (${userClass}); rotate by ${rotateBy.slice(0, 10)}.`,
        resource: subject.userArn,
        severity,
        details: {
          userName: subject.userName,
          userClass,
          ...(found.kind !== 'unknown' ? { baselinePath: found.entry.matcher.path } : {}),
          ...common,
        },
      },
    ];
  },
});
