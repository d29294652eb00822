/**
 * Helpers every subject extractor shares: typed reads of CloudTrail's untyped requestParameters and
 * responseElements, IAM's own name rules, and policy documents carried as JSON text.
 */
import { PolicyParseError } from '../../core/errors.ts';
import type { CloudTrailRecord } from '../../core/types.ts';
import type { PolicyDocument } from '../../policy/parse.ts';
import { parsePolicyDocument } from '../../policy/parse.ts';

export type Json = Readonly<Record<string, unknown>>;

/** A subject, or why the record cannot be read as its event. */
export type Extracted<S> =
  | { readonly ok: true; readonly subject: S }
  | { readonly ok: false; readonly reason: string };

/** One extractor per event name of a family, each returning that event's subject. */
export type Extractors<S extends { readonly kind: string }> = {
  readonly [K in S['kind']]: (record: CloudTrailRecord) => Extracted<Extract<S, { kind: K }>>;
};

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(source: Json | null | undefined, key: string): string | undefined {
  const value = source?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads a field whatever its case: CloudTrail writes `HttpTokens` in requests and `httpTokens` in responses. */
export function field(source: Json | null | undefined, key: string): unknown {
  if (!source) return undefined;
  if (key in source) return source[key];
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(source)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

export function accountOf(record: CloudTrailRecord): string {
  return record.recipientAccountId ?? record.userIdentity.accountId ?? '';
}

/** The partition of the record's ARNs (`aws`, `aws-cn`, `aws-us-gov`), from the caller's ARN when it has one. */
export function partitionOfRecord(record: CloudTrailRecord): string {
  const arn = record.userIdentity.arn ?? record.userIdentity.sessionContext?.sessionIssuer?.arn ?? '';
  const partition = arn.split(':')[1];
  return arn.startsWith('arn:') && partition ? partition : 'aws';
}

export function missing(name: string): { readonly ok: false; readonly reason: string } {
  return { ok: false, reason: `${name}: missing` };
}

/** IAM's own name rules: a name outside them cannot come from a successful call, so the record is forged or broken. */
export const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
export const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
/** IAM caps an inline role policy at 10,240 characters (whitespace excluded); leave room for formatting. */
export const MAX_POLICY_TEXT = 131_072;

export function invalidName(
  name: string,
  value: string,
): { readonly ok: false; readonly reason: string } | undefined {
  return IAM_NAME.test(value) ? undefined : { ok: false, reason: `${name}: not a valid IAM name` };
}

/** A required IAM name from requestParameters, checked against IAM's name rules. */
export function iamName(record: CloudTrailRecord, key: string): Extracted<string> {
  const value = str(record.requestParameters, key);
  if (!value) return missing(`requestParameters.${key}`);
  return invalidName(`requestParameters.${key}`, value) ?? { ok: true, subject: value };
}

/**
 * A policy document carried in requestParameters as JSON text (CloudTrail's shape; some exporters decode it
 * into an object, which is turned back into text so the contract stays "JSON text"), parsed.
 */
export function policyDocumentField(
  record: CloudTrailRecord,
  key: string,
): Extracted<{ readonly text: string; readonly policy: PolicyDocument }> {
  const raw = record.requestParameters?.[key];
  const text = typeof raw === 'string' ? raw : isObject(raw) ? JSON.stringify(raw) : undefined;
  if (!text) return { ok: false, reason: `requestParameters.${key}: missing or not a string` };
  if (text.length > MAX_POLICY_TEXT) {
    return {
      ok: false,
      reason: `requestParameters.${key}: longer than ${MAX_POLICY_TEXT} characters, more than IAM accepts`,
    };
  }
  try {
    return { ok: true, subject: { text, policy: parsePolicyDocument(text, `requestParameters.${key}`) } };
  } catch (error) {
    if (error instanceof PolicyParseError) return { ok: false, reason: error.message };
    throw error;
  }
}
