/**
 * CloudTrail trail events: the calls that stop, delete or narrow a trail (cloudtrail.logging-impaired).
 * CloudTrail writes their parameters in camelCase (`trailName`, `eventSelectors[].readWriteType`); they are
 * read whatever the case, as some exporters capitalise them.
 */
import type { CloudTrailRecord } from '../../core/types.ts';
import type { Extracted, Extractors, Json } from './common.ts';
import { accountOf, field, isObject, missing, partitionOfRecord } from './common.ts';

export const CLOUDTRAIL_EVENTS = {
  StopLogging: 'cloudtrail.amazonaws.com',
  DeleteTrail: 'cloudtrail.amazonaws.com',
  UpdateTrail: 'cloudtrail.amazonaws.com',
  PutEventSelectors: 'cloudtrail.amazonaws.com',
  PutInsightSelectors: 'cloudtrail.amazonaws.com',
} as const;

/** A trail as the call names it: by name, or by ARN (another account's organisation trail, another region). */
export interface TrailRef {
  /** As written in the request. */
  readonly given: string;
  readonly name: string;
  readonly arn: string;
  /** The trail's home region: the ARN's, else the call's (these calls are made in the home region). */
  readonly region: string;
}

export interface StopLoggingSubject {
  readonly kind: 'StopLogging';
  readonly trail: TrailRef;
}

export interface DeleteTrailSubject {
  readonly kind: 'DeleteTrail';
  readonly trail: TrailRef;
}

/** The settings an UpdateTrail sets; an absent one is left unchanged by the call. */
export interface TrailSettings {
  readonly s3BucketName?: string;
  readonly s3KeyPrefix?: string;
  readonly isMultiRegionTrail?: boolean;
  readonly includeGlobalServiceEvents?: boolean;
  readonly isOrganizationTrail?: boolean;
  readonly enableLogFileValidation?: boolean;
}

export interface UpdateTrailSubject {
  readonly kind: 'UpdateTrail';
  readonly trail: TrailRef;
  readonly requested: TrailSettings;
}

/** A basic event selector (`eventSelectors[]`). */
export interface BasicSelector {
  /** `All` (the default), `ReadOnly` or `WriteOnly`. */
  readonly readWriteType: string;
  /** Default true. */
  readonly includeManagementEvents: boolean;
  readonly excludeManagementEventSources: readonly string[];
}

export interface FieldSelector {
  readonly field: string;
  readonly equals: readonly string[];
  readonly notEquals: readonly string[];
  /** Any other operator (StartsWith, NotEndsWith...), which on a management selector narrows it further. */
  readonly others: readonly string[];
}

/** An advanced event selector (`advancedEventSelectors[]`). */
export interface AdvancedSelector {
  readonly name?: string;
  readonly fieldSelectors: readonly FieldSelector[];
}

export type Selectors =
  | { readonly kind: 'basic'; readonly selectors: readonly BasicSelector[] }
  | { readonly kind: 'advanced'; readonly selectors: readonly AdvancedSelector[] };

export interface PutEventSelectorsSubject {
  readonly kind: 'PutEventSelectors';
  readonly trail: TrailRef;
  readonly selectors: Selectors;
}

export interface PutInsightSelectorsSubject {
  readonly kind: 'PutInsightSelectors';
  /** Null when the call configures an event data store (CloudTrail Lake), not a trail. */
  readonly trail: TrailRef | null;
  /** The Insights types left on (`ApiCallRateInsight`, `ApiErrorRateInsight`). */
  readonly insightTypes: readonly string[];
}

export type CloudTrailSubject =
  | StopLoggingSubject
  | DeleteTrailSubject
  | UpdateTrailSubject
  | PutEventSelectorsSubject
  | PutInsightSelectorsSubject;

const TRAIL_ARN = /^arn:(aws[\w-]*):cloudtrail:([a-z0-9-]+):(\d{12}):trail\/([\w.-]{3,128})$/;
/** CloudTrail's trail name rules: 3 to 128 letters, digits, `.`, `_`, `-`. */
const TRAIL_NAME = /^[\w.-]{3,128}$/;

