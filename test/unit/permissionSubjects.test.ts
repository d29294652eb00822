/**
 * The subjects of the permission events: what each record is about, read from the shapes CloudTrail writes
 * (the stratus-red-team records, CreatePolicy and CreatePolicyVersion responses), and a one-line reason for
 * anything that cannot come from a successful call. Event fields are attacker-controlled: no input throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRecord } from '../../src/events/record.ts';
import { IAM_POLICY_EVENTS } from '../../src/events/subjects/iam-policies.ts';
import type { SubjectResult } from '../../src/events/subjects/index.ts';
import { extractSubject } from '../../src/events/subjects/index.ts';
import type { Json } from '../helpers/records.ts';
import {
  addUserToGroup,
  attachPolicy,
  createPolicy,
  createPolicyVersion,
  deleteBoundary,
  policyArn,
  putBoundary,
  putUserPolicy,
  record,
  setDefaultPolicyVersion,
} from '../helpers/records.ts';

function subjectOf(json: Json): SubjectResult {
  const checked = checkRecord(json);
  if (!checked.ok) throw new Error(checked.reason);
  return extractSubject(checked.record);
}

describe('permission event subjects', () => {
  it('reads attachments, puts, group joins and boundaries with the principal and its ARN', () => {
    expect(
      subjectOf(attachPolicy('User', 'malicious-iam-user', 'arn:aws:iam::aws:policy/AdministratorAccess')),
    ).toEqual({
      ok: true,
      subject: {
        kind: 'AttachUserPolicy',
        principal: {
          kind: 'user',
          name: 'malicious-iam-user',
          arn: 'arn:aws:iam::123456789012:user/malicious-iam-user',
        },
        policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      },
    });
    expect(subjectOf(putUserPolicy('dev', 'p', { Version: '2012-10-17', Statement: [] }))).toEqual({
      ok: false,
      reason: 'requestParameters.policyDocument: Statement: expected at least one statement',
    });
    expect(subjectOf(addUserToGroup('dev', 'admins'))).toMatchObject({
      ok: true,
      subject: {
        principal: { kind: 'user', name: 'dev' },
        group: { kind: 'group', name: 'admins', arn: 'arn:aws:iam::123456789012:group/admins' },
      },
    });
    expect(subjectOf(putBoundary('Role', 'r', policyArn('Boundary')))).toMatchObject({
      ok: true,
      subject: { kind: 'PutRolePermissionsBoundary', boundaryArn: policyArn('Boundary') },
    });
    expect(subjectOf(deleteBoundary('User', 'u'))).toMatchObject({
      ok: true,
      subject: { principal: { kind: 'user', name: 'u' } },
    });
  });

  it("reads a new policy's ARN from IAM's response and its first version", () => {
    expect(
      subjectOf(
        createPolicy('ImageGeneratorS3Access', {
          Version: '2012-10-17',
          Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        }),
      ),
    ).toMatchObject({
      ok: true,
      subject: { kind: 'CreatePolicy', policyArn: policyArn('ImageGeneratorS3Access'), versionId: 'v1' },
    });
    // Without a response (a record cut short), the ARN comes from the request's path and name.
    const bare = createPolicy('P', {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    });
    const withPath = {
      ...bare,
      requestParameters: { ...(bare.requestParameters as Json), path: '/team/' },
      responseElements: null,
    };
    expect(subjectOf(withPath)).toMatchObject({
      ok: true,
      subject: { policyArn: 'arn:aws:iam::123456789012:policy/team/P' },
    });
  });

  it('a new version is the default when the request or the response says so', () => {
    const version = createPolicyVersion(
      policyArn('P'),
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } },
      'v2',
      false,
    );
    expect(subjectOf(version)).toMatchObject({ ok: true, subject: { setAsDefault: false, versionId: 'v2' } });
    const reported = {
      ...version,
      responseElements: { policyVersion: { versionId: 'v2', isDefaultVersion: true } },
    };
    expect(subjectOf(reported)).toMatchObject({ ok: true, subject: { setAsDefault: true } });
    const asText = {
      ...version,
      requestParameters: { ...(version.requestParameters as Json), setAsDefault: 'true' },
    };
    expect(subjectOf(asText)).toMatchObject({ ok: true, subject: { setAsDefault: true } });
  });

  it('names what cannot come from a successful call', () => {
    expect(subjectOf(attachPolicy('Role', 'r', 'arn:aws:s3:::bucket'))).toEqual({
      ok: false,
      reason: 'requestParameters.policyArn: not an IAM policy ARN',
    });
    expect(subjectOf(setDefaultPolicyVersion(policyArn('P'), 'latest'))).toEqual({
      ok: false,
      reason: 'requestParameters.versionId: not a policy version id (v1, v2...)',
    });
    expect(subjectOf(attachPolicy('Group', 'bad name!', policyArn('P')))).toEqual({
      ok: false,
      reason: 'requestParameters.groupName: not a valid IAM name',
    });
    expect(
      subjectOf(
        record({
          eventName: 'AddUserToGroup',
          eventSource: 'iam.amazonaws.com',
          requestParameters: { userName: 'u' },
        }),
      ),
    ).toEqual({
      ok: false,
      reason: 'requestParameters.groupName: missing',
    });
  });

  it('never throws, whatever the request and response hold', () => {
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom('arn:aws:iam::aws:policy/X', policyArn('P'), 'v1', 'v0', '/', 'a/b'),
      fc.boolean(),
      fc.integer(),
      fc.constant(null),
      fc.dictionary(fc.string(), fc.string()),
    );
    const keys = fc.constantFrom(
      'roleName',
      'userName',
      'groupName',
      'policyName',
      'policyArn',
      'policyDocument',
      'versionId',
      'setAsDefault',
      'permissionsBoundary',
      'path',
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(IAM_POLICY_EVENTS)),
        fc.dictionary(keys, value),
        fc.option(
          fc.dictionary(fc.constantFrom('policy', 'policyVersion'), fc.dictionary(fc.string(), value)),
          { nil: null },
        ),
        (eventName, requestParameters, responseElements) => {
          const result = subjectOf(
            record({ eventName, eventSource: 'iam.amazonaws.com', requestParameters, responseElements }),
          );
          if (!result.ok) expect(result.reason).toMatch(/^(requestParameters|responseElements)\.[\w.]+: .+/);
          else expect(result.subject.kind).toBe(eventName);
        },
      ),
      { numRuns: 500 },
    );
  });
});
