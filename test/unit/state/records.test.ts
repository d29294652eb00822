/**
 * The records the scan makes from state are CloudTrail records: they pass the boundary check every input
 * passes, the extractors of this build read the ones it watches, and each event's request parameters are named
 * as in the real CloudTrail records of the corpus.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRecord } from '../../../src/events/record.ts';
import { extractSubject, isWatchedEvent } from '../../../src/events/subjects/index.ts';
import { cloudTrailDate, stateRecords } from '../../../src/state/records.ts';
import { CORPUS_MISSING, corpus, corpusPath } from '../../helpers/corpus.ts';
import { ACCOUNT } from '../../helpers/records.ts';
import {
  accountState,
  customerPolicy,
  group,
  instance,
  key,
  policy,
  role,
  SCAN_TIME,
  user,
} from '../../helpers/state.ts';

const S3_READ = policy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);

/** A state with one of everything the scan turns into a record. */
const RICH = accountState({
  users: [
    user('alice', {
      password: true,
      keys: [key('AKIAALICE1', '2026-02-01T10:00:00.000Z'), { accessKeyId: 'AKIAOFF', status: 'Inactive' }],
      groups: ['devs'],
      inlinePolicies: [{ name: 'inline', document: S3_READ }],
      attachedPolicies: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' }],
      boundary: `arn:aws:iam::${ACCOUNT}:policy/Boundary`,
      tags: { team: 'data' },
    }),
  ],
  rootAccessKeys: [{ slot: 1, createdAt: '2020-01-01T00:00:00.000Z' }],
  roles: [
    role('app', {
      inlinePolicies: [{ name: 'p', document: S3_READ }],
      attachedPolicies: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/Shared`, name: 'Shared' }],
      boundary: `arn:aws:iam::${ACCOUNT}:policy/Boundary`,
      description: 'the app',
    }),
    role('unbounded'),
  ],
  groups: [
    group('devs', {
      inlinePolicies: [{ name: 'g', document: S3_READ }],
      attachedPolicies: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/Shared`, name: 'Shared' }],
    }),
  ],
  policies: [customerPolicy('Shared', S3_READ)],
  regions: [
    {
      region: 'eu-west-1',
      instances: [
        instance('i-0123456789abcdef0', { httpTokens: 'optional', hopLimit: 2, httpEndpoint: 'enabled' }),
      ],
      metadataDefaults: { httpTokens: 'required', hopLimit: 2 },
    },
  ],
});

const records = stateRecords(RICH, {
  now: SCAN_TIME,
  expectsBoundary: (principal) => principal.name === 'unbounded',
});

