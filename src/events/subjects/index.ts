/**
 * What each watched event is about, pulled out of requestParameters/responseElements once, typed, so rules
 * read fields instead of digging through unknown JSON. One module per family of events; this one merges
 * them into the one list of watched events that the engine, the replay's prefilter, the EventBridge
 * patterns (checked by test/infra) and the README derive from.
 */
import type { CloudTrailRecord } from '../../core/types.ts';
import type { CloudTrailSubject } from './cloudtrail.ts';
import { CLOUDTRAIL_EVENTS, CLOUDTRAIL_EXTRACTORS } from './cloudtrail.ts';
import type { Extracted } from './common.ts';
import type { Ec2Subject } from './ec2.ts';
import { EC2_EVENTS, EC2_EXTRACTORS } from './ec2.ts';
import type { GuardrailSubject } from './guardrail.ts';
import { GUARDRAIL_EVENTS, GUARDRAIL_EXTRACTORS, LAMBDA_EVENT_NAMES } from './guardrail.ts';
import type { IamPolicySubject } from './iam-policies.ts';
import { IAM_POLICY_EVENTS, IAM_POLICY_EXTRACTORS } from './iam-policies.ts';
import type { IamRoleSubject } from './iam-roles.ts';
import { IAM_ROLE_EVENTS, IAM_ROLE_EXTRACTORS } from './iam-roles.ts';
import type { IamUserSubject } from './iam-users.ts';
import { IAM_USER_EVENTS, IAM_USER_EXTRACTORS } from './iam-users.ts';

export type {
  AdvancedSelector,
  BasicSelector,
  CloudTrailSubject,
  DeleteTrailSubject,
  FieldSelector,
  PutEventSelectorsSubject,
  PutInsightSelectorsSubject,
  Selectors,
  StopLoggingSubject,
  TrailRef,
  TrailSettings,
  UpdateTrailSubject,
} from './cloudtrail.ts';
export type { Extracted, Json } from './common.ts';
export { accountOf, partitionOfRecord } from './common.ts';
export type {
  CreateLaunchTemplateSubject,
  CreateLaunchTemplateVersionSubject,
  Ec2Subject,
  ImdsSettings,
  LaunchedInstance,
  LaunchTemplateSubject,
  ModifyImdsDefaultsSubject,
  ModifyImdsSubject,
  RunInstancesSubject,
  Tags,
} from './ec2.ts';
export type { GuardrailEventName, GuardrailSubject, StackResourceType } from './guardrail.ts';
export { GUARDRAIL_EVENTS } from './guardrail.ts';
export type {
  AddUserToGroupSubject,
  AttachmentSubject,
  BoundarySubject,
  CreatePolicySubject,
  CreatePolicyVersionSubject,
  IamPolicySubject,
  PermissionEventName,
  PermissionSubject,
  PrincipalTarget,
  PutPrincipalPolicySubject,
  PutRolePolicySubject,
  SetDefaultPolicyVersionSubject,
} from './iam-policies.ts';
export { BOUNDARY_EVENTS, PERMISSION_EVENTS } from './iam-policies.ts';
export type {
  CreateRoleSubject,
  IamRoleSubject,
  TrustDocument,
  UpdateAssumeRolePolicySubject,
} from './iam-roles.ts';
export type {
  AccessKeyChangeSubject,
  CreateAccessKeySubject,
  CreateLoginProfileSubject,
  CreateUserSubject,
  DeleteAccessKeySubject,
  IamUserSubject,
  LoginProfileSubject,
  UpdateAccessKeySubject,
  UpdateLoginProfileSubject,
} from './iam-users.ts';

/** The events guardrail listens to, with the service that emits them. */
export const WATCHED_EVENTS = {
  ...IAM_USER_EVENTS,
  ...IAM_POLICY_EVENTS,
  ...IAM_ROLE_EVENTS,
  ...EC2_EVENTS,
  ...CLOUDTRAIL_EVENTS,
  ...GUARDRAIL_EVENTS,
} as const;
export type WatchedEventName = keyof typeof WATCHED_EVENTS;

