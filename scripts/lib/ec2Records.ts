/**
 * Builders for the EC2 launch and IMDS-default records, in the shapes CloudTrail writes: RunInstances with
 * lower-case keys and `{items: [...]}` lists (as ../shared/corpus/target-events/eventbridge-RunInstances-
 * flatiron.json), the newer APIs nested under `<Operation>Request` with capitalised keys and query-style lists
 * (`TagSpecification: {tag: 1, ResourceType, Tag: {...}}`).
 */
import type { Json, RecordOptions } from './records.ts';
import { ACCOUNT, record } from './records.ts';

export type Tags = Readonly<Record<string, string>>;

export interface MetadataOptions {
  readonly httpTokens?: string;
  readonly httpPutResponseHopLimit?: number;
  readonly httpEndpoint?: string;
}

export interface Launched {
  readonly id: string;
  /** What the response reports; absent: no metadataOptions in the response (older records). */
  readonly metadataOptions?: MetadataOptions;
  /** The response's tagSet; absent: none. */
  readonly tags?: Tags;
}

export interface RunRequest {
  readonly metadataOptions?: MetadataOptions;
  /** Tag specifications for the instances. */
  readonly tags?: Tags;
  readonly launchTemplate?: { readonly launchTemplateId: string; readonly version?: string };
  readonly count?: number;
}

const tagList = (tags: Tags) => Object.entries(tags).map(([key, value]) => ({ key, value }));

export function runInstances(
  launched: readonly Launched[],
  request: RunRequest = {},
  extra: Partial<RecordOptions> = {},
): Json {
  const count = request.count ?? launched.length;
  return record({
    eventName: 'RunInstances',
    eventSource: 'ec2.amazonaws.com',
    awsRegion: 'eu-west-1',
    requestParameters: {
      instancesSet: { items: [{ imageId: 'ami-0c55b159cbfafe1f0', minCount: count, maxCount: count }] },
      instanceType: 't3.large',
      blockDeviceMapping: {},
      monitoring: { enabled: false },
      disableApiTermination: false,
      disableApiStop: false,
      clientToken: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      ...(request.metadataOptions ? { metadataOptions: request.metadataOptions } : {}),
      ...(request.launchTemplate ? { launchTemplate: request.launchTemplate } : {}),
      ...(request.tags
        ? { tagSpecificationSet: { items: [{ resourceType: 'instance', tags: tagList(request.tags) }] } }
        : {}),
    },
    responseElements: {
      requestId: 'da2549b5-1cfa-4312-a9c5-2343cf561dd9',
      reservationId: 'r-0a1b2c3d4e5f60718',
      ownerId: ACCOUNT,
      groupSet: {},
      instancesSet: {
        items: launched.map((instance, index) => ({
          instanceId: instance.id,
          imageId: 'ami-0c55b159cbfafe1f0',
          instanceState: { code: 0, name: 'pending' },
          amiLaunchIndex: index,
          instanceType: 't3.large',
          launchTime: 1_795_169_729_000,
          ...(instance.tags ? { tagSet: { items: tagList(instance.tags) } } : {}),
          ...(instance.metadataOptions
            ? { metadataOptions: { state: 'pending', ...instance.metadataOptions } }
            : {}),
        })),
      },
    },
    ...extra,
  });
}

export interface TemplateData {
  readonly MetadataOptions?: {
    readonly HttpTokens?: string;
    readonly HttpPutResponseHopLimit?: number;
    readonly HttpEndpoint?: string;
  };
  /** Instance tags, written as the query-style list CloudTrail records. */
  readonly instanceTags?: Tags;
}

function templateData(data: TemplateData): Json {
  const tags = Object.entries(data.instanceTags ?? {}).map(([Key, Value], i) => ({ tag: i + 1, Key, Value }));
  return {
    ImageId: 'ami-0c55b159cbfafe1f0',
    InstanceType: 't3.large',
    ...(data.MetadataOptions ? { MetadataOptions: data.MetadataOptions } : {}),
    ...(tags.length > 0
      ? { TagSpecification: { tag: 1, ResourceType: 'instance', Tag: tags.length === 1 ? tags[0] : tags } }
      : {}),
  };
}

export function createLaunchTemplate(
  name: string,
  data: TemplateData,
  templateId = 'lt-0abcd290751193123',
  extra: Partial<RecordOptions> = {},
): Json {
  return record({
    eventName: 'CreateLaunchTemplate',
    eventSource: 'ec2.amazonaws.com',
    awsRegion: 'eu-west-1',
    requestParameters: {
      CreateLaunchTemplateRequest: {
        LaunchTemplateName: name,
        LaunchTemplateData: templateData(data),
        ClientToken: 'terraform-20261120101529000000000001',
      },
    },
    responseElements: {
      CreateLaunchTemplateResponse: {
        xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
        requestId: '7e1b8c2a-0f3d-4a5b-9c6d-1e2f3a4b5c6d',
        launchTemplate: {
          launchTemplateId: templateId,
          launchTemplateName: name,
          createTime: 'Nov 20, 2026, 10:15:29 AM',
          createdBy: `arn:aws:iam::${ACCOUNT}:user/ops-admin`,
          defaultVersionNumber: 1,
          latestVersionNumber: 1,
        },
      },
    },
    ...extra,
  });
}

export function createLaunchTemplateVersion(
  templateId: string,
  data: TemplateData,
  options: { readonly version: number; readonly sourceVersion?: string; readonly name?: string } = {
    version: 2,
  },
  extra: Partial<RecordOptions> = {},
): Json {
  return record({
    eventName: 'CreateLaunchTemplateVersion',
    eventSource: 'ec2.amazonaws.com',
    awsRegion: 'eu-west-1',
    requestParameters: {
      CreateLaunchTemplateVersionRequest: {
        LaunchTemplateId: templateId,
        ...(options.sourceVersion ? { SourceVersion: options.sourceVersion } : {}),
        VersionDescription: 'guardrail test',
        LaunchTemplateData: templateData(data),
      },
    },
    responseElements: {
      CreateLaunchTemplateVersionResponse: {
        xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
        requestId: '3c2b1a09-8f7e-4d6c-b5a4-9382716f5e4d',
        launchTemplateVersion: {
          launchTemplateId: templateId,
          launchTemplateName: options.name ?? 'web',
          versionNumber: options.version,
          defaultVersion: false,
          createTime: 'Nov 20, 2026, 10:15:29 AM',
          createdBy: `arn:aws:iam::${ACCOUNT}:user/ops-admin`,
        },
      },
    },
    ...extra,
  });
}

export function modifyImdsDefaults(
  request: {
    readonly HttpTokens?: string;
    readonly HttpPutResponseHopLimit?: number;
    readonly HttpEndpoint?: string;
    readonly InstanceMetadataTags?: string;
  },
  extra: Partial<RecordOptions> = {},
): Json {
  return record({
    eventName: 'ModifyInstanceMetadataDefaults',
    eventSource: 'ec2.amazonaws.com',
    awsRegion: 'eu-west-1',
    requestParameters: { ModifyInstanceMetadataDefaultsRequest: request },
    responseElements: {
      ModifyInstanceMetadataDefaultsResponse: {
        xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
        requestId: 'a1b2c3d4-e5f6-4789-8abc-def012345678',
        return: true,
      },
    },
    ...extra,
  });
}
