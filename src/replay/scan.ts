/**
 * One input (a log file, an S3 object, a LookupEvents page) → counts, malformed entries, and the outcome of
 * every watched event in it. Pure and synchronous: it runs inside worker threads and on the main thread alike.
 *
 * Every record gets a cheap check (an object with eventID, eventName, eventSource and an ISO eventTime);
 * only the events guardrail watches get the full schema check and the engine. That is what keeps the replay
 * close to the bare gunzip + JSON.parse rate: almost all CloudTrail records are Describe*, Get*, List*.
 */
import type { Baseline } from '../baseline/baseline.ts';
import { errorMessage } from '../core/errors.ts';
import type { Knowledge } from '../core/knowledge.ts';
import type { AnyRule } from '../core/rule.ts';
import type { Finding } from '../core/types.ts';
import { evaluate } from '../engine/evaluate.ts';
import type { SuppressedFinding } from '../engine/suppression.ts';
import type { Candidate } from '../events/decode.ts';
import {
  checkCandidate,
  gunzipBytes,
  isGzip,
  lacksRecordFields,
  NOT_CLOUDTRAIL,
  walkText,
  walkValue,
} from '../events/decode.ts';
import { isoTimeMs, notApiCallReason } from '../events/record.ts';
import { isWatchedEvent } from '../events/subjects/index.ts';
import { quickCount } from './prefilter.ts';

export interface ScanSettings {
  readonly baseline: Baseline;
  readonly rules: readonly AnyRule[];
  /** What the engine may ask about policies and principals (the AWS managed-policy data offline). */
  readonly knowledge?: Knowledge;
  /** Epoch milliseconds; records before are out of range (inclusive bound). */
  readonly since?: number;
  /** Epoch milliseconds; records at or after are out of range (exclusive bound). */
  readonly until?: number;
  /** Parse every file instead of counting most from their bytes (tests and benchmarks compare the two). */
  readonly parseEverything?: boolean;
}

/** A file, object, page or record that could not be used, with where it was and why. */
export interface MalformedEntry {
  /** The input it came from: a path, an `s3://` URI or `lookup:<region>:<event>`. */
  readonly file: string;
  /** Where inside the input (`Records[12]`, `:3` for a JSON Lines line); absent for the input as a whole. */
  readonly where?: string;
  readonly reason: string;
  readonly eventId?: string;
  /** The input could not be read at all (I/O, S3 or LookupEvents failure): the replay is incomplete. */
  readonly unreadable?: true;
}

export type WatchedOutcome =
  | {
      readonly kind: 'evaluated';
      readonly findings: readonly Finding[];
      readonly suppressed: readonly SuppressedFinding[];
    }
  | { readonly kind: 'skipped'; readonly reason: string };

/** A watched event: only these are deduplicated by eventID, since only they can change the report. */
export interface WatchedRecord {
  readonly eventId: string;
  readonly where: string;
  readonly outcome: WatchedOutcome;
}

export interface ScanResult {
  readonly file: string;
  readonly records: number;
  readonly outOfRange: number;
  readonly malformed: readonly MalformedEntry[];
  readonly watched: readonly WatchedRecord[];
}

interface Counter {
  records: number;
  outOfRange: number;
  readonly malformed: MalformedEntry[];
  readonly watched: WatchedRecord[];
}

function relative(where: string): string {
  return where.startsWith('.') ? where.slice(1) : where;
}

function malformedEntry(file: string, where: string, reason: string, eventId?: unknown): MalformedEntry {
  const inside = relative(where);
  return {
    file,
    ...(inside ? { where: inside } : {}),
    reason,
    ...(typeof eventId === 'string' && eventId !== '' ? { eventId } : {}),
  };
}

/** Marks a record that is not an API call (an Insights event...): counted, never malformed, never evaluated. */
const NOT_API_CALL = Symbol('not an API call');

/**
 * The cheap check every record gets: the fields the replay itself needs. Returns the event time (epoch ms),
 * parsed once here for the --since/--until check too, NOT_API_CALL, or the reason the record is malformed.
 * A missing eventID is no fault (records before eventVersion 1.01 have none): a watched one gets an id
 * derived from its content when it is checked.
 */
function envelopeCheck(value: unknown): number | string | typeof NOT_API_CALL {
  if (lacksRecordFields(value)) return NOT_CLOUDTRAIL;
  const record = value as Record<string, unknown>;
  const { eventID, eventName, eventSource, eventTime } = record;
  if (eventTime === undefined) return 'eventTime: missing';
  const time = isoTimeMs(eventTime);
  if (time === undefined) return 'eventTime: expected an ISO 8601 time';
  if (eventID !== undefined && (typeof eventID !== 'string' || eventID === ''))
    return 'eventID: expected a non-empty string';
  if (notApiCallReason(record) !== undefined) return NOT_API_CALL;
  if (typeof eventName !== 'string' || eventName === '') return 'eventName: missing';
  if (typeof eventSource !== 'string' || eventSource === '') return 'eventSource: missing';
  return time;
}

function scanCandidate(candidate: Candidate, file: string, settings: ScanSettings, into: Counter): void {
  if (candidate.kind === 'malformed') {
    into.malformed.push(malformedEntry(file, candidate.where, candidate.reason));
    return;
  }
  scanRecord(candidate.value, candidate.where, file, settings, into);
}