/**
 * The only watched call guardrail itself makes (enforce-imdsv2). Loop prevention skips it when guardrail's own
 * role makes it, and only in the shape enforce-imdsv2 gives it (engine/evaluate.ts); every other watched event
 * is judged whoever makes it, so a role merely named like guardrail's (`guardrail-*`) can change nothing
 * unseen, and an event added to the watch list later is judged by default.
 */
export const OWN_CALLS: ReadonlySet<WatchedEventName> = new Set<WatchedEventName>([
  'ModifyInstanceMetadataOptions',
]);

export type Subject =
  | IamUserSubject
  | IamPolicySubject
  | IamRoleSubject
  | Ec2Subject
  | CloudTrailSubject
  | GuardrailSubject;
export type SubjectOf<K extends WatchedEventName> = Extract<Subject, { kind: K }>;
export type SubjectResult = Extracted<Subject>;

const EXTRACTORS: {
  readonly [K in WatchedEventName]: (record: CloudTrailRecord) => Extracted<SubjectOf<K>>;
} = {
  ...IAM_USER_EXTRACTORS,
  ...IAM_POLICY_EXTRACTORS,
  ...IAM_ROLE_EXTRACTORS,
  ...EC2_EXTRACTORS,
  ...CLOUDTRAIL_EXTRACTORS,
  ...GUARDRAIL_EXTRACTORS,
};

/**
 * The event's name without the API version some services append in CloudTrail (Lambda writes
 * `UpdateFunctionCode20150331v2` for UpdateFunctionCode): every lookup by event name goes through here.
 */
export function canonicalEventName(eventName: string): string {
  return eventName.replace(/20\d{6}(?:v\d+)?$/, '');
}

/**
 * The names CloudTrail writes for a watched event: its own, or for a Lambda call the versioned ones
 * (`DeleteFunction20150331`). For the places that match names exactly: LookupEvents.
 */
export function cloudTrailNames(name: WatchedEventName): readonly string[] {
  return LAMBDA_EVENT_NAMES[name] ?? [name];
}

/** Whether CloudTrail may write the event's name with an API version after it: matched by prefix in patterns. */
export function isVersionedEvent(name: WatchedEventName): boolean {
  return Object.hasOwn(LAMBDA_EVENT_NAMES, name);
}

/**
 * The EventBridge `eventName` matchers of some watched events: the name itself, or a prefix for a Lambda call,
 * whose name CloudTrail writes with the API version after it. What serverless.yml and the forwarding template
 * must say (test/infra checks them against this).
 */
export function eventNameMatchers(
  names: readonly WatchedEventName[],
): readonly (string | { readonly prefix: string })[] {
  return names.map((name) => (isVersionedEvent(name) ? { prefix: name } : name));
}

/** The watched event a record is, or undefined: its (canonical) name and its service must both match. */
export function watchedEventOf(
  record: Pick<CloudTrailRecord, 'eventName' | 'eventSource'>,
): WatchedEventName | undefined {
  const name = canonicalEventName(record.eventName);
  return Object.hasOwn(WATCHED_EVENTS, name) &&
    WATCHED_EVENTS[name as WatchedEventName] === record.eventSource
    ? (name as WatchedEventName)
    : undefined;
}

export function isWatchedEvent(record: Pick<CloudTrailRecord, 'eventName' | 'eventSource'>): boolean {
  return watchedEventOf(record) !== undefined;
}

/** The subject of a watched event, or why it cannot be read. */
export function extractSubject(record: CloudTrailRecord): SubjectResult {
  const name = watchedEventOf(record);
  if (!name) return { ok: false, reason: `${record.eventName} is not a watched event` };
  return (EXTRACTORS[name] as (record: CloudTrailRecord) => SubjectResult)(record);
}
