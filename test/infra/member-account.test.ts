/** infra/member-account.yml: lint-clean, forwards exactly the watched events, least-privilege remediation role. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { globMatch } from '../../src/policy/glob.ts';
import { RULES } from '../../src/rules/index.ts';
import { exampleBaseline } from '../helpers/baseline.ts';

const PATH = fileURLToPath(new URL('../../infra/member-account.yml', import.meta.url));
interface Statement {
  Action: string | string[];
  Resource: unknown;
}
interface Target {
  RoleArn?: unknown;
  DeadLetterConfig?: { Arn?: unknown };
  RetryPolicy: { MaximumEventAgeInSeconds: number };
}
interface Pattern {
  source: string[];
  'detail-type': string[];
  detail: { eventSource: string[]; eventName: string[]; errorCode: unknown };
}
interface Resource {
  Type: string;
  Condition?: string;
  Properties: {
    EventPattern: Pattern;
    Targets: Target[];
    Policies: { PolicyDocument: { Statement: Statement[] } }[];
    AssumeRolePolicyDocument: { Statement: { Condition: { StringEquals: Record<string, unknown> } }[] };
  };
}
const template = parse(readFileSync(PATH, 'utf8')) as {
  Resources: Record<string, Resource>;
  Parameters: Record<string, { Default: string; AllowedPattern: string }>;
};
const resources = Object.values(template.Resources);
const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule');

describe('infra/member-account.yml', () => {
  it('passes cfn-lint', () => {
    const lint = spawnSync('cfn-lint', [PATH], { encoding: 'utf8' });
    expect(lint.error, 'cfn-lint must be installed (it is on these machines)').toBeUndefined();
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('forwards exactly the events the rules listen to, successful calls only', () => {
    const forwarded = rules.flatMap((rule) => {
      const pattern = rule.Properties.EventPattern;
      expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
      expect(pattern.detail.errorCode).toEqual([{ exists: false }]);
      expect(pattern.source).toEqual([`aws.${pattern.detail.eventSource[0]?.split('.')[0]}`]);
      return pattern.detail.eventName.map((name) => `${pattern.detail.eventSource[0]} ${name}`);
    });
    const listened = [...new Set(RULES.map((rule) => `${rule.eventSource} ${rule.eventName}`))];
    expect(forwarded.sort()).toEqual(listened.sort());
  });

  it('creates the IAM rule only in us-east-1, where IAM events are delivered', () => {
    const iam = rules.find((rule) => rule.Properties.EventPattern.source[0] === 'aws.iam');
    expect(iam?.Condition).toBe('IsIamEventRegion');
  });

  it('gives every forwarding target a role, a dead-letter queue and a retry policy', () => {
    for (const rule of rules) {
      for (const target of rule.Properties.Targets) {
        expect(target.RoleArn).toBeDefined();
        expect(target.DeadLetterConfig?.Arn).toBeDefined();
        expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeGreaterThan(0);
      }
    }
  });

  it('keeps the remediation role least-privileged and bound to the organisation', () => {
    const role = template.Resources.RemediationRole as Resource;
    const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    for (const statement of statements) {
      const actions = [statement.Action].flat();
      expect(actions.some((action) => action.includes('*'))).toBe(false);
      if (statement.Resource === '*') {
        // Only actions IAM and EC2 cannot scope to a resource may use it.
        expect(actions.sort()).toSatisfy((a: string[]) =>
          ['ec2:DescribeInstances', 'iam:ListUsers'].includes(a.join()),
        );
      }
    }
    const trust = role.Properties.AssumeRolePolicyDocument.Statement[0];
    expect(Object.keys(trust?.Condition.StringEquals ?? {}).sort()).toEqual([
      'aws:PrincipalOrgID',
      'sts:ExternalId',
    ]);
  });

  it("names the remediation role so the baseline's ownRoles skips its events", () => {
    const parameter = template.Parameters.RemediationRoleName;
    const name = parameter?.Default ?? '';
    expect(exampleBaseline().ownRoles.some((glob) => globMatch(glob, name))).toBe(true);
    expect(new RegExp(parameter?.AllowedPattern ?? '^$').test(name)).toBe(true);
  });
});
