import type { ApprovedUser } from '../baseline/baseline.ts';
import type { AccessKeyFact, Known } from '../core/knowledge.ts';
import type { RuleMatch } from '../core/rule.ts';
import { defineRule } from '../core/rule.ts';
import type { CloudTrailRecord, Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import type { SubjectOf } from '../events/subjects/index.ts';
import { globMatch } from '../policy/glob.ts';
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
  evaluate(subject, { record, baseline, actor, inputs }) {
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
    if (found.kind === 'approved') {
      return [
        approvedUserKey(subject, subject.userName, found.entry, {
          record,
          actor,
          rotateBy,
          common,
          keys: inputs.accessKeys,
        }),
      ];
    }
    const severity: Severity = 'high';
    const userClass = found.kind === 'ephemeral' ? 'ephemeral user' : 'user unknown to the baseline';
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

/**
 * An approved user's new key (issue 15.4): never invisible. `info` when the baseline allows it keys and the user
 * made it itself (or a key manager did) with no other active key; `high` when someone else made it, or when
 * another key is still active (a second key is how stolen credentials persist: rotating by deactivating the
 * old key first stays quiet); `medium` for a user not meant to hold keys at all.
 */
function approvedUserKey(
  subject: SubjectOf<'CreateAccessKey'>,
  userName: string,
  entry: ApprovedUser,
  seen: {
    readonly record: CloudTrailRecord;
    readonly actor: string;
    readonly rotateBy: string;
    readonly common: Readonly<Record<string, unknown>>;
    readonly keys: Known<readonly AccessKeyFact[]> | null;
  },
): RuleMatch {
  const { record, actor, rotateBy, common, keys } = seen;
  const identity = record.userIdentity;
  const byItself = identity.type === 'IAMUser' && identity.userName === userName;
  const issuer = identity.sessionContext?.sessionIssuer?.arn;
  const byManager =
    !byItself &&
    (entry.keyManagers ?? []).some(
      (glob) => globMatch(glob, actor) || (issuer !== undefined && globMatch(glob, issuer)),
    );
  const otherActive =
    keys?.known === true
      ? keys.value.filter((k) => k.status === 'Active' && k.accessKeyId !== subject.accessKeyId)
      : [];
  const reasons = [
    ...(byItself || byManager ? [] : ['created by someone other than the user or its key managers']),
    ...(otherActive.length > 0
      ? [`the user already holds active key ${otherActive.map((k) => k.accessKeyId).join(', ')}`]
      : []),
  ];
  const base: Severity = entry.accessKeysAllowed ? 'info' : 'medium';
  const severity: Severity = reasons.length > 0 ? 'high' : base;
  const userClass = entry.accessKeysAllowed
    ? 'approved user with keys allowed'
    : 'approved user not meant to hold keys';
  const by = byItself ? 'for itself' : `for ${userName}`;
  const why = reasons.length > 0 ? ` Raised: ${reasons.join('; ')}.` : '';
  return {
    summary: `${shortPrincipal(actor)} created an access key ${by} (${userClass}); rotate by ${rotateBy.slice(0, 10)}.${why}`,
    resource: subject.userArn,
    severity,
    ...(reasons.length === 0 && entry.accessKeysAllowed
      ? {
          nextSteps: [
            'Nothing to do if this key was planned (a rotation, a new deployment of the service).',
            'Once the new key is in use, deactivate and delete the old one: aws iam update-access-key --status Inactive.',
          ],
        }
      : {}),
    details: {
      userName,
      userClass,
      baselinePath: entry.matcher.path,
      createdByUser: byItself,
      createdByKeyManager: byManager,
      keyManagers: entry.keyManagers,
      ...(reasons.length > 0 ? { raisedBecause: reasons } : {}),
      existingKeys:
        keys === null
          ? null
          : keys.known
            ? { source: keys.source, active: otherActive.map((k) => k.accessKeyId) }
            : { unknown: keys.why },
      ...common,
    },
  };
}
