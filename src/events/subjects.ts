/**
 * What each watched event is about, pulled out of requestParameters/responseElements once, typed, so rules
 * read fields instead of digging through unknown JSON.
 */
import { PolicyParseError } from '../core/errors.ts';
import type { CloudTrailRecord } from '../core/types.ts';
import type { PolicyDocument } from '../policy/parse.ts';
import { parsePolicyDocument } from '../policy/parse.ts';

/** The events guardrail listens to, with the service that emits them. */
export const WATCHED_EVENTS = {
  CreateUser: 'iam.amazonaws.com',
  CreateAccessKey: 'iam.amazonaws.com',
  PutRolePolicy: 'iam.amazonaws.com',
  ModifyInstanceMetadataOptions: 'ec2.amazonaws.com',
} as const;
export type WatchedEventName = keyof typeof WATCHED_EVENTS;

export function isWatchedEvent(record: Pick<CloudTrailRecord, 'eventName' | 'eventSource'>): boolean {
  return (WATCHED_EVENTS as Record<string, string>)[record.eventName] === record.eventSource;
}

export interface CreateUserSubject {
  readonly kind: 'CreateUser';
  readonly userName: string;
  readonly userArn: string;
  readonly tags: readonly { readonly key: string; readonly value: string }[];
}

export interface CreateAccessKeySubject {
  readonly kind: 'CreateAccessKey';
  /** The user the key belongs to; null when it is the account root's own key. */
  readonly userName: string | null;
  readonly userArn: string;
  readonly accessKeyId?: string;
  /** True when the caller created the key for itself (no userName in the request). */
  readonly forSelf: boolean;
}

export interface PutRolePolicySubject {
  readonly kind: 'PutRolePolicy';
  readonly roleName: string;
  readonly roleArn: string;
  readonly policyName: string;
  /** As CloudTrail carries it: JSON text. */
  readonly policyDocument: string;
  readonly policy: PolicyDocument;
}

export interface ImdsSettings {
  readonly httpTokens?: string;
  readonly hopLimit?: number;
  readonly httpEndpoint?: string;
}

export interface ModifyImdsSubject {
  readonly kind: 'ModifyInstanceMetadataOptions';
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly requested: ImdsSettings;
  /** The settings after the call: the response's when CloudTrail has it, else the request's (absent = unchanged). */
  readonly resulting: ImdsSettings;
}

export type Subject = CreateUserSubject | CreateAccessKeySubject | PutRolePolicySubject | ModifyImdsSubject;
export type SubjectOf<K extends WatchedEventName> = Extract<Subject, { kind: K }>;

