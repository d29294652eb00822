import type { RuleMatch } from '../core/rule.ts';
import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { accountOf } from '../events/subjects/index.ts';
import { classifyUser, shortPrincipal } from './users.ts';

export const userConsoleAccess = defineRule({
  id: RuleId.userConsoleAccess,
  title: 'Console password set for an IAM user',
  rationale:
    "A console password opens the account to anyone who learns it, outside the key rotation and the automation a service user is meant for; setting another user's password is how an attacker takes that user over.",
  nextSteps: [
    'If nobody expected it, remove the password now: aws iam delete-login-profile --user-name USER.',
    'Check CloudTrail for ConsoleLogin by this user since the change.',
    'If the user needs the console, mark it console: true in the baseline and have the user set the password itself.',
  ],
  severity: 'high',
  events: ['CreateLoginProfile', 'UpdateLoginProfile'],
  remediation: null,
  evaluate(subject, { record, baseline, actor }) {
    const identity = record.userIdentity;
    const what =
      subject.kind === 'CreateLoginProfile' ? 'created a console password' : 'changed the console password';
    if (subject.userName === null) {
      const match: RuleMatch = {
        summary: `${shortPrincipal(actor)} ${what} of the account root user.`,
        resource: subject.userArn,
        severity: 'critical',
        details: { userName: null, userClass: 'root', reasons: ['root'] },
      };
      return [match];
    }
    const found = classifyUser(baseline, subject.userName);
    const byItself =
      identity.type === 'IAMUser' &&
      identity.userName === subject.userName &&
      (identity.accountId ?? accountOf(record)) === accountOf(record);
    const reasons: string[] = [];
    if (found.kind === 'approved' && !found.entry.console) reasons.push('programmatic-only');
    if (found.kind === 'ephemeral') reasons.push('ephemeral');
    if (!byItself) reasons.push('set by someone else');
    if (reasons.length === 0) return [];
    // Someone else creating the first password of a user the baseline allows on the console is how a new
    // colleague starts (medium); resetting an existing one is a takeover, and a user the baseline does not know
    // getting a console password is how a backdoor user is made usable (high).
    const severity: Severity =
      reasons.length === 1 &&
      found.kind === 'approved' &&
      found.entry.console &&
      subject.kind === 'CreateLoginProfile'
        ? 'medium'
        : 'high';
    const userClass =
      found.kind === 'approved'
        ? found.entry.console
          ? 'approved user'
          : 'programmatic-only user'
        : found.kind === 'ephemeral'
          ? 'ephemeral user'
          : 'user unknown to the baseline';
    const by = byItself ? 'for itself' : `for ${subject.userName}`;
    return [
      {
        summary: `${shortPrincipal(actor)} ${what} ${by} (${userClass}).`,
        resource: subject.userArn,
        severity,
        details: {
          userName: subject.userName,
          userClass,
          reasons,
          ...(found.kind !== 'unknown' ? { baselinePath: found.entry.matcher.path } : {}),
          ...(subject.passwordResetRequired !== undefined
            ? { passwordResetRequired: subject.passwordResetRequired }
            : {}),
        },
      },
    ];
  },
});
