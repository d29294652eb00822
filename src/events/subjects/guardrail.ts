/**
 * Changes to the pieces guardrail runs on (guardrail.tamper): EventBridge rules and buses, Lambda functions,
 * the SNS topic and its subscriptions, the SQS queues, the DynamoDB table. Each call is read as the resource it
 * changes (type, name, ARN) and the change in words; whether the resource is guardrail's is the rule's
 * question (the baseline's `guardrail.resourcePrefix`).
 *
 * Lambda writes these event names with its API version (`DeleteFunction20150331`); `LAMBDA_EVENT_NAMES` lists
 * the names CloudTrail has used, for the places that match names exactly (LookupEvents).
 */
import type { CloudTrailRecord } from '../../core/types.ts';
import type { Extracted, Extractors, Json } from './common.ts';
import { accountOf, field, isObject, missing, partitionOfRecord } from './common.ts';

export const GUARDRAIL_EVENTS = {
  DisableRule: 'events.amazonaws.com',
  DeleteRule: 'events.amazonaws.com',
  PutRule: 'events.amazonaws.com',
  RemoveTargets: 'events.amazonaws.com',
  PutTargets: 'events.amazonaws.com',
  DeleteEventBus: 'events.amazonaws.com',
  UpdateFunctionCode: 'lambda.amazonaws.com',
  UpdateFunctionConfiguration: 'lambda.amazonaws.com',
  DeleteFunction: 'lambda.amazonaws.com',
  PutFunctionConcurrency: 'lambda.amazonaws.com',
  RemovePermission: 'lambda.amazonaws.com',
  DeleteTopic: 'sns.amazonaws.com',
  SetTopicAttributes: 'sns.amazonaws.com',
  Unsubscribe: 'sns.amazonaws.com',
  SetSubscriptionAttributes: 'sns.amazonaws.com',
  DeleteQueue: 'sqs.amazonaws.com',
  SetQueueAttributes: 'sqs.amazonaws.com',
  PurgeQueue: 'sqs.amazonaws.com',
  DeleteTable: 'dynamodb.amazonaws.com',
} as const;
export type GuardrailEventName = keyof typeof GUARDRAIL_EVENTS;

/**
 * The names CloudTrail writes for the Lambda calls, newest API version first (Lambda's CloudTrail page lists
 * the current ones; older trails carry the earlier ones).
 */
export const LAMBDA_EVENT_NAMES: Readonly<Record<string, readonly string[]>> = {
  UpdateFunctionCode: ['UpdateFunctionCode20150331v2', 'UpdateFunctionCode20150331', 'UpdateFunctionCode'],
  UpdateFunctionConfiguration: [
    'UpdateFunctionConfiguration20150331v2',
    'UpdateFunctionConfiguration20150331',
    'UpdateFunctionConfiguration',
  ],
  DeleteFunction: ['DeleteFunction20150331', 'DeleteFunction'],
  PutFunctionConcurrency: ['PutFunctionConcurrency20171031', 'PutFunctionConcurrency'],
  RemovePermission: ['RemovePermission20150331v2', 'RemovePermission20150331', 'RemovePermission'],
};

export type StackResourceType =
  | 'rule'
  | 'event-bus'
  | 'function'
  | 'topic'
  | 'subscription'
  | 'queue'
  | 'table';

interface StackChange<K extends GuardrailEventName> {
  readonly kind: K;
  readonly resourceType: StackResourceType;
  /** The resource's name; for a subscription, its topic's (what the resource prefix is matched against). */
  readonly name: string;
  readonly arn: string;
  /** The rule's event bus (`default` when the call names none). */
  readonly eventBus?: string;
  /** What the call does to it, in words: `disabled`, `deleted`, `given new code`... */
  readonly change: string;
  /** PutFunctionConcurrency: the reserved concurrency set (0 stops every invocation). */
  readonly concurrency?: number;
  /** What else the call says, for the finding (never an environment variable's value). */
  readonly facts: Readonly<Record<string, unknown>>;
}

export type GuardrailSubject = { readonly [K in GuardrailEventName]: StackChange<K> }[GuardrailEventName];

const CHANGES: Readonly<Record<GuardrailEventName, string>> = {
  DisableRule: 'disabled',
  DeleteRule: 'deleted',
  PutRule: 'replaced (its pattern, schedule or state)',
  RemoveTargets: 'stripped of targets',
  PutTargets: 'given new targets',
  DeleteEventBus: 'deleted',
  UpdateFunctionCode: 'given new code',
  UpdateFunctionConfiguration: 'reconfigured',
  DeleteFunction: 'deleted',
  PutFunctionConcurrency: 'limited in concurrency',
  RemovePermission: 'stripped of an invoke permission',
  DeleteTopic: 'deleted',
  SetTopicAttributes: 'changed',
  Unsubscribe: 'unsubscribed',
  SetSubscriptionAttributes: 'changed',
  DeleteQueue: 'deleted',
  SetQueueAttributes: 'changed',
  PurgeQueue: 'purged',
  DeleteTable: 'deleted',
};

