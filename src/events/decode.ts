/**
 * Turns any accepted input into records: an EventBridge envelope, a bare record, a CloudTrail log file
 * `{"Records": [...]}`, a LookupEvents reply `{"Events": [{"CloudTrailEvent": "..."}]}`, a JSON array of
 * any of these, or JSON Lines. A bad record is reported with where it was and why; the others go on.
 */
import { gunzipSync } from 'node:zlib';
import { EventDecodeError } from '../core/errors.ts';
import type { CloudTrailRecord } from '../core/types.ts';
import { checkRecord, notApiCallReason } from './record.ts';

export type Decoded =
  | { readonly kind: 'record'; readonly record: CloudTrailRecord; readonly where: string }
  /** A well-formed record that is not an API call (an Insights event, a service event): nothing to judge. */
  | {
      readonly kind: 'skipped';
      readonly where: string;
      readonly reason: string;
      readonly eventId?: string;
    }
  | {
      readonly kind: 'malformed';
      readonly where: string;
      readonly reason: string;
      readonly eventId?: string;
    };

const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** The reason given for a value that carries none of a record's fields (a policy document, a digest file). */
export const CLOUDTRAIL_SHAPES =
  'expected a log file {"Records": [...]}, a record, an EventBridge event or a LookupEvents reply';
export const NOT_CLOUDTRAIL = `not a CloudTrail record (${CLOUDTRAIL_SHAPES})`;

