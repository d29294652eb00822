/**
 * Builders for CloudTrail records in the exact shape CloudTrail writes them (checked against the records in
 * ../shared/corpus/target-events). There is no redistributable real PutRolePolicy record, so those are built
 * here from the seed documents.
 */
import { createHash } from 'node:crypto';

export const ACCOUNT = '123456789012';

export type Json = Record<string, unknown>;

export const identities = {
  admin: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEADMIN0001',
    arn: `arn:aws:iam::${ACCOUNT}:user/ops-admin`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAEXAMPLEADMIN0001',
    userName: 'ops-admin',
  },
  root: {
    type: 'Root',
    principalId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:root`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLEROOT00001',
  },
  aimodelshareAutomation: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEAIMS00001',
    arn: `arn:aws:iam::${ACCOUNT}:user/aimodelshare-admin`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAEXAMPLEAIMS00001',
    userName: 'aimodelshare-admin',
  },
  cmlService: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLECML000001',
    arn: `arn:aws:iam::${ACCOUNT}:user/cml-cloud-manager-service`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAEXAMPLECML000001',
    userName: 'cml-cloud-manager-service',
  },
  /** A user of the account with no say over other users' credentials. */
  intern: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEINTERN001',
    arn: `arn:aws:iam::${ACCOUNT}:user/intern`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAEXAMPLEINTERN001',
    userName: 'intern',
  },
  guardrail: assumedRole('guardrail-prod-remediator', 'guardrail-iam-events'),
  developer: assumedRole('AWSReservedSSO_AdministratorAccess_0123456789abcdef', 'dev@example.com'),
} as const;

export function assumedRole(roleName: string, session: string): Json {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE${roleName.length}:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${session}`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLESESSION01',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: `AROAEXAMPLE${roleName.length}`,
        arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
        accountId: ACCOUNT,
        userName: roleName,
      },
      webIdFederationData: {},
      attributes: { creationDate: '2026-11-20T10:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

/** A deterministic event id from the record's content, so fixtures are stable and distinct. */
function eventIdFor(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface RecordOptions {
  readonly eventName: string;
  readonly eventSource: string;
  readonly requestParameters: Json | null;
  readonly responseElements?: Json | null;
  readonly userIdentity?: Json;
  readonly eventTime?: string;
  readonly awsRegion?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly eventID?: string;
  readonly sourceIPAddress?: string;
}

export function record(options: RecordOptions): Json {
  const body = {
    eventVersion: '1.09',
    userIdentity: options.userIdentity ?? identities.admin,
    eventTime: options.eventTime ?? '2026-11-20T10:15:29Z',
    eventSource: options.eventSource,
    eventName: options.eventName,
    awsRegion: options.awsRegion ?? 'us-east-1',
    sourceIPAddress: options.sourceIPAddress ?? '203.0.113.10',
    userAgent:
      'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off md/command#iam.put-role-policy',
    ...(options.errorCode
      ? { errorCode: options.errorCode, errorMessage: options.errorMessage ?? 'failed' }
      : {}),
    requestParameters: options.requestParameters,
    responseElements: options.responseElements ?? null,
    requestID: eventIdFor(`req:${JSON.stringify(options)}`),
    eventID: options.eventID ?? eventIdFor(JSON.stringify(options)),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'iam.amazonaws.com',
    },
  };
  return body;
}

/** An EventBridge delivery of a record, as the Lambda handlers receive it. */
export function eventBridge(detail: Json): Json {
  const iam = detail.eventSource === 'iam.amazonaws.com';
  return {
    version: '0',
    id: eventIdFor(`eb:${String(detail.eventID)}`),
    'detail-type': 'AWS API Call via CloudTrail',
    source: iam ? 'aws.iam' : 'aws.ec2',
    account: ACCOUNT,
    time: detail.eventTime,
    region: detail.awsRegion,
    resources: [],
    detail,
  };
}

export function putRolePolicy(
  roleName: string,
  policyName: string,
  document: Json | string,
  extra: Partial<RecordOptions> = {},
): Json {
  return record({
    eventName: 'PutRolePolicy',
    eventSource: 'iam.amazonaws.com',
    requestParameters: {
      roleName,
      policyName,
      policyDocument: typeof document === 'string' ? document : JSON.stringify(document, null, 2),
    },
    ...extra,
  });
}

export function createUser(userName: string, extra: Partial<RecordOptions> = {}): Json {
  return record({
    eventName: 'CreateUser',
    eventSource: 'iam.amazonaws.com',
    requestParameters: { userName },
    responseElements: {
      user: {
        path: '/',
        userName,
        userId: 'AIDAEXAMPLENEWUSER01',
        arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
        createDate: 'Nov 20, 2026, 10:15:29 AM',
      },
    },
    ...extra,
  });
}

export function createAccessKey(
  userName: string | undefined,
  extra: Partial<RecordOptions> & { readonly accessKeyId?: string } = {},
): Json {
  const { accessKeyId = 'AKIAEXAMPLENEWKEY001', ...options } = extra;
  const owner = userName ?? (options.userIdentity as { userName?: string } | undefined)?.userName;
  return record({
    eventName: 'CreateAccessKey',
    eventSource: 'iam.amazonaws.com',
    requestParameters: userName ? { userName } : {},
    responseElements: {
      accessKey: {
        accessKeyId,
        status: 'Active',
        ...(owner ? { userName: owner } : {}),
        createDate: 'Nov 20, 2026, 10:15:29 AM',
      },
    },
    ...options,
  });
}

export function modifyImds(
  instanceId: string,
  request: { HttpTokens?: string; HttpPutResponseHopLimit?: number; HttpEndpoint?: string },
  resulting?: { httpTokens: string; httpPutResponseHopLimit: number; httpEndpoint: string },
  extra: Partial<RecordOptions> = {},
): Json {
  return record({
    eventName: 'ModifyInstanceMetadataOptions',
    eventSource: 'ec2.amazonaws.com',
    awsRegion: 'eu-west-1',
    requestParameters: { ModifyInstanceMetadataOptionsRequest: { InstanceId: instanceId, ...request } },
    responseElements: resulting
      ? {
          ModifyInstanceMetadataOptionsResponse: {
            xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
            requestId: '5b3ef7a3-cf7c-4a0b-9f6e-2a8a1c1e0001',
            instanceId,
            instanceMetadataOptions: {
              state: 'pending',
              ...resulting,
              httpProtocolIpv6: 'disabled',
              instanceMetadataTags: 'disabled',
            },
          },
        }
      : null,
    ...extra,
  });
}

const iamCall = (
  eventName: string,
  requestParameters: Json,
  extra: Partial<RecordOptions>,
  responseElements: Json | null = null,
): Json =>
  record({ eventName, eventSource: 'iam.amazonaws.com', requestParameters, responseElements, ...extra });

const documentText = (document: Json | string): string =>
  typeof document === 'string' ? document : JSON.stringify(document, null, 2);

export function putUserPolicy(
  userName: string,
  policyName: string,
  document: Json | string,
  extra: Partial<RecordOptions> = {},
): Json {
  return iamCall('PutUserPolicy', { userName, policyName, policyDocument: documentText(document) }, extra);
}

export function putGroupPolicy(
  groupName: string,
  policyName: string,
  document: Json | string,
  extra: Partial<RecordOptions> = {},
): Json {
  return iamCall('PutGroupPolicy', { groupName, policyName, policyDocument: documentText(document) }, extra);
}

/** Attach{Role,User,Group}Policy as CloudTrail writes it (responseElements null, as in the stratus-red-team records). */
export function attachPolicy(
  kind: 'Role' | 'User' | 'Group',
  name: string,
  policyArn: string,
  extra: Partial<RecordOptions> = {},
): Json {
  return iamCall(`Attach${kind}Policy`, { [`${kind.toLowerCase()}Name`]: name, policyArn }, extra);
}

export function detachPolicy(
  kind: 'Role' | 'User' | 'Group',
  name: string,
  policyArn: string,
  extra: Partial<RecordOptions> = {},
): Json {
  return iamCall(`Detach${kind}Policy`, { [`${kind.toLowerCase()}Name`]: name, policyArn }, extra);
}

export function addUserToGroup(
  userName: string,
  groupName: string,
  extra: Partial<RecordOptions> = {},
): Json {
  return iamCall('AddUserToGroup', { groupName, userName }, extra);
}

export function createGroup(groupName: string, extra: Partial<RecordOptions> = {}): Json {
  return iamCall('CreateGroup', { groupName }, extra, {
    group: {
      path: '/',
      groupName,
      groupId: 'AGPAEXAMPLEGROUP0001',
      arn: `arn:aws:iam::${ACCOUNT}:group/${groupName}`,
      createDate: 'Nov 20, 2026, 10:15:29 AM',
    },
  });
}

export const policyArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

/** CreatePolicy: the response names the ARN and the first version, v1 (IAM dates are not ISO). */
export function createPolicy(
  policyName: string,
  document: Json | string,
  extra: Partial<RecordOptions> = {},
): Json {
  return iamCall('CreatePolicy', { policyName, policyDocument: documentText(document) }, extra, {
    policy: {
      policyName,
      policyId: 'ANPAEXAMPLEPOLICY001',
      arn: policyArn(policyName),
      path: '/',
      defaultVersionId: 'v1',
      attachmentCount: 0,
      permissionsBoundaryUsageCount: 0,
      isAttachable: true,
      createDate: 'Nov 20, 2026, 10:15:29 AM',
      updateDate: 'Nov 20, 2026, 10:15:29 AM',
    },
  });
}

export function createPolicyVersion(
  arn: string,
  document: Json | string,
  versionId: string,
  setAsDefault: boolean,
  extra: Partial<RecordOptions> = {},
): Json {
  return iamCall(
    'CreatePolicyVersion',
    { policyArn: arn, policyDocument: documentText(document), setAsDefault },
    extra,
    {
      policyVersion: { versionId, isDefaultVersion: setAsDefault, createDate: 'Nov 20, 2026, 10:15:29 AM' },
    },
  );
}

export function setDefaultPolicyVersion(
  arn: string,
  versionId: string,
  extra: Partial<RecordOptions> = {},
): Json {
  return iamCall('SetDefaultPolicyVersion', { policyArn: arn, versionId }, extra);
}

export function putBoundary(
  kind: 'Role' | 'User',
  name: string,
  boundaryArn: string,
  extra: Partial<RecordOptions> = {},
): Json {
  return iamCall(
    `Put${kind}PermissionsBoundary`,
    { [`${kind.toLowerCase()}Name`]: name, permissionsBoundary: boundaryArn },
    extra,
  );
}

export function deleteBoundary(
  kind: 'Role' | 'User',
  name: string,
  extra: Partial<RecordOptions> = {},
): Json {
  return iamCall(`Delete${kind}PermissionsBoundary`, { [`${kind.toLowerCase()}Name`]: name }, extra);
}

/** A CloudTrail call on a trail (StopLogging, DeleteTrail, UpdateTrail...), in the trail's home region. */
export function trailCall(
  eventName: string,
  requestParameters: Json,
  responseElements: Json | null = null,
  extra: Partial<RecordOptions> = {},
): Json {
  return record({
    eventName,
    eventSource: 'cloudtrail.amazonaws.com',
    awsRegion: 'eu-west-1',
    requestParameters,
    responseElements,
    ...extra,
  });
}

/**
 * A call that changes a piece of guardrail's own stack (guardrail.tamper), in the central account's
 * eu-west-1: `eventName` as CloudTrail writes it (Lambda's with its API version, `DeleteFunction20150331`).
 */
export function stackCall(
  eventName: string,
  service: 'events' | 'lambda' | 'sns' | 'sqs' | 'dynamodb',
  requestParameters: Json,
  extra: Partial<RecordOptions> = {},
): Json {
  return record({
    eventName,
    eventSource: `${service}.amazonaws.com`,
    awsRegion: 'eu-west-1',
    requestParameters,
    ...extra,
  });
}

/** UpdateTrail as CloudTrail records it: the settings given, and the trail as it is after the call. */
export function updateTrail(name: string, settings: Json, extra: Partial<RecordOptions> = {}): Json {
  return trailCall(
    'UpdateTrail',
    { name, ...settings },
    {
      name,
      s3BucketName: 'org-cloudtrail-logs',
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: true,
      trailARN: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/${name}`,
      logFileValidationEnabled: true,
      isOrganizationTrail: false,
      ...settings,
    },
    extra,
  );
}

/** PutEventSelectors with basic (`eventSelectors`) or advanced (`advancedEventSelectors`) selectors. */
export function putEventSelectors(
  trailName: string,
  selectors: Json,
  extra: Partial<RecordOptions> = {},
): Json {
  return trailCall(
    'PutEventSelectors',
    { trailName, ...selectors },
    { trailARN: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/${trailName}`, ...selectors },
    extra,
  );
}

/** CreateRole as CloudTrail writes it: the trust policy as JSON text in the request, URL-encoded in the response. */
export function createRole(
  roleName: string,
  trust: Json | string,
  extra: Partial<RecordOptions> & { readonly path?: string } = {},
): Json {
  const text = typeof trust === 'string' ? trust : JSON.stringify(trust, null, 2);
  const { path = '/', ...options } = extra;
  return record({
    eventName: 'CreateRole',
    eventSource: 'iam.amazonaws.com',
    requestParameters: { roleName, assumeRolePolicyDocument: text, ...(path !== '/' ? { path } : {}) },
    responseElements: {
      role: {
        path,
        roleName,
        roleId: 'AROAEXAMPLENEWROLE01',
        arn: `arn:aws:iam::${ACCOUNT}:role${path}${roleName}`,
        createDate: 'Nov 20, 2026, 10:15:29 AM',
        assumeRolePolicyDocument: encodeURIComponent(text),
      },
    },
    ...options,
  });
}

export function updateAssumeRolePolicy(
  roleName: string,
  trust: Json | string,
  extra: Partial<RecordOptions> = {},
): Json {
  return record({
    eventName: 'UpdateAssumeRolePolicy',
    eventSource: 'iam.amazonaws.com',
    requestParameters: {
      roleName,
      policyDocument: typeof trust === 'string' ? trust : JSON.stringify(trust, null, 2),
    },
    ...extra,
  });
}

/** A trust policy letting one service assume a role, as the seeds write it. */
export function serviceTrust(...services: string[]): Json {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: services.length === 1 ? services[0] : services },
        Action: 'sts:AssumeRole',
      },
    ],
  };
}