/** A location given as a string, or as the index in `Records` (its string is built only when needed). */
function locate(where: string | number): string {
  return typeof where === 'number' ? `Records[${where}]` : where;
}

/** One record. Its location string is built only when needed: most records are neither malformed nor watched. */
function scanRecord(
  value: unknown,
  where: string | number,
  file: string,
  settings: ScanSettings,
  into: Counter,
): void {
  const record = value as Record<string, unknown>;
  const time = envelopeCheck(record);
  if (time === NOT_API_CALL) {
    into.records++;
    return;
  }
  if (typeof time === 'string') {
    const at = locate(where);
    // A whole file that is not CloudTrail is a bad file, not a bad record.
    if (!(time === NOT_CLOUDTRAIL && at === '')) into.records++;
    into.malformed.push(malformedEntry(file, at, time, record?.eventID));
    return;
  }
  into.records++;
  if (
    (settings.since !== undefined && time < settings.since) ||
    (settings.until !== undefined && time >= settings.until)
  ) {
    into.outOfRange++;
    return;
  }
  if (!isWatchedEvent(record as { eventName: string; eventSource: string })) return;
  const at = locate(where);
  const decoded = checkCandidate({ kind: 'candidate', value, where: at });
  if (decoded.kind === 'skipped') return;
  if (decoded.kind === 'malformed') {
    into.malformed.push(malformedEntry(file, at, decoded.reason, record.eventID));
    return;
  }
  try {
    const evaluation = evaluate(decoded.record, settings.baseline, {
      rules: settings.rules,
      ...(settings.knowledge ? { knowledge: settings.knowledge } : {}),
    });
    into.watched.push({
      eventId: decoded.record.eventID,
      where: relative(at),
      outcome:
        evaluation.kind === 'evaluated'
          ? { kind: 'evaluated', findings: evaluation.findings, suppressed: evaluation.suppressed }
          : { kind: 'skipped', reason: evaluation.skip.reason },
    });
  } catch (error) {
    // A bug on one record must not cost the rest of a quarter's replay; it is listed, not hidden.
    into.malformed.push(
      malformedEntry(file, at, `guardrail failed on this record: ${errorMessage(error)}`, record.eventID),
    );
  }
}

/** An input that could not be read at all: listed with its reason, and marked so the replay counts it. */
export function unreadableResult(file: string, reason: string): ScanResult {
  return { file, records: 0, outOfRange: 0, malformed: [{ file, reason, unreadable: true }], watched: [] };
}

function emptyCounter(): Counter {
  return { records: 0, outOfRange: 0, malformed: [], watched: [] };
}

function resultOf(file: string, counter: Counter): ScanResult {
  return { file, ...counter };
}

/** The shape a trail delivers: `{"Records": [...]}` (an EventBridge event with a Records list is not one). */
function isLogFile(value: unknown): value is { Records: unknown[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { Records?: unknown }).Records) &&
    !('detail-type' in value)
  );
}

/** Scans raw bytes (gzip or not) of one input. Never throws for bad input: the file is listed instead. */
export function scanBytes(bytes: Uint8Array, file: string, settings: ScanSettings): ScanResult {
  const counter = emptyCounter();
  try {
    let raw: Buffer;
    if (isGzip(bytes)) {
      raw = gunzipBytes(bytes, file);
      // Most files hold no watched event: counted from their bytes, never parsed (prefilter.ts).
      const quick = settings.parseEverything ? undefined : quickCount(raw, settings.since, settings.until);
      if (quick) {
        counter.records = quick.records;
        counter.outOfRange = quick.outOfRange;
        return resultOf(file, counter);
      }
    } else raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const text = raw.toString('utf8');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      document = undefined; // walkText below says why, or reads JSON Lines
    }
    if (isLogFile(document)) {
      // The shape a trail delivers, read with a plain loop: the generic walk costs a generator step and a
      // location string per record, and this loop runs for every record of every file.
      const records = document.Records;
      for (let index = 0; index < records.length; index++) {
        const item = records[index];
        if (typeof item === 'object' && item !== null && 'detail-type' in item) {
          for (const candidate of walkValue(item, `Records[${index}]`))
            scanCandidate(candidate, file, settings, counter);
        } else scanRecord(item, index, file, settings, counter);
      }
    } else if (typeof document === 'object' && document !== null) {
      for (const candidate of walkValue(document, '')) scanCandidate(candidate, file, settings, counter);
    } else {
      for (const candidate of walkText(text, '')) scanCandidate(candidate, file, settings, counter);
    }
  } catch (error) {
    counter.malformed.push({ file, reason: reasonOf(error, file) });
  }
  return resultOf(file, counter);
}

/** Scans already-parsed values (LookupEvents entries): the same checks as a file. */
export function scanValues(
  values: Iterable<{ readonly value: unknown; readonly where: string }>,
  file: string,
  settings: ScanSettings,
): ScanResult {
  const counter = emptyCounter();
  for (const { value, where } of values) {
    for (const candidate of walkValue(value, where)) scanCandidate(candidate, file, settings, counter);
  }
  return resultOf(file, counter);
}

/** Decode errors name their source first (`file: reason`, or `: reason` for the unnamed text); keep the reason. */
function reasonOf(error: unknown, file: string): string {
  const message = errorMessage(error);
  for (const prefix of [`${file}: `, ': '])
    if (message.startsWith(prefix)) return message.slice(prefix.length);
  return message;
}