/** True when the value has none of the fields every CloudTrail record has. */
export function lacksRecordFields(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  const { eventID, eventName, eventSource, eventTime } = value as Record<string, unknown>;
  return (
    eventID === undefined && eventName === undefined && eventSource === undefined && eventTime === undefined
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A value that should be one CloudTrail record, found inside an input but not yet validated, or a structural
 * problem found on the way (an EventBridge event of another type, a LookupEvents entry that is not JSON).
 * Callers that need every record checked use `decodeValue`; the replay checks cheap fields first and runs the
 * full validation only on the events guardrail watches.
 */
export type Candidate =
  | { readonly kind: 'candidate'; readonly value: unknown; readonly where: string }
  | { readonly kind: 'malformed'; readonly where: string; readonly reason: string };

function* unwrap(value: unknown, where: string): Generator<Candidate> {
  if (isRecord(value) && 'detail-type' in value) {
    if (value['detail-type'] !== CLOUDTRAIL_DETAIL_TYPE) {
      yield {
        kind: 'malformed',
        where,
        reason: `EventBridge event of detail-type ${JSON.stringify(value['detail-type'])} is not a CloudTrail API call`,
      };
      return;
    }
    yield* unwrap(value.detail, `${where}.detail`);
    return;
  }
  yield { kind: 'candidate', value, where };
}

/** Walks an already-parsed JSON value down to the record candidates it holds, in every accepted shape. */
export function* walkValue(value: unknown, source: string, nested = false): Generator<Candidate> {
  if (Array.isArray(value)) {
    // One level of list (a list of records, envelopes or log files); deeper lists are not an input shape.
    if (nested) {
      yield {
        kind: 'malformed',
        where: source,
        reason: 'expected a record, an envelope or a log file, got a nested list',
      };
      return;
    }
    for (const [index, item] of value.entries()) yield* walkValue(item, `${source}[${index}]`, true);
    return;
  }
  if (isRecord(value) && 'Records' in value) {
    if (!Array.isArray(value.Records)) {
      yield { kind: 'malformed', where: `${source}.Records`, reason: 'expected a list of records' };
      return;
    }
    for (const [index, item] of value.Records.entries()) yield* unwrap(item, `${source}.Records[${index}]`);
    return;
  }
  if (isRecord(value) && Array.isArray(value.Events) && !('eventName' in value)) {
    for (const [index, item] of value.Events.entries()) {
      const where = `${source}.Events[${index}]`;
      const raw = isRecord(item) ? item.CloudTrailEvent : undefined;
      if (typeof raw !== 'string') {
        yield {
          kind: 'malformed',
          where,
          reason: 'expected a LookupEvents entry with a CloudTrailEvent string',
        };
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        yield { kind: 'malformed', where: `${where}.CloudTrailEvent`, reason: 'not valid JSON' };
        continue;
      }
      yield* unwrap(parsed, `${where}.CloudTrailEvent`);
    }
    return;
  }
  yield* unwrap(value, source);
}

/** Validates one candidate into a record, or says why it is malformed. */
export function checkCandidate(candidate: Candidate): Decoded {
  if (candidate.kind === 'malformed') return candidate;
  // An object with none of a record's fields (a policy document) is not CloudTrail at all; a non-object is
  // left to the schema, which says what it is instead.
  if (isRecord(candidate.value) && lacksRecordFields(candidate.value))
    return { kind: 'malformed', where: candidate.where, reason: NOT_CLOUDTRAIL };
  const notApi = notApiCallReason(candidate.value);
  if (notApi !== undefined) {
    const eventId = (candidate.value as { eventID?: unknown }).eventID;
    return {
      kind: 'skipped',
      where: candidate.where,
      reason: notApi,
      ...(typeof eventId === 'string' && eventId !== '' ? { eventId } : {}),
    };
  }
  const checked = checkRecord(candidate.value);
  if (checked.ok) return { kind: 'record', record: checked.record, where: candidate.where };
  return {
    kind: 'malformed',
    where: candidate.where,
    reason: checked.reason,
    ...(checked.eventId ? { eventId: checked.eventId } : {}),
  };
}

/** Decodes an already-parsed JSON value. `source` names it in messages (a file name, `stdin`, `event`). */
export function* decodeValue(value: unknown, source: string): Generator<Decoded> {
  for (const candidate of walkValue(value, source)) yield checkCandidate(candidate);
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Gzip bytes, decompressed (the gzip CRC is checked); a corrupt or truncated stream is an EventDecodeError. */
export function gunzipBytes(bytes: Uint8Array, source: string): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new EventDecodeError(`${source}: corrupt or truncated gzip (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** Raw bytes → text, gunzipping when the bytes are gzip (whatever the file is called). */
export function bytesToText(bytes: Uint8Array, source: string): string {
  if (isGzip(bytes)) return gunzipBytes(bytes, source).toString('utf8');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * Walks a whole input text down to its record candidates. Whole-document JSON first; if that fails and the
 * text has several lines, each line is tried on its own (JSON Lines), so one bad line costs only that line.
 * Throws EventDecodeError when the text as a whole is not an input (empty, not JSON, a bare scalar).
 */
export function* walkText(text: string, source: string): Generator<Candidate> {
  const trimmed = text.trim();
  if (trimmed === '') throw new EventDecodeError(`${source}: empty input`);
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new EventDecodeError(`${source}: not valid JSON (nested too deeply)`, { cause: error });
    }
    const lines = trimmed.split('\n');
    if (lines.length < 2 || !parses(lines[0] ?? '')) {
      throw new EventDecodeError(`${source}: not valid JSON (${firstLine(error)})`, { cause: error });
    }
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      const where = `${source}:${index + 1}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (lineError) {
        yield { kind: 'malformed', where, reason: `not valid JSON (${firstLine(lineError)})` };
        continue;
      }
      yield* walkValue(parsed, where);
    }
    return;
  }
  if (whole === null || typeof whole !== 'object') {
    throw new EventDecodeError(
      `${source}: expected a JSON object or array, got ${whole === null ? 'null' : typeof whole}`,
    );
  }
  yield* walkValue(whole, source);
}

/** Decodes a whole input text into checked records (see walkText for the shapes and the errors). */
export function* decodeText(text: string, source: string): Generator<Decoded> {
  for (const candidate of walkText(text, source)) yield checkCandidate(candidate);
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'invalid';
}
