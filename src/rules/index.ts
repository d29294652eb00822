/**
 * Every CloudTrail rule, listed explicitly (no registration by import side effect). Adding a rule: one file,
 * one line here, its positive and negative cases in test/cases/rules.ts, and its event in serverless.yml if new.
 */
import type { AnyRule } from '../core/rule.ts';
import type { WatchedEventName } from '../events/subjects/index.ts';
import { WATCHED_EVENTS } from '../events/subjects/index.ts';
import { loggingImpaired } from './cloudtrail.logging-impaired.ts';
import { imdsAccountDefault } from './ec2.imds.account-default.ts';
import { imdsHopLimit } from './ec2.imds.hop-limit.ts';
import { imdsV1Allowed } from './ec2.imds.v1-allowed.ts';
import { guardrailTamper } from './guardrail.tamper.ts';
import { accessKeyLongLived } from './iam.accesskey.long-lived.ts';
import { boundaryRemoved } from './iam.boundary.removed.ts';
import { policyDrift } from './iam.policy.drift.ts';
import { policyNeverGrant } from './iam.policy.never-grant.ts';
import { policyNoBaseline } from './iam.policy.no-baseline.ts';
import { policyPrivesc } from './iam.policy.privesc.ts';
import { policyUnknownDocument } from './iam.policy.unknown-document.ts';
import { policyWildcard } from './iam.policy.wildcard.ts';
import { roleTrust } from './iam.role.trust.ts';
import { roleUnexpected } from './iam.role.unexpected.ts';
import { userConsoleAccess } from './iam.user.console-access.ts';
import { userEphemeral } from './iam.user.ephemeral.ts';
import { userUnexpected } from './iam.user.unexpected.ts';

export const RULES: readonly AnyRule[] = [
  userEphemeral,
  userUnexpected,
  accessKeyLongLived,
  userConsoleAccess,
  roleUnexpected,
  roleTrust,
  policyNoBaseline,
  policyDrift,
  policyWildcard,
  policyPrivesc,
  policyUnknownDocument,
  policyNeverGrant,
  boundaryRemoved,
  imdsV1Allowed,
  imdsAccountDefault,
  imdsHopLimit,
  loggingImpaired,
  guardrailTamper,
];

export interface ListenedEvent {
  readonly eventSource: string;
  readonly eventName: WatchedEventName;
}

/** Every (service, event name) the given rules listen to, once each: what EventBridge must deliver. */
export function listenedEvents(rules: readonly AnyRule[] = RULES): readonly ListenedEvent[] {
  const names = [...new Set(rules.flatMap((rule) => rule.events))].sort();
  return names.map((eventName) => ({ eventSource: WATCHED_EVENTS[eventName], eventName }));
}
