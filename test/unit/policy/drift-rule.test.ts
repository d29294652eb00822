import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/types.ts';
import { evaluate } from '../../../src/engine/evaluate.ts';
import { checkRecord } from '../../../src/events/record.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { putRolePolicy } from '../../helpers/records.ts';

function driftFinding(role: string, document: Record<string, unknown>): Finding | undefined {
  const checked = checkRecord(putRolePolicy(role, 'inline', document));
  if (!checked.ok) throw new Error(checked.reason);
  const result = evaluate(checked.record, exampleBaseline());
  return result.kind === 'evaluated'
    ? result.findings.find((f) => f.ruleId === 'iam.policy.drift')
    : undefined;
}

describe('iam.policy.drift findings', () => {
  it('put the first witnesses in the sentence, folding a whole service into service:*', () => {
    const finding = driftFinding('aimodelshare-lambda-exec', {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    });
    expect(finding?.summary).toMatch(
      /^Inline policy inline on aimodelshare-lambda-exec grants access outside its baseline: s3:\* \(\d+ actions\) on \*\.$/,
    );
    expect(finding?.details.newAccessCount).toBeGreaterThan(100);
  });

  it('keep the full list in details, grouped by statement, resource and reason', () => {
    const finding = driftFinding('XploreEC2Role', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
          Resource: ['arn:aws:s3:::xplore-face-auth-refs', 'arn:aws:s3:::xplore-face-auth-refs/*'],
        },
        {
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:*',
        },
      ],
    });
    expect(finding?.summary).toBe(
      'Inline policy inline on XploreEC2Role grants access outside its baseline: secretsmanager:GetSecretValue, secretsmanager:PutSecretValue on arn:aws:secretsmanager:us-east-1:123456789012:secret:*.',
    );
    expect(finding?.details.coveredStatements).toEqual(['Statement[0]']);
    expect(finding?.details.newAccessGroups).toEqual([
      expect.objectContaining({
        statement: 'Statement[1]',
        actions: ['secretsmanager:GetSecretValue'],
        reason: 'the baseline allows this action only on other resources',
        example: expect.stringMatching(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:/),
      }),
      expect.objectContaining({
        statement: 'Statement[1]',
        actions: ['secretsmanager:PutSecretValue'],
        reason: 'no baseline statement allows this action',
      }),
    ]);
  });

  it('say when a condition made the verdict conservative', () => {
    const finding = driftFinding('XploreEC2Role', {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Action: 's3:DeleteObject',
        Resource: 'arn:aws:s3:::xplore-face-auth-refs/*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    });
    expect(finding?.summary).toMatch(/Part of this verdict is conservative \(see details\)\.$/);
    expect(finding?.details.conservative).toEqual([
      'Statement has a Condition; it was counted as granting everything it lists',
    ]);
  });

  it.each([
    ['lex:DeleteBot', 'arn:aws:lex:us-east-1:123456789012:bot/ABCDEF1234'],
    ['apigateway:GET', 'arn:aws:apigateway:us-east-1::/apis/abc/stages/prod'],
    ['greengrass:CancelDeployment', 'arn:aws:greengrass:us-east-1:123456789012:deployments:d1'],
  ])(
    'report %s on a resource type with two ARN formats (issue 16: no finding before)',
    (action, resource) => {
      const finding = driftFinding('ImageGeneratorEC2Role', {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: action, Resource: resource },
      });
      expect(finding?.details.newAccess).toEqual([
        expect.objectContaining({ action, resource, reason: 'no baseline statement allows this action' }),
      ]);
    },
  );
});

describe('iam.policy.drift on a broad document', () => {
  it('Action "*": every catalogue action counted once, 50 witnesses in details, groups folded to *', () => {
    const finding = driftFinding('XploreEC2Role', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        // Repeats actions of the first statement: nothing new to count.
        { Effect: 'Allow', Action: ['s3:*', 'iam:PassRole'], Resource: '*' },
      ],
    });
    const count = finding?.details.newAccessCount as number;
    const witnesses = finding?.details.newAccess as { action: string; statement: string }[];
    expect(witnesses).toHaveLength(50);
    expect(new Set(witnesses.map((w) => w.action)).size).toBe(50);
    expect(witnesses.every((w) => w.statement === 'Statement[0]')).toBe(true);
    const groups = finding?.details.newAccessGroups as { statement: string; count: number }[];
    // Every counted action is in exactly one group, and all of them come from the first statement.
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(count);
    expect(groups.every((g) => g.statement === 'Statement[0]')).toBe(true);
    // Xplore's baseline allows three s3 actions on its bucket: those are not new on `*` either (other buckets).
    expect(count).toBeGreaterThan(20_000);
  });
});
