import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/engine/evaluate.ts';
import { checkRecord } from '../../../src/events/record.ts';
import { actionCatalogue } from '../../../src/policy/catalogue.ts';
import { ESCALATION_PATHS, escalationsIn } from '../../../src/policy/privesc.ts';
import { baselineFrom, exampleBaseline } from '../../helpers/baseline.ts';
import { envelopeOf } from '../../helpers/policy.ts';
import { putRolePolicy } from '../../helpers/records.ts';

const allow = (actions: string[], resource: string | string[] = '*') => ({
  Effect: 'Allow',
  Action: actions,
  Resource: resource,
});
const ids = (statements: ReturnType<typeof envelopeOf>, approved: ReturnType<typeof envelopeOf> = []) =>
  escalationsIn(statements, approved).map((hit) => hit.id);
const firstOption = (entry: string | readonly string[]): string =>
  typeof entry === 'string' ? entry : (entry[0] as string);

describe('the escalation path catalogue', () => {
  it('is data: unique ids, a reason and a reference each, only actions of the IAM catalogue', () => {
    expect(ESCALATION_PATHS.length).toBeGreaterThanOrEqual(21);
    expect(new Set(ESCALATION_PATHS.map((p) => p.id)).size).toBe(ESCALATION_PATHS.length);
    const catalogue = actionCatalogue();
    for (const path of ESCALATION_PATHS) {
      expect(path.why.length, path.id).toBeGreaterThan(20);
      expect(path.reference, path.id).toMatch(/^https:\/\//);
      for (const action of path.actions.flatMap((entry) => (typeof entry === 'string' ? [entry] : entry))) {
        expect(catalogue.byKey.has(action.toLowerCase()), `${path.id}: ${action}`).toBe(true);
      }
    }
  });

  it.each(ESCALATION_PATHS.map((path) => [path.id, path] as const))(
    '%s fires on exactly its actions',
    (_id, path) => {
      const actions = path.actions.map(firstOption);
      expect(ids(envelopeOf(allow(actions)))).toContain(path.id);
      if (actions.length > 1) {
        // Any one action missing: this path does not fire.
        for (const missing of actions) {
          expect(ids(envelopeOf(allow(actions.filter((a) => a !== missing))))).not.toContain(path.id);
        }
      }
    },
  );

  it('accepts any one of the alternatives of a step', () => {
    expect(ids(envelopeOf(allow(['iam:PassRole', 'ec2:RequestSpotInstances'])))).toContain(
      'ec2-run-instances-with-role',
    );
    expect(ids(envelopeOf(allow(['ssm:StartSession'], 'arn:aws:ec2:*:*:instance/*')))).toContain(
      'ssm-command-on-instances',
    );
  });

  it('reads wildcards and NotAction through the catalogue', () => {
    expect(ids(envelopeOf(allow(['iam:Put*Policy'])))).toEqual([
      'iam-put-user-policy',
      'iam-put-group-policy',
      'iam-put-role-policy',
    ]);
    expect(ids(envelopeOf({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }))).not.toContain(
      'iam-create-access-key',
    );
    expect(ids(envelopeOf({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }))).toContain(
      'iam-create-access-key',
    );
  });

  it('wants PassRole and AssumeRole on every role before calling them paths on their own', () => {
    expect(ids(envelopeOf(allow(['iam:PassRole'], 'arn:aws:iam::123456789012:role/app-task')))).toEqual([]);
    expect(ids(envelopeOf(allow(['iam:PassRole'], 'arn:aws:iam::123456789012:role/*')))).toEqual([
      'iam-pass-any-role',
    ]);
    expect(ids(envelopeOf(allow(['sts:AssumeRole'], 'arn:aws:iam::123456789012:role/deployer')))).toEqual([]);
  });

  it('completes a path with what the baseline already grants, but never reports an approved path alone', () => {
    const approved = envelopeOf(
      allow(['lambda:CreateFunction', 'lambda:InvokeFunction'], 'arn:aws:lambda:*:*:function:*'),
    );
    const hits = escalationsIn(
      envelopeOf(allow(['iam:PassRole'], 'arn:aws:iam::123456789012:role/app-*')),
      approved,
    );
    expect(hits.map((h) => h.id)).toEqual(['lambda-create-and-invoke']);
    const by = (resource: string) => [{ statement: 'roles.test.permissions[0]', resources: [resource] }];
    expect(hits[0]?.grants).toEqual([
      {
        action: 'iam:PassRole',
        statements: ['roles.test.permissions[0]'],
        grantedBy: by('arn:aws:iam::123456789012:role/app-*'),
      },
      {
        action: 'lambda:CreateFunction',
        statements: ['roles.test.permissions[0]'],
        grantedBy: by('arn:aws:lambda:*:*:function:*'),
      },
      {
        action: 'lambda:InvokeFunction',
        statements: ['roles.test.permissions[0]'],
        grantedBy: by('arn:aws:lambda:*:*:function:*'),
      },
    ]);
    expect(escalationsIn([], approved)).toEqual([]);
  });
});

describe('iam.policy.privesc', () => {
  const baseline = baselineFrom(`
version: 1
roles:
  app:
    permissions:
      - Effect: Allow
        Action: [lambda:CreateFunction, lambda:InvokeFunction]
        Resource: arn:aws:lambda:*:*:function:app-*
`);
  const run = (document: Record<string, unknown>) => {
    const checked = checkRecord(putRolePolicy('app', 'inline', document));
    if (!checked.ok) throw new Error(checked.reason);
    const result = evaluate(checked.record, baseline);
    return result.kind === 'evaluated'
      ? result.findings.filter((f) => f.ruleId === 'iam.policy.privesc')
      : [];
  };

  it('names the path and why it matters', () => {
    const [finding] = run({
      Version: '2012-10-17',
      Statement: allow(['iam:PassRole'], 'arn:aws:iam::123456789012:role/app-*'),
    });
    expect(finding?.severity).toBe('high');
    expect(finding?.summary).toBe(
      'Inline policy inline on app opens privilege escalation: Create a Lambda function with a role and invoke it: iam:PassRole (Statement on arn:aws:iam::123456789012:role/app-*) + lambda:CreateFunction (roles.app.permissions[0] on arn:aws:lambda:*:*:function:app-*) + lambda:InvokeFunction (roles.app.permissions[0] on arn:aws:lambda:*:*:function:app-*): runs its own code as a stronger role.',
    );
    expect(finding?.details.escalations).toEqual([
      expect.objectContaining({
        id: 'lambda-create-and-invoke',
        newStatements: ['Statement'],
        grants: [
          expect.objectContaining({
            action: 'iam:PassRole',
            grantedBy: [{ statement: 'Statement', resources: ['arn:aws:iam::123456789012:role/app-*'] }],
          }),
          expect.objectContaining({ action: 'lambda:CreateFunction' }),
          expect.objectContaining({ action: 'lambda:InvokeFunction' }),
        ],
      }),
    ]);
  });

  it.each([
    ['iam:*', allow(['iam:*'])],
    ['*', allow(['*'])],
    ['a NotAction that spares IAM', { Effect: 'Allow', NotAction: 's3:*', Resource: '*' }],
  ])('is critical for %s', (_name, statement) => {
    expect(run({ Version: '2012-10-17', Statement: statement })[0]?.severity).toBe('critical');
  });

  it('says nothing for grants without a path', () => {
    expect(run({ Version: '2012-10-17', Statement: allow(['s3:GetObject'], 'arn:aws:s3:::b/*') })).toEqual(
      [],
    );
  });

  it('opens no path through actions that cannot act on the statement resources (issue 15)', () => {
    // The Xplore case: a NotAction on one bucket's objects reaches only S3 object actions.
    const notAction = {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        NotAction: ['iam:*', 'sts:*', 's3:Delete*'],
        Resource: 'arn:aws:s3:::xplore-face-auth-refs/*',
      },
    };
    expect(run(notAction)).toEqual([]);
    expect(
      run({ Version: '2012-10-17', Statement: allow(['lambda:UpdateFunctionCode'], 'arn:aws:s3:::b/*') }),
    ).toEqual([]);
    expect(run({ Version: '2012-10-17', Statement: allow(['iam:*'], 'arn:aws:s3:::b') })).toEqual([]);
  });

  it('opens a path on resources of the action type, naming them', () => {
    const [finding] = run({
      Version: '2012-10-17',
      Statement: allow(
        ['lambda:UpdateFunctionCode'],
        ['arn:aws:s3:::b/*', 'arn:aws:lambda:us-east-1:123456789012:function:x'],
      ),
    });
    expect(finding?.details.escalations).toEqual([
      expect.objectContaining({
        id: 'lambda-update-function-code',
        grants: [
          {
            action: 'lambda:UpdateFunctionCode',
            statements: ['Statement'],
            grantedBy: [
              { statement: 'Statement', resources: ['arn:aws:lambda:us-east-1:123456789012:function:x'] },
            ],
          },
        ],
      }),
    ]);
  });

  it('still reports PassRole and CreateFunction on *, and counts NotResource as reaching everything', () => {
    const ids = (statement: Record<string, unknown>) =>
      (
        (run({ Version: '2012-10-17', Statement: statement })[0]?.details.escalations ?? []) as {
          id: string;
        }[]
      ).map((h) => h.id);
    expect(ids(allow(['iam:PassRole', 'lambda:CreateFunction']))).toContain('iam-pass-any-role');
    expect(
      ids({ Effect: 'Allow', Action: 'lambda:UpdateFunctionCode', NotResource: 'arn:aws:s3:::b/*' }),
    ).toEqual(['lambda-update-function-code']);
  });
});

describe('the NotAction-on-a-bucket policy of issue 15 on XploreEC2Role', () => {
  it('is drift without privesc', () => {
    const checked = checkRecord(
      putRolePolicy('XploreEC2Role', 'inline', {
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          NotAction: ['iam:*', 'sts:*', 's3:Delete*'],
          Resource: 'arn:aws:s3:::xplore-face-auth-refs/*',
        },
      }),
    );
    if (!checked.ok) throw new Error(checked.reason);
    const result = evaluate(checked.record, exampleBaseline());
    const ids = result.kind === 'evaluated' ? result.findings.map((f) => f.ruleId) : [];
    expect(ids).toContain('iam.policy.drift');
    expect(ids).not.toContain('iam.policy.privesc');
  });
});