export type SubjectResult =
  | { readonly ok: true; readonly subject: Subject }
  | { readonly ok: false; readonly reason: string };

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(source: Json | null | undefined, key: string): string | undefined {
  const value = source?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads a field whatever its case: CloudTrail writes `HttpTokens` in requests and `httpTokens` in responses. */
function field(source: Json | null | undefined, key: string): unknown {
  if (!source) return undefined;
  if (key in source) return source[key];
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(source)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

export function accountOf(record: CloudTrailRecord): string {
  return record.recipientAccountId ?? record.userIdentity.accountId ?? '';
}

function missing(field: string): SubjectResult {
  return { ok: false, reason: `${field}: missing` };
}

/** IAM's own name rules: a name outside them cannot come from a successful call, so the record is forged or broken. */
const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
/** IAM caps an inline role policy at 10,240 characters (whitespace excluded); leave room for formatting. */
const MAX_POLICY_TEXT = 131_072;

function invalidName(field: string, value: string): SubjectResult | undefined {
  return IAM_NAME.test(value) ? undefined : { ok: false, reason: `${field}: not a valid IAM name` };
}

function createUser(record: CloudTrailRecord): SubjectResult {
  const userName = str(record.requestParameters, 'userName');
  if (!userName) return missing('requestParameters.userName');
  const badName = invalidName('requestParameters.userName', userName);
  if (badName) return badName;
  const path = str(record.requestParameters, 'path') ?? '/';
  if (path.length > 512) return { ok: false, reason: 'requestParameters.path: longer than 512 characters' };
  const user = record.responseElements?.user;
  const userArn =
    (isObject(user) && str(user, 'arn')) || `arn:aws:iam::${accountOf(record)}:user${path}${userName}`;
  const rawTags = record.requestParameters?.tags;
  const tags = Array.isArray(rawTags)
    ? rawTags.filter(isObject).map((tag) => ({
        key: String(tag.key ?? tag.Key ?? ''),
        value: String(tag.value ?? tag.Value ?? ''),
      }))
    : [];
  return { ok: true, subject: { kind: 'CreateUser', userName, userArn, tags } };
}

function createAccessKey(record: CloudTrailRecord): SubjectResult {
  const accessKey = record.responseElements?.accessKey;
  const fromResponse = isObject(accessKey) ? str(accessKey, 'userName') : undefined;
  const requested = str(record.requestParameters, 'userName');
  const identity = record.userIdentity;
  const account = accountOf(record);
  const accessKeyId = isObject(accessKey) ? str(accessKey, 'accessKeyId') : undefined;
  const base = {
    kind: 'CreateAccessKey' as const,
    forSelf: requested === undefined,
    ...(accessKeyId ? { accessKeyId } : {}),
  };
  const userName = fromResponse ?? requested ?? (identity.type === 'IAMUser' ? identity.userName : undefined);
  if (userName)
    return { ok: true, subject: { ...base, userName, userArn: `arn:aws:iam::${account}:user/${userName}` } };
  if (identity.type === 'Root')
    return { ok: true, subject: { ...base, userName: null, userArn: `arn:aws:iam::${account}:root` } };
  return {
    ok: false,
    reason: 'requestParameters.userName: missing, and the caller is not an IAM user or root',
  };
}

function putRolePolicy(record: CloudTrailRecord): SubjectResult {
  const roleName = str(record.requestParameters, 'roleName');
  if (!roleName) return missing('requestParameters.roleName');
  const policyName = str(record.requestParameters, 'policyName');
  if (!policyName) return missing('requestParameters.policyName');
  const badName =
    invalidName('requestParameters.roleName', roleName) ??
    invalidName('requestParameters.policyName', policyName);
  if (badName) return badName;
  const raw = record.requestParameters?.policyDocument;
  // Some exporters decode the document into an object; keep the contract "JSON text".
  const policyDocument = typeof raw === 'string' ? raw : isObject(raw) ? JSON.stringify(raw) : undefined;
  if (!policyDocument)
    return { ok: false, reason: 'requestParameters.policyDocument: missing or not a string' };
  if (policyDocument.length > MAX_POLICY_TEXT) {
    return {
      ok: false,
      reason: `requestParameters.policyDocument: longer than ${MAX_POLICY_TEXT} characters, more than IAM accepts`,
    };
  }
  let policy: PolicyDocument;
  try {
    policy = parsePolicyDocument(policyDocument, 'requestParameters.policyDocument');
  } catch (error) {
    if (error instanceof PolicyParseError) return { ok: false, reason: error.message };
    throw error;
  }
  const roleArn = `arn:aws:iam::${accountOf(record)}:role/${roleName}`;
  return {
    ok: true,
    subject: { kind: 'PutRolePolicy', roleName, roleArn, policyName, policyDocument, policy },
  };
}

function hopLimitOf(value: unknown): number | undefined | 'invalid' {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : 'invalid';
}

function settingsOf(source: Json | undefined, where: string): ImdsSettings | string {
  if (!source) return {};
  const hopLimit = hopLimitOf(field(source, 'HttpPutResponseHopLimit'));
  if (hopLimit === 'invalid') return `${where}.HttpPutResponseHopLimit: expected an integer from 1 to 64`;
  const httpTokens = field(source, 'HttpTokens');
  const httpEndpoint = field(source, 'HttpEndpoint');
  return {
    ...(typeof httpTokens === 'string' ? { httpTokens: httpTokens.toLowerCase() } : {}),
    ...(hopLimit !== undefined ? { hopLimit } : {}),
    ...(typeof httpEndpoint === 'string' ? { httpEndpoint: httpEndpoint.toLowerCase() } : {}),
  };
}

function modifyImds(record: CloudTrailRecord): SubjectResult {
  const params = record.requestParameters;
  const nested = field(params, 'ModifyInstanceMetadataOptionsRequest');
  const request = isObject(nested) ? nested : (params ?? undefined);
  const instanceId = field(request, 'InstanceId');
  if (typeof instanceId !== 'string' || instanceId === '')
    return missing('requestParameters.ModifyInstanceMetadataOptionsRequest.InstanceId');
  if (!INSTANCE_ID.test(instanceId)) {
    return {
      ok: false,
      reason: 'requestParameters.ModifyInstanceMetadataOptionsRequest.InstanceId: not an instance id',
    };
  }
  const requested = settingsOf(request, 'requestParameters.ModifyInstanceMetadataOptionsRequest');
  if (typeof requested === 'string') return { ok: false, reason: requested };
  const response = field(record.responseElements, 'ModifyInstanceMetadataOptionsResponse');
  const options = isObject(response) ? field(response, 'instanceMetadataOptions') : undefined;
  const reported = settingsOf(
    isObject(options) ? options : undefined,
    'responseElements.ModifyInstanceMetadataOptionsResponse.instanceMetadataOptions',
  );
  if (typeof reported === 'string') return { ok: false, reason: reported };
  const resulting: ImdsSettings = { ...requested, ...reported };
  const instanceArn = `arn:aws:ec2:${record.awsRegion}:${accountOf(record)}:instance/${instanceId}`;
  return {
    ok: true,
    subject: { kind: 'ModifyInstanceMetadataOptions', instanceId, instanceArn, requested, resulting },
  };
}

const EXTRACTORS: Record<WatchedEventName, (record: CloudTrailRecord) => SubjectResult> = {
  CreateUser: createUser,
  CreateAccessKey: createAccessKey,
  PutRolePolicy: putRolePolicy,
  ModifyInstanceMetadataOptions: modifyImds,
};

/** The subject of a watched event, or why it cannot be read. Call only for watched events. */
export function extractSubject(record: CloudTrailRecord): SubjectResult {
  const extractor = EXTRACTORS[record.eventName as WatchedEventName];
  return extractor ? extractor(record) : { ok: false, reason: `${record.eventName} is not a watched event` };
}
