/**
 * EC2 instance metadata (IMDS) events: ModifyInstanceMetadataOptions today.
 */
import type { CloudTrailRecord } from '../../core/types.ts';
import type { Extracted, Extractors, Json } from './common.ts';
import { accountOf, field, INSTANCE_ID, isObject, missing } from './common.ts';

export const EC2_EVENTS = {
  ModifyInstanceMetadataOptions: 'ec2.amazonaws.com',
} as const;

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

export type Ec2Subject = ModifyImdsSubject;

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

function modifyImds(record: CloudTrailRecord): Extracted<ModifyImdsSubject> {
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

export const EC2_EXTRACTORS: Extractors<Ec2Subject> = {
  ModifyInstanceMetadataOptions: modifyImds,
};
