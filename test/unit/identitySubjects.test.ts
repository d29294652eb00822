/** Subjects of the trust and identity events: roles and their trust, console passwords, key changes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateInputs } from '../../src/cli/evaluate.ts';
import { renderText } from '../../src/cli/render.ts';
import type { CloudTrailRecord } from '../../src/core/types.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import { extractSubject } from '../../src/events/subjects/index.ts';
import { renderEvent } from '../../src/notify/render.ts';
import { exampleBaseline } from '../helpers/baseline.ts';
import type { Json } from '../helpers/records.ts';
import {
  ACCOUNT,
  createRole,
  deleteAccessKey,
  identities,
  loginProfile,
  serviceTrust,
  updateAccessKey,
  updateAssumeRolePolicy,
} from '../helpers/records.ts';

function record(json: Json): CloudTrailRecord {
  const checked = checkRecord(json);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.record;
}

const subjectOf = (json: Json) => extractSubject(record(json));
const ec2 = serviceTrust('ec2.amazonaws.com');

describe('CreateRole and UpdateAssumeRolePolicy', () => {
  it('reads the trust policy from the request, the role ARN and path from the response', () => {
    const result = subjectOf(createRole('ops-tools', ec2, { path: '/ops/' }));
    expect(result).toMatchObject({
      ok: true,
      subject: {
        kind: 'CreateRole',
        roleName: 'ops-tools',
        roleArn: `arn:aws:iam::${ACCOUNT}:role/ops/ops-tools`,
        path: '/ops/',
        trust: { ok: true, policy: { statements: [{ principals: [{ kind: 'service' }] }] } },
      },
    });
  });

  it("falls back to the response's URL-encoded document when the request's is missing", () => {
    const json = createRole('ops-tools', ec2);
    const request = { ...(json.requestParameters as Json) };
    delete request.assumeRolePolicyDocument;
    const result = subjectOf({ ...json, requestParameters: request });
    expect(result.ok && result.subject.kind === 'CreateRole' && result.subject.trust.ok).toBe(true);
  });

  it('keeps a role whose trust cannot be read as a subject, saying why', () => {
    const result = subjectOf(updateAssumeRolePolicy('XploreEC2Role', '{"Statement": [{"Effect": "Allow"}]}'));
    expect(result).toMatchObject({
      ok: true,
      subject: {
        kind: 'UpdateAssumeRolePolicy',
        roleArn: `arn:aws:iam::${ACCOUNT}:role/XploreEC2Role`,
        trust: {
          ok: false,
          reason:
            'requestParameters.policyDocument: Statement[0]: expected exactly one of Principal or NotPrincipal',
        },
      },
    });
    const missing = subjectOf({
      ...updateAssumeRolePolicy('XploreEC2Role', ec2),
      requestParameters: { roleName: 'XploreEC2Role' },
    });
    expect(missing).toMatchObject({
      subject: { trust: { ok: false, reason: 'requestParameters.policyDocument: missing' } },
    });
  });

  it('skips a record whose role name IAM could never have accepted', () => {
    expect(subjectOf(createRole('bad name!', ec2))).toEqual({
      ok: false,
      reason: 'requestParameters.roleName: not a valid IAM name',
    });
    expect(subjectOf(createRole('ok', ec2, { path: 'no-slashes' }))).toEqual({
      ok: false,
      reason: 'requestParameters.path: not an IAM path',
    });
  });
});

describe('CreateLoginProfile and UpdateLoginProfile', () => {
  it('names the user from the response, the request, or the caller', () => {
    expect(subjectOf(loginProfile('CreateLoginProfile', 'bob'))).toMatchObject({
      subject: { kind: 'CreateLoginProfile', userName: 'bob', forSelf: false, passwordResetRequired: false },
    });
    expect(
      subjectOf(loginProfile('UpdateLoginProfile', undefined, { userIdentity: identities.cmlService })),
    ).toMatchObject({
      subject: {
        userName: 'cml-cloud-manager-service',
        userArn: `arn:aws:iam::${ACCOUNT}:user/cml-cloud-manager-service`,
        forSelf: true,
      },
    });
    expect(
      subjectOf(loginProfile('CreateLoginProfile', undefined, { userIdentity: identities.root })),
    ).toMatchObject({
      subject: { userName: null, userArn: `arn:aws:iam::${ACCOUNT}:root` },
    });
    expect(
      subjectOf(
        loginProfile('UpdateLoginProfile', undefined, {
          userIdentity: identities.developer as unknown as Json,
        }),
      ),
    ).toEqual({
      ok: false,
      reason: 'requestParameters.userName: missing, and the caller is not an IAM user or root',
    });
  });

  const PASSWORD = 'Hunter2-Correct-Horse-9!';
  it.each([
    ['a password in the request', { password: PASSWORD, userName: 'cml-cloud-manager-service' }, null],
    ['a password beside a malformed user name', { password: PASSWORD, userName: `x ${PASSWORD}` }, null],
    [
      'a password in the response',
      { userName: 'bob' },
      { loginProfile: { userName: 'bob', password: PASSWORD, createDate: 'Nov 20, 2026, 10:15:29 AM' } },
    ],
  ])('never prints a password, even from a malformed record: %s', async (_name, request, response) => {
    const json = {
      ...loginProfile('CreateLoginProfile', 'bob'),
      requestParameters: request,
      responseElements: response,
    };
    const result = evaluate(record(json), exampleBaseline());
    const printed = [JSON.stringify(result)];
    if (result.kind === 'evaluated') {
      if (result.findings.length > 0) printed.push(JSON.stringify(renderEvent(result.findings)));
    }
    const file = join(mkdtempSync(join(tmpdir(), 'guardrail-password-')), 'trail.json');
    writeFileSync(file, JSON.stringify({ Records: [json] }));
    const output = await evaluateInputs([file], exampleBaseline());
    printed.push(JSON.stringify(output), renderText(output.findings, output.skipped, output.suppressed));
    for (const text of printed) expect(text).not.toContain('Hunter2');
  });
});

describe('DeleteAccessKey and UpdateAccessKey', () => {
  it("name the key and its user (the caller's own key when no user is given)", () => {
    expect(subjectOf(deleteAccessKey('svc', 'AKIAEXAMPLEKEY000001'))).toEqual({
      ok: true,
      subject: { kind: 'DeleteAccessKey', userName: 'svc', accessKeyId: 'AKIAEXAMPLEKEY000001' },
    });
    expect(
      subjectOf(
        updateAccessKey(undefined, 'AKIAEXAMPLEKEY000001', 'Inactive', {
          userIdentity: identities.cmlService,
        }),
      ),
    ).toEqual({
      ok: true,
      subject: {
        kind: 'UpdateAccessKey',
        userName: 'cml-cloud-manager-service',
        accessKeyId: 'AKIAEXAMPLEKEY000001',
        status: 'Inactive',
      },
    });
    expect(
      subjectOf({
        ...updateAccessKey('svc', 'AKIAEXAMPLEKEY000001', 'Active'),
        requestParameters: { userName: 'svc', accessKeyId: 'AKIAEXAMPLEKEY000001', status: 'On' },
      }),
    ).toEqual({
      ok: false,
      reason: 'requestParameters.status: expected Active or Inactive',
    });
  });

  it('are learned, judged by no rule: evaluated quietly', () => {
    const result = evaluate(
      record(deleteAccessKey('cml-cloud-manager-service', 'AKIAEXAMPLEKEY000001')),
      exampleBaseline(),
    );
    expect(result).toEqual({ kind: 'evaluated', findings: [], suppressed: [] });
  });
});