describe('records made from state', () => {
  it('stand for every piece of state, in a stable order', () => {
    expect(records.map(({ record }) => record.eventName)).toEqual([
      'CreateUser',
      'CreateLoginProfile',
      'CreateAccessKey',
      'AddUserToGroup',
      'PutUserPolicy',
      'AttachUserPolicy',
      'PutUserPermissionsBoundary',
      'CreateAccessKey',
      'CreateRole',
      'PutRolePolicy',
      'AttachRolePolicy',
      'PutRolePermissionsBoundary',
      'CreateRole',
      'DeleteRolePermissionsBoundary',
      'CreateGroup',
      'PutGroupPolicy',
      'AttachGroupPolicy',
      'CreatePolicy',
      'ModifyInstanceMetadataOptions',
      'ModifyInstanceMetadataDefaults',
    ]);
    expect(new Set(records.map(({ record }) => record.eventID)).size).toBe(records.length);
    expect(stateRecords(RICH, { now: SCAN_TIME, expectsBoundary: (p) => p.name === 'unbounded' })).toEqual(
      records,
    );
  });

  it('pass the boundary check every CloudTrail input passes, and the extractors of the events this build watches', () => {
    for (const { record } of records) {
      const checked = checkRecord(JSON.parse(JSON.stringify(record)));
      expect(checked.ok, `${record.eventName}: ${checked.ok ? '' : checked.reason}`).toBe(true);
      if (!isWatchedEvent(record)) continue;
      const subject = extractSubject(record);
      expect(subject.ok, `${record.eventName}: ${subject.ok ? '' : subject.reason}`).toBe(true);
    }
  });

  it('date each piece of state by its own creation where it has one, else by the scan', () => {
    const at = (name: string) => records.find(({ record }) => record.eventName === name)?.record.eventTime;
    expect(at('CreateUser')).toBe('2026-11-01T00:00:00.000Z');
    expect(at('CreateAccessKey')).toBe('2026-02-01T10:00:00.000Z');
    expect(at('PutUserPolicy')).toBe(SCAN_TIME);
    expect(records.filter(({ record }) => record.eventName === 'CreateAccessKey')).toHaveLength(2);
  });

  it("judge the user's own key and password as the user's, the root's key as root's, the rest as nobody's", () => {
    const identity = (name: string, nth = 0) =>
      records.filter(({ record }) => record.eventName === name)[nth]?.record.userIdentity;
    expect(identity('CreateAccessKey')).toMatchObject({ type: 'IAMUser', userName: 'alice' });
    expect(identity('CreateLoginProfile')).toMatchObject({ type: 'IAMUser', userName: 'alice' });
    expect(identity('CreateAccessKey', 1)).toMatchObject({
      type: 'Root',
      arn: `arn:aws:iam::${ACCOUNT}:root`,
    });
    expect(identity('PutRolePolicy')).toEqual({ type: 'Unknown', accountId: ACCOUNT });
  });

  it('write IAM dates as CloudTrail does, not as ISO', () => {
    expect(cloudTrailDate('2024-08-01T13:33:28.000Z')).toBe('Aug 1, 2024 1:33:28 PM');
    expect(cloudTrailDate('2026-11-20T00:05:09.000Z')).toBe('Nov 20, 2026 12:05:09 AM');
    const key = records.find(({ record }) => record.eventName === 'CreateAccessKey')?.record.responseElements;
    expect(key).toMatchObject({ accessKey: { createDate: 'Feb 1, 2026 10:00:00 AM', status: 'Active' } });
  });

  // Request parameters an API takes that the corpus records happen not to use.
  const OPTIONAL: Readonly<Record<string, readonly string[]>> = {
    CreateUser: ['path'],
    CreateRole: ['path', 'description'],
    ModifyInstanceMetadataOptions: [],
  };

  it.runIf(corpus !== undefined)('name their request parameters as the real records of the corpus do', () => {
    const real = new Map<string, Record<string, unknown>>();
    const files = [
      'target-events/stratus-red-team/aws.persistence.iam-create-admin-user.json',
      'target-events/stratus-red-team/aws.persistence.iam-create-backdoor-role.json',
      'target-events/stratus-red-team/aws.persistence.iam-create-user-login-profile.json',
      'target-events/eventbridge-ModifyInstanceMetadataOptions-flatiron.json',
    ];
    for (const file of files) {
      const data = JSON.parse(readFileSync(corpusPath(file), 'utf8')) as {
        Records?: unknown[];
        detail?: unknown;
      };
      for (const record of data.Records ?? [data.detail]) {
        const r = record as { eventName: string; requestParameters?: Record<string, unknown> };
        if (r.requestParameters && !real.has(r.eventName)) real.set(r.eventName, r.requestParameters);
      }
    }
    const keys = (value: unknown): string[] =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => [k, ...keys(v).map((inner) => `${k}.${inner}`)])
        : [];
    let compared = 0;
    for (const { record } of records) {
      const realParameters = real.get(record.eventName);
      if (!realParameters) continue;
      compared += 1;
      const allowed = new Set([...keys(realParameters), ...(OPTIONAL[record.eventName] ?? [])]);
      const ours = keys(record.requestParameters).filter(
        (k) => !/^(tags|ModifyInstanceMetadataOptionsRequest)\./.test(k),
      );
      for (const name of ours) expect(allowed, `${record.eventName}.${name}`).toContain(name);
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });

  it.skipIf(corpus !== undefined)(CORPUS_MISSING, () => {});
});
