/**
 * EC2 instance metadata (IMDS) events: every path by which an instance comes to accept IMDSv1 or a hop limit
 * above the baseline's. An instance changed (ModifyInstanceMetadataOptions), launched (RunInstances), a launch
 * template others launch from (CreateLaunchTemplate, CreateLaunchTemplateVersion), and the region's default
 * for new instances (ModifyInstanceMetadataDefaults).
 *
 * CloudTrail writes the older EC2 APIs with lower-case keys and `{items: [...]}` lists (RunInstances), the
 * newer ones nested under `<Operation>Request` with capitalised keys and query-style lists, where a list of one
 * is an object and each element carries a `tag` index (`TagSpecification: {tag: 1, ResourceType, Tag: {...}}`).
 * Both are read here; `field` ignores the case of keys.
 */
import type { CloudTrailRecord } from '../../core/types.ts';
import type { Extracted, Extractors, Json } from './common.ts';
import { accountOf, field, INSTANCE_ID, isObject, missing, partitionOfRecord } from './common.ts';

export const EC2_EVENTS = {
  ModifyInstanceMetadataOptions: 'ec2.amazonaws.com',
  RunInstances: 'ec2.amazonaws.com',
  CreateLaunchTemplate: 'ec2.amazonaws.com',
  CreateLaunchTemplateVersion: 'ec2.amazonaws.com',
  ModifyInstanceMetadataDefaults: 'ec2.amazonaws.com',
} as const;

export interface ImdsSettings {
  /** `optional` (IMDSv1 allowed) or `required`, lower-cased. */
  readonly httpTokens?: string;
  readonly hopLimit?: number;
  /** `enabled` or `disabled`, lower-cased. */
  readonly httpEndpoint?: string;
}

/** An instance's tags, key → value. */
export type Tags = Readonly<Record<string, string>>;

export interface ModifyImdsSubject {
  readonly kind: 'ModifyInstanceMetadataOptions';
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly region: string;
  readonly requested: ImdsSettings;
  /** The settings after the call: the response's when CloudTrail has it, else the request's (absent = unchanged). */
  readonly resulting: ImdsSettings;
}

export interface LaunchedInstance {
  /** As the response names it; `validId` says whether it has the shape of an instance id (anonymised corpora differ). */
  readonly instanceId: string;
  readonly validId: boolean;
  readonly instanceArn: string;
  /** What it launched with: the response's `metadataOptions` over the request's. */
  readonly settings: ImdsSettings;
  /** Where `settings` came from; `none`: the record states no metadata option for it. */
  readonly settingsFrom: 'response' | 'request' | 'none';
  /**
   * Its tags at launch, or undefined when the record cannot tell them all: a launch template may add tags the
   * record does not show (then the Lambda reads them: the `instanceTags` fact).
   */
  readonly tags: Tags | undefined;
}

export interface RunInstancesSubject {
  readonly kind: 'RunInstances';
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  readonly reservationId?: string;
  /** The request's `metadataOptions` (lower-case keys in CloudTrail), applying to every instance it launches. */
  readonly requested: ImdsSettings;
  /** `lt-... (version N)` or the template's name, when the launch used one. */
  readonly launchTemplate?: string;
  /** The launched instances, from the response; empty when the record lists none. */
  readonly instances: readonly LaunchedInstance[];
}

interface LaunchTemplateSubjectOf<K extends 'CreateLaunchTemplate' | 'CreateLaunchTemplateVersion'> {
  readonly kind: K;
  readonly region: string;
  readonly account: string;
  /** `arn:aws:ec2:<region>:<account>:launch-template/lt-...` when the id is known, else the template's name. */
  readonly resource: string;
  readonly templateId?: string;
  readonly templateName?: string;
  /** The version this call created (1 for CreateLaunchTemplate), when the response says. */
  readonly version?: number;
  /** CreateLaunchTemplateVersion's `SourceVersion`: the version whose data this one starts from. */
  readonly sourceVersion?: string;
  /** The request's `LaunchTemplateData.MetadataOptions`, with the response's `launchTemplateData` over it. */
  readonly settings: ImdsSettings;
  /** Whether the template data names metadata options at all. */
  readonly metadataOptionsStated: boolean;
  /** The tags the template puts on the instances it launches (`TagSpecification` with ResourceType instance). */
  readonly instanceTags: Tags;
}

export type CreateLaunchTemplateSubject = LaunchTemplateSubjectOf<'CreateLaunchTemplate'>;
export type CreateLaunchTemplateVersionSubject = LaunchTemplateSubjectOf<'CreateLaunchTemplateVersion'>;
export type LaunchTemplateSubject = CreateLaunchTemplateSubject | CreateLaunchTemplateVersionSubject;

/** `no-preference` clears an account-level default (the launch then falls back to the AMI, then EC2's default). */
export interface ModifyImdsDefaultsSubject {
  readonly kind: 'ModifyInstanceMetadataDefaults';
  readonly region: string;
  readonly account: string;
  /** `optional`, `required` or `no-preference`; absent: unchanged. */
  readonly httpTokens?: string;
  /** 1 to 64, or `no-preference` (-1 in the request); absent: unchanged. */
  readonly hopLimit?: number | 'no-preference';
  readonly httpEndpoint?: string;
}