/** CreateLoginProfile / UpdateLoginProfile: CloudTrail never carries the password. */
export function loginProfile(
  eventName: 'CreateLoginProfile' | 'UpdateLoginProfile',
  userName: string | undefined,
  extra: Partial<RecordOptions> = {},
): Json {
  const owner = userName ?? (extra.userIdentity as { userName?: string } | undefined)?.userName;
  return record({
    eventName,
    eventSource: 'iam.amazonaws.com',
    requestParameters: { ...(userName ? { userName } : {}), passwordResetRequired: false },
    responseElements:
      eventName === 'CreateLoginProfile'
        ? {
            loginProfile: {
              ...(owner ? { userName: owner } : {}),
              createDate: 'Nov 20, 2026, 10:15:29 AM',
              passwordResetRequired: false,
            },
          }
        : null,
    ...extra,
  });
}

export function deleteAccessKey(
  userName: string | undefined,
  accessKeyId: string,
  extra: Partial<RecordOptions> = {},
): Json {
  return record({
    eventName: 'DeleteAccessKey',
    eventSource: 'iam.amazonaws.com',
    requestParameters: { ...(userName ? { userName } : {}), accessKeyId },
    ...extra,
  });
}

export function updateAccessKey(
  userName: string | undefined,
  accessKeyId: string,
  status: 'Active' | 'Inactive',
  extra: Partial<RecordOptions> = {},
): Json {
  return record({
    eventName: 'UpdateAccessKey',
    eventSource: 'iam.amazonaws.com',
    requestParameters: { ...(userName ? { userName } : {}), accessKeyId, status },
    ...extra,
  });
}