/** The trail a call names (`name` or `trailName`), as a name and an ARN. */
export function trailRef(record: CloudTrailRecord, key: string): Extracted<TrailRef> {
  const raw = field(record.requestParameters, key);
  if (typeof raw !== 'string' || raw === '') return missing(`requestParameters.${key}`);
  const arn = TRAIL_ARN.exec(raw);
  if (arn) {
    return {
      ok: true,
      subject: { given: raw, name: arn[4] as string, arn: raw, region: arn[2] as string },
    };
  }
  if (!TRAIL_NAME.test(raw))
    return { ok: false, reason: `requestParameters.${key}: not a trail name or trail ARN` };
  const arnOf = `arn:${partitionOfRecord(record)}:cloudtrail:${record.awsRegion}:${accountOf(record)}:trail/${raw}`;
  return { ok: true, subject: { given: raw, name: raw, arn: arnOf, region: record.awsRegion } };
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function stopLogging(record: CloudTrailRecord): Extracted<StopLoggingSubject> {
  const trail = trailRef(record, 'name');
  return trail.ok ? { ok: true, subject: { kind: 'StopLogging', trail: trail.subject } } : trail;
}

function deleteTrail(record: CloudTrailRecord): Extracted<DeleteTrailSubject> {
  const trail = trailRef(record, 'name');
  return trail.ok ? { ok: true, subject: { kind: 'DeleteTrail', trail: trail.subject } } : trail;
}

function settingsOf(source: Json | null | undefined): TrailSettings {
  const text = (key: string): string | undefined => {
    const value = field(source, key);
    return typeof value === 'string' ? value : undefined;
  };
  const flag = (key: string): boolean | undefined => bool(field(source, key));
  const settings: Record<string, string | boolean> = {};
  for (const key of ['s3BucketName', 's3KeyPrefix'] as const) {
    const value = text(key);
    if (value !== undefined) settings[key] = value;
  }
  for (const key of [
    'isMultiRegionTrail',
    'includeGlobalServiceEvents',
    'isOrganizationTrail',
    'enableLogFileValidation',
  ] as const) {
    const value = flag(key);
    if (value !== undefined) settings[key] = value;
  }
  return settings as TrailSettings;
}

function updateTrail(record: CloudTrailRecord): Extracted<UpdateTrailSubject> {
  const trail = trailRef(record, 'name');
  if (!trail.ok) return trail;
  return {
    ok: true,
    subject: { kind: 'UpdateTrail', trail: trail.subject, requested: settingsOf(record.requestParameters) },
  };
}

function basicSelector(value: Json): BasicSelector {
  const readWriteType = field(value, 'readWriteType');
  return {
    readWriteType: typeof readWriteType === 'string' ? readWriteType : 'All',
    includeManagementEvents: bool(field(value, 'includeManagementEvents')) ?? true,
    excludeManagementEventSources: strings(field(value, 'excludeManagementEventSources')),
  };
}

const KNOWN_OPERATORS = new Set(['field', 'equals', 'notequals']);

function advancedSelector(value: Json): AdvancedSelector {
  const name = field(value, 'name');
  const fields = field(value, 'fieldSelectors');
  return {
    ...(typeof name === 'string' && name !== '' ? { name } : {}),
    fieldSelectors: (Array.isArray(fields) ? fields.filter(isObject) : []).map((selector) => {
      const fieldName = field(selector, 'field');
      return {
        field: typeof fieldName === 'string' ? fieldName : '',
        equals: strings(field(selector, 'equals')),
        notEquals: strings(field(selector, 'notEquals')),
        others: Object.keys(selector).filter(
          (key) => !KNOWN_OPERATORS.has(key.toLowerCase()) && strings(selector[key]).length > 0,
        ),
      };
    }),
  };
}

/** The selectors the call sets: the request's, else the response's (CloudTrail echoes them). */
function selectorsOf(record: CloudTrailRecord): Selectors | undefined {
  for (const source of [record.requestParameters, record.responseElements]) {
    const advanced = field(source, 'advancedEventSelectors');
    if (Array.isArray(advanced))
      return { kind: 'advanced', selectors: advanced.filter(isObject).map(advancedSelector) };
    const basic = field(source, 'eventSelectors');
    if (Array.isArray(basic)) return { kind: 'basic', selectors: basic.filter(isObject).map(basicSelector) };
  }
  return undefined;
}

function putEventSelectors(record: CloudTrailRecord): Extracted<PutEventSelectorsSubject> {
  const trail = trailRef(record, 'trailName');
  if (!trail.ok) return trail;
  const selectors = selectorsOf(record);
  if (!selectors) return missing('requestParameters.eventSelectors or advancedEventSelectors');
  return { ok: true, subject: { kind: 'PutEventSelectors', trail: trail.subject, selectors } };
}

function putInsightSelectors(record: CloudTrailRecord): Extracted<PutInsightSelectorsSubject> {
  const raw = field(record.requestParameters, 'insightSelectors');
  const insightTypes = (Array.isArray(raw) ? raw.filter(isObject) : [])
    .map((selector) => field(selector, 'insightType'))
    .filter((type): type is string => typeof type === 'string');
  if (field(record.requestParameters, 'trailName') === undefined) {
    return { ok: true, subject: { kind: 'PutInsightSelectors', trail: null, insightTypes } };
  }
  const trail = trailRef(record, 'trailName');
  if (!trail.ok) return trail;
  return { ok: true, subject: { kind: 'PutInsightSelectors', trail: trail.subject, insightTypes } };
}

export const CLOUDTRAIL_EXTRACTORS: Extractors<CloudTrailSubject> = {
  StopLogging: stopLogging,
  DeleteTrail: deleteTrail,
  UpdateTrail: updateTrail,
  PutEventSelectors: putEventSelectors,
  PutInsightSelectors: putInsightSelectors,
};