export type Ec2Subject =
  | ModifyImdsSubject
  | RunInstancesSubject
  | CreateLaunchTemplateSubject
  | CreateLaunchTemplateVersionSubject
  | ModifyImdsDefaultsSubject;

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

const stated = (settings: ImdsSettings): boolean => Object.keys(settings).length > 0;

/**
 * The elements of a CloudTrail list, whichever way it was written: a JSON array, `{items: [...]}` (older EC2
 * APIs), or, in the query-style requests, a single element standing for a list of one.
 */
function listOf(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  if (!isObject(value)) return [];
  const items = field(value, 'items') ?? field(value, 'item');
  if (items !== undefined) return listOf(items);
  return [value];
}

/** `[{key, value}]` (either case) as key → value; entries that are not string pairs are left out. */
function tagsOf(list: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of listOf(list)) {
    const key = field(tag, 'key');
    const value = field(tag, 'value');
    if (typeof key === 'string' && key !== '') tags[key] = typeof value === 'string' ? value : '';
  }
  return tags;
}

/**
 * A list-valued field by any of its names, whatever their case. Query-style elements also carry a numeric
 * `tag` index beside a `Tag` list, so a number never counts as the list.
 */
function listField(source: Json, names: readonly string[]): unknown {
  for (const name of names) if (name in source && typeof source[name] === 'object') return source[name];
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(source))
    if (wanted.has(name.toLowerCase()) && typeof value === 'object') return value;
  return undefined;
}

/** The tags a tag-specification list puts on instances (`resourceType: instance`). */
function instanceTagsOf(specifications: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const spec of listOf(specifications)) {
    const type = field(spec, 'resourceType');
    if (typeof type !== 'string' || type.toLowerCase() !== 'instance') continue;
    Object.assign(tags, tagsOf(listField(spec, ['tags', 'Tag', 'Tags', 'tagSet'])));
  }
  return tags;
}