/** Names as the services accept them (rules: 64, buses: 256, functions: 64, topics and queues: 80, tables: 255). */
const NAME = /^[\w.\-/]{1,256}$/;

type Read = Omit<StackChange<GuardrailEventName>, 'kind' | 'change'>;

function text(record: CloudTrailRecord, key: string): string | undefined {
  const value = field(record.requestParameters, key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function invalid(key: string, what: string): { readonly ok: false; readonly reason: string } {
  return { ok: false, reason: `requestParameters.${key}: not ${what}` };
}

/** A rule named by `name` (DisableRule, DeleteRule, PutRule) or `rule` (RemoveTargets, PutTargets). */
function rule(record: CloudTrailRecord, key: string, facts: Json = {}): Extracted<Read> {
  const name = text(record, key);
  if (!name) return missing(`requestParameters.${key}`);
  if (!/^[\w.-]{1,64}$/.test(name)) return invalid(key, 'a rule name');
  const busGiven = text(record, 'eventBusName');
  const bus = busGiven?.startsWith('arn:') ? busGiven.slice(busGiven.indexOf('event-bus/') + 10) : busGiven;
  if (bus !== undefined && !NAME.test(bus)) return invalid('eventBusName', 'an event bus');
  const prefix = `arn:${partitionOfRecord(record)}:events:${record.awsRegion}:${accountOf(record)}:rule/`;
  const arn = bus && bus !== 'default' ? `${prefix}${bus}/${name}` : `${prefix}${name}`;
  return {
    ok: true,
    subject: { resourceType: 'rule', name, arn, eventBus: bus ?? 'default', facts },
  };
}

function eventBus(record: CloudTrailRecord): Extracted<Read> {
  const name = text(record, 'name');
  if (!name) return missing('requestParameters.name');
  if (!NAME.test(name)) return invalid('name', 'an event bus name');
  const arn = `arn:${partitionOfRecord(record)}:events:${record.awsRegion}:${accountOf(record)}:event-bus/${name}`;
  return { ok: true, subject: { resourceType: 'event-bus', name, arn, facts: {} } };
}

/** A function named by name, ARN or partial ARN (`123456789012:function:name`), maybe with a qualifier. */
function lambdaFunction(record: CloudTrailRecord, facts: Json = {}): Extracted<Read> {
  const given = text(record, 'functionName');
  if (!given) return missing('requestParameters.functionName');
  const afterFunction = given.includes(':function:') ? given.split(':function:')[1] : given;
  const name = afterFunction?.split(':')[0] ?? '';
  if (!/^[\w-]{1,64}$/.test(name)) return invalid('functionName', 'a function name or ARN');
  const arn = `arn:${partitionOfRecord(record)}:lambda:${record.awsRegion}:${accountOf(record)}:function:${name}`;
  return { ok: true, subject: { resourceType: 'function', name, arn, facts } };
}

const TOPIC_ARN = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:([\w-]{1,256}(?:\.fifo)?)$/;
const SUBSCRIPTION_ARN = /^(arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:([\w-]{1,256}(?:\.fifo)?)):[\w-]{1,64}$/;

function topic(record: CloudTrailRecord, facts: Json = {}): Extracted<Read> {
  const arn = text(record, 'topicArn');
  if (!arn) return missing('requestParameters.topicArn');
  const match = TOPIC_ARN.exec(arn);
  if (!match) return invalid('topicArn', 'a topic ARN');
  return { ok: true, subject: { resourceType: 'topic', name: match[1] as string, arn, facts } };
}

function subscription(record: CloudTrailRecord, facts: Json = {}): Extracted<Read> {
  const arn = text(record, 'subscriptionArn');
  if (!arn) return missing('requestParameters.subscriptionArn');
  const match = SUBSCRIPTION_ARN.exec(arn);
  if (!match) return invalid('subscriptionArn', 'a subscription ARN');
  return {
    ok: true,
    subject: {
      resourceType: 'subscription',
      name: match[2] as string,
      arn,
      facts: { topicArn: match[1], ...facts },
    },
  };
}

/** A queue by its URL: `https://sqs.<region>.amazonaws.com/<account>/<name>` (or a legacy host). */
function queue(record: CloudTrailRecord, facts: Json = {}): Extracted<Read> {
  const url = text(record, 'queueUrl');
  if (!url) return missing('requestParameters.queueUrl');
  const match = /^https?:\/\/[\w.-]+\/(\d{12})\/([\w-]{1,80}(?:\.fifo)?)$/.exec(url);
  if (!match) return invalid('queueUrl', 'a queue URL');
  const arn = `arn:${partitionOfRecord(record)}:sqs:${record.awsRegion}:${match[1]}:${match[2]}`;
  return {
    ok: true,
    subject: { resourceType: 'queue', name: match[2] as string, arn, facts: { queueUrl: url, ...facts } },
  };
}

function table(record: CloudTrailRecord): Extracted<Read> {
  const given = text(record, 'tableName');
  if (!given) return missing('requestParameters.tableName');
  const name = given.startsWith('arn:') ? given.slice(given.indexOf(':table/') + 7) : given;
  if (!/^[\w.-]{3,255}$/.test(name)) return invalid('tableName', 'a table name or ARN');
  const arn = `arn:${partitionOfRecord(record)}:dynamodb:${record.awsRegion}:${accountOf(record)}:table/${name}`;
  return { ok: true, subject: { resourceType: 'table', name, arn, facts: {} } };
}

/** An attribute change (SNS): its name only; the value (a policy, a filter, a key id) stays in the trail. */
function attributeFacts(record: CloudTrailRecord): Json {
  const attributeName = text(record, 'attributeName');
  return attributeName ? { attributeName } : {};
}

/** Which settings an UpdateFunctionConfiguration sets (names only: CloudTrail omits the environment's values). */
function configurationFacts(record: CloudTrailRecord): Json {
  const params = record.requestParameters ?? {};
  const settings = Object.keys(params).filter((key) => key !== 'functionName');
  const layers = field(params, 'layers');
  return {
    settings,
    ...(Array.isArray(layers) ? { layers: layers.filter((l): l is string => typeof l === 'string') } : {}),
  };
}

function codeFacts(record: CloudTrailRecord): Json {
  const response = record.responseElements;
  const sha = isObject(response) ? field(response, 'codeSha256') : undefined;
  const bucket = text(record, 's3Bucket');
  const image = text(record, 'imageUri');
  return {
    ...(typeof sha === 'string' ? { codeSha256: sha } : {}),
    ...(bucket ? { s3Bucket: bucket } : {}),
    ...(image ? { imageUri: image } : {}),
  };
}

function concurrency(record: CloudTrailRecord): Extracted<Read> {
  const value = field(record.requestParameters, 'reservedConcurrentExecutions');
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 0)
    return invalid('reservedConcurrentExecutions', 'a whole number of 0 or more');
  const read = lambdaFunction(record, { reservedConcurrentExecutions: n });
  return read.ok ? { ok: true, subject: { ...read.subject, concurrency: n } } : read;
}

function targetIds(record: CloudTrailRecord): Json {
  const ids = field(record.requestParameters, 'ids');
  return Array.isArray(ids) ? { targetIds: ids.filter((id): id is string => typeof id === 'string') } : {};
}

function putRuleFacts(record: CloudTrailRecord): Json {
  const state = text(record, 'state');
  const schedule = text(record, 'scheduleExpression');
  const pattern = text(record, 'eventPattern');
  return {
    ...(state ? { state } : {}),
    ...(schedule ? { scheduleExpression: schedule } : {}),
    ...(pattern ? { eventPattern: pattern.length > 2000 ? `${pattern.slice(0, 2000)}…` : pattern } : {}),
  };
}

const READERS: Readonly<Record<GuardrailEventName, (record: CloudTrailRecord) => Extracted<Read>>> = {
  DisableRule: (r) => rule(r, 'name'),
  DeleteRule: (r) => rule(r, 'name'),
  PutRule: (r) => rule(r, 'name', putRuleFacts(r)),
  RemoveTargets: (r) => rule(r, 'rule', targetIds(r)),
  PutTargets: (r) => rule(r, 'rule'),
  DeleteEventBus: eventBus,
  UpdateFunctionCode: (r) => lambdaFunction(r, codeFacts(r)),
  UpdateFunctionConfiguration: (r) => lambdaFunction(r, configurationFacts(r)),
  DeleteFunction: (r) => lambdaFunction(r),
  PutFunctionConcurrency: concurrency,
  RemovePermission: (r) => {
    const statementId = text(r, 'statementId');
    return lambdaFunction(r, statementId ? { statementId } : {});
  },
  DeleteTopic: (r) => topic(r),
  SetTopicAttributes: (r) => topic(r, attributeFacts(r)),
  Unsubscribe: (r) => subscription(r),
  SetSubscriptionAttributes: (r) => subscription(r, attributeFacts(r)),
  DeleteQueue: (r) => queue(r),
  SetQueueAttributes: (r) => {
    const attributes = field(r.requestParameters, 'attributes');
    return queue(r, isObject(attributes) ? { attributes: Object.keys(attributes) } : {});
  },
  PurgeQueue: (r) => queue(r),
  DeleteTable: table,
};

function extractorOf<K extends GuardrailEventName>(
  kind: K,
): (record: CloudTrailRecord) => Extracted<StackChange<K>> {
  return (record) => {
    const read = READERS[kind](record);
    return read.ok ? { ok: true, subject: { kind, change: CHANGES[kind], ...read.subject } } : read;
  };
}

export const GUARDRAIL_EXTRACTORS = Object.fromEntries(
  (Object.keys(GUARDRAIL_EVENTS) as GuardrailEventName[]).map((kind) => [kind, extractorOf(kind)]),
) as unknown as Extractors<GuardrailSubject>;
