/**
 * The check that lets a replay skip JSON.parse and the per-record checks for almost every file: CloudTrail
 * writes each log file as compact JSON, `{"Records":[{"eventVersion":"1.08",...,"eventTime":"...",
 * "eventSource":"...","eventName":"..."},{"eventVersion":...}]}`, and watched events are a tiny share of any
 * trail. For a gzip input (whose CRC proves the bytes are the ones written), the decompressed text (read as
 * latin1: a plain copy, and every field searched for is ASCII) is searched for the fields every record has:
 *
 * - a `"eventName":"X"` naming a watched event (the engine's one list, WATCHED_EVENTS, names compared as the
 *   engine compares them: without the API version Lambda appends) → the file is parsed;
 * - otherwise, when the text has the log file's shape, every record starts with `{"eventVersion":"` right
 *   after `[` or `},`, and there are as many `"eventTime":"`, `"eventSource":"` and `"eventName":"` as
 *   records, each eventTime an ISO 8601 time, the file is counted without parsing: `records` is that count,
 *   `outOfRange` the times outside --since/--until;
 * - anything else (another layout, a field missing or repeated, a time that is not ISO 8601, an Insights
 *   event, a name with an escape) → the file is parsed, and the documented malformed checks see it as before.
 *
 * The check can only send a file on to the parse; it never finds a watched event or a malformed record by
 * itself. Its one blind spot: an element of `Records` that is an object carrying none of the four fields,
 * between two records, in a gzip file that passes every other check, is counted as a record without being
 * listed as "not a CloudTrail record" (CloudTrail never writes one; the CRC rules out corruption). A plain
 * `.json` input is always parsed.
 */
import { isoTimeMs } from '../events/record.ts';
import { canonicalEventName, WATCHED_EVENTS } from '../events/subjects/index.ts';

const OPEN = '{"Records":[';
const CLOSE = ']}';
const RECORD = '{"eventVersion":"';
const TIME = '"eventTime":"';
const SOURCE = '"eventSource":"';
const NAME = '"eventName":"';

let watchedNames: ReadonlySet<string> | undefined;

/** The counts of a file that needs no parse. */
export interface QuickCount {
  readonly records: number;
  readonly outOfRange: number;
}

/** The string value starting at `from` (just after its opening quote), or undefined if it is not a plain one. */
function valueAt(text: string, from: number): string | undefined {
  const end = text.indexOf('"', from);
  if (end < 0 || end - from > 256) return undefined;
  const value = text.slice(from, end);
  return value.includes('\\') ? undefined : value;
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

/** Counts a decompressed log file from its text, or returns undefined when it must be parsed. */
export function quickCount(bytes: Buffer, since?: number, until?: number): QuickCount | undefined {
  const text = bytes.toString('latin1').trim();
  if (!text.startsWith(OPEN) || !text.endsWith(CLOSE)) return undefined;
  if (text.length === OPEN.length + CLOSE.length) return { records: 0, outOfRange: 0 };
  if (!text.startsWith(RECORD, OPEN.length) || text.charCodeAt(text.length - CLOSE.length - 1) !== 0x7d)
    return undefined;
  let records = 0;
  for (let at = text.indexOf(RECORD); at !== -1; at = text.indexOf(RECORD, at + RECORD.length)) {
    records++;
    // Each record right after `[` (the first) or after the previous record's `},`.
    if (records > 1 && !(text.charCodeAt(at - 1) === 0x2c && text.charCodeAt(at - 2) === 0x7d))
      return undefined;
  }
  watchedNames ??= new Set(Object.keys(WATCHED_EVENTS));
  let names = 0;
  for (let at = text.indexOf(NAME); at !== -1; at = text.indexOf(NAME, at + NAME.length)) {
    names++;
    const value = valueAt(text, at + NAME.length);
    if (value === undefined || watchedNames.has(canonicalEventName(value))) return undefined;
  }
  if (names !== records) return undefined;
  let times = 0;
  let outOfRange = 0;
  for (let at = text.indexOf(TIME); at !== -1; at = text.indexOf(TIME, at + TIME.length)) {
    times++;
    const value = valueAt(text, at + TIME.length);
    const ms = value === undefined ? undefined : isoTimeMs(value);
    if (ms === undefined) return undefined;
    if ((since !== undefined && ms < since) || (until !== undefined && ms >= until)) outOfRange++;
  }
  if (times !== records || count(text, SOURCE) !== records) return undefined;
  return { records, outOfRange };
}