function stringField(source: Json | null | undefined, key: string): string | undefined {
  const value = field(source, key);
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Parameters nested under `<Operation>Request` (the newer EC2 APIs), or the flat ones older exports write. */
function nestedRequest(record: CloudTrailRecord, operation: string): Json | undefined {
  const params = record.requestParameters;
  const nested = field(params, `${operation}Request`);
  return isObject(nested) ? nested : (params ?? undefined);
}

function modifyImds(record: CloudTrailRecord): Extracted<ModifyImdsSubject> {
  const request = nestedRequest(record, 'ModifyInstanceMetadataOptions');
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
  const instanceArn = `arn:${partitionOfRecord(record)}:ec2:${record.awsRegion}:${accountOf(record)}:instance/${instanceId}`;
  return {
    ok: true,
    subject: {
      kind: 'ModifyInstanceMetadataOptions',
      instanceId,
      instanceArn,
      region: record.awsRegion,
      requested,
      resulting,
    },
  };
}

function launchTemplateOf(params: Json | null): string | undefined {
  const template = field(params, 'launchTemplate');
  if (!isObject(template)) return undefined;
  const name = stringField(template, 'launchTemplateId') ?? stringField(template, 'launchTemplateName');
  if (!name) return undefined;
  const version = stringField(template, 'version');
  return version ? `${name} (version ${version})` : name;
}

function runInstances(record: CloudTrailRecord): Extracted<RunInstancesSubject> {
  const params = record.requestParameters;
  const requestOptions = field(params, 'metadataOptions');
  const requested = settingsOf(
    isObject(requestOptions) ? requestOptions : undefined,
    'requestParameters.metadataOptions',
  );
  if (typeof requested === 'string') return { ok: false, reason: requested };
  const launchTemplate = launchTemplateOf(params);
  const requestTags = instanceTagsOf(field(params, 'tagSpecificationSet'));
  const account = accountOf(record);
  const partition = partitionOfRecord(record);
  const items = listOf(field(record.responseElements, 'instancesSet'));
  const instances: LaunchedInstance[] = [];
  for (const [index, item] of items.entries()) {
    const instanceId = stringField(item, 'instanceId');
    if (!instanceId) continue;
    const options = field(item, 'metadataOptions');
    const reported = settingsOf(
      isObject(options) ? options : undefined,
      `responseElements.instancesSet.items[${index}].metadataOptions`,
    );
    if (typeof reported === 'string') return { ok: false, reason: reported };
    const tagSet = field(item, 'tagSet');
    // Without a template, the request's tag specifications are every tag the instance starts with.
    const tags =
      tagSet !== undefined
        ? { ...requestTags, ...tagsOf(tagSet) }
        : launchTemplate === undefined
          ? requestTags
          : undefined;
    instances.push({
      instanceId,
      validId: INSTANCE_ID.test(instanceId),
      instanceArn: `arn:${partition}:ec2:${record.awsRegion}:${account}:instance/${instanceId}`,
      settings: { ...requested, ...reported },
      settingsFrom: stated(reported) ? 'response' : stated(requested) ? 'request' : 'none',
      tags,
    });
  }
  const reservationId = stringField(record.responseElements, 'reservationId');
  return {
    ok: true,
    subject: {
      kind: 'RunInstances',
      region: record.awsRegion,
      account,
      partition,
      ...(reservationId ? { reservationId } : {}),
      requested,
      ...(launchTemplate ? { launchTemplate } : {}),
      instances,
    },
  };
}

function launchTemplate<K extends 'CreateLaunchTemplate' | 'CreateLaunchTemplateVersion'>(
  kind: K,
): (record: CloudTrailRecord) => Extracted<LaunchTemplateSubjectOf<K>> {
  return (record) => {
    const where = `requestParameters.${kind}Request`;
    const request = nestedRequest(record, kind);
    const data = field(request, 'LaunchTemplateData');
    const dataObject = isObject(data) ? data : undefined;
    const requestOptions = field(dataObject, 'MetadataOptions');
    const requested = settingsOf(
      isObject(requestOptions) ? requestOptions : undefined,
      `${where}.LaunchTemplateData.MetadataOptions`,
    );
    if (typeof requested === 'string') return { ok: false, reason: requested };

    const response = field(record.responseElements, `${kind}Response`);
    const described = isObject(response)
      ? field(response, kind === 'CreateLaunchTemplate' ? 'launchTemplate' : 'launchTemplateVersion')
      : undefined;
    const reply = isObject(described) ? described : undefined;
    const replyData = field(reply, 'launchTemplateData');
    const replyOptions = isObject(replyData) ? field(replyData, 'metadataOptions') : undefined;
    const reported = settingsOf(
      isObject(replyOptions) ? replyOptions : undefined,
      `responseElements.${kind}Response.launchTemplateVersion.launchTemplateData.metadataOptions`,
    );
    if (typeof reported === 'string') return { ok: false, reason: reported };

    const templateId = stringField(reply, 'launchTemplateId') ?? stringField(request, 'LaunchTemplateId');
    const templateName =
      stringField(reply, 'launchTemplateName') ?? stringField(request, 'LaunchTemplateName');
    if (!templateId && !templateName) return missing(`${where}.LaunchTemplateName`);
    const versionText =
      kind === 'CreateLaunchTemplate'
        ? (stringField(reply, 'latestVersionNumber') ?? '1')
        : stringField(reply, 'versionNumber');
    const version = versionText !== undefined ? Number(versionText) : undefined;
    const sourceVersion =
      kind === 'CreateLaunchTemplateVersion' ? stringField(request, 'SourceVersion') : undefined;
    const account = accountOf(record);
    const settings = { ...requested, ...reported };
    return {
      ok: true,
      subject: {
        kind,
        region: record.awsRegion,
        account,
        resource: templateId
          ? `arn:${partitionOfRecord(record)}:ec2:${record.awsRegion}:${account}:launch-template/${templateId}`
          : (templateName as string),
        ...(templateId ? { templateId } : {}),
        ...(templateName ? { templateName } : {}),
        ...(version !== undefined && Number.isInteger(version) ? { version } : {}),
        ...(sourceVersion ? { sourceVersion } : {}),
        settings,
        metadataOptionsStated: stated(settings),
        instanceTags: dataObject
          ? instanceTagsOf(listField(dataObject, ['TagSpecification', 'TagSpecifications']))
          : {},
      } as LaunchTemplateSubjectOf<K>,
    };
  };
}

function modifyImdsDefaults(record: CloudTrailRecord): Extracted<ModifyImdsDefaultsSubject> {
  const where = 'requestParameters.ModifyInstanceMetadataDefaultsRequest';
  const request = nestedRequest(record, 'ModifyInstanceMetadataDefaults');
  const rawHop = field(request, 'HttpPutResponseHopLimit');
  let hopLimit: number | 'no-preference' | undefined;
  if (rawHop === -1 || rawHop === '-1') hopLimit = 'no-preference';
  else {
    const parsed = hopLimitOf(rawHop);
    if (parsed === 'invalid')
      return {
        ok: false,
        reason: `${where}.HttpPutResponseHopLimit: expected -1 or an integer from 1 to 64`,
      };
    hopLimit = parsed;
  }
  const httpTokens = stringField(request, 'HttpTokens')?.toLowerCase();
  const httpEndpoint = stringField(request, 'HttpEndpoint')?.toLowerCase();
  return {
    ok: true,
    subject: {
      kind: 'ModifyInstanceMetadataDefaults',
      region: record.awsRegion,
      account: accountOf(record),
      ...(httpTokens ? { httpTokens } : {}),
      ...(hopLimit !== undefined ? { hopLimit } : {}),
      ...(httpEndpoint ? { httpEndpoint } : {}),
    },
  };
}

export const EC2_EXTRACTORS: Extractors<Ec2Subject> = {
  ModifyInstanceMetadataOptions: modifyImds,
  RunInstances: runInstances,
  CreateLaunchTemplate: launchTemplate('CreateLaunchTemplate'),
  CreateLaunchTemplateVersion: launchTemplate('CreateLaunchTemplateVersion'),
  ModifyInstanceMetadataDefaults: modifyImdsDefaults,
};
