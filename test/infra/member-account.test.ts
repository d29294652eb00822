/** infra/member-account.yml: lint-clean, forwards exactly the watched events, least-privilege remediation role. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { permissionsFor } from '../../src/actions/permissions.ts';
import { INSTANCE_TAGS_PERMISSIONS } from '../../src/knowledge/ec2.ts';
import { IAM_FACT_PERMISSIONS } from '../../src/knowledge/iam.ts';
import { IAM_KEYS_PERMISSIONS } from '../../src/knowledge/iam-keys.ts';
import { globMatch } from '../../src/policy/glob.ts';
import { listenedEvents, RULES } from '../../src/rules/index.ts';
import { SWEEP_RULES } from '../../src/sweep/rules.ts';
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
    Targets: (Target & { Arn: unknown })[];
    Policies: { PolicyDocument: { Statement: Statement[] } }[];
    AssumeRolePolicyDocument: { Statement: { Condition: { StringEquals: Record<string, unknown> } }[] };
  };
}
const template = parse(readFileSync(PATH, 'utf8')) as {
  Resources: Record<string, Resource>;
  Parameters: Record<string, { Default: string; AllowedPattern: string }>;
  Conditions: Record<string, unknown>;
};

const CENTRAL = '111111111111';
const CENTRAL_STACK_SOURCES = [
  'lambda.amazonaws.com',
  'sns.amazonaws.com',
  'sqs.amazonaws.com',
  'dynamodb.amazonaws.com',
];
const MEMBER = '222222222222';

/** CloudFormation's condition functions over this template, for one account and region. */
function holds(condition: unknown, account: string, region: string): boolean {
  const values: Record<string, string> = {
    'AWS::AccountId': account,
    'AWS::Region': region,
    CentralAccountId: CENTRAL,
    CentralRegion: 'us-east-1',
    PrimaryRegion: 'us-east-1',
  };
  const value = (v: unknown): string =>
    typeof v === 'string' ? v : (values[(v as { Ref: string }).Ref] ?? `?${JSON.stringify(v)}`);
  const c = condition as Record<string, unknown>;
  if ('Condition' in c) return holds(template.Conditions[c.Condition as string], account, region);
  if ('Fn::Equals' in c) {
    const [a, b] = c['Fn::Equals'] as [unknown, unknown];
    return value(a) === value(b);
  }
  if ('Fn::Not' in c) return !holds((c['Fn::Not'] as unknown[])[0], account, region);
  if ('Fn::And' in c) return (c['Fn::And'] as unknown[]).every((x) => holds(x, account, region));
  if ('Fn::Or' in c) return (c['Fn::Or'] as unknown[]).some((x) => holds(x, account, region));
  throw new Error(`unsupported condition ${JSON.stringify(c)}`);
}

/** The forwarding rules CloudFormation creates in one account and region, by the source they forward. */
function forwardedSources(account: string, region: string): string[] {
  return rules
    .filter((rule) => !rule.Condition || holds({ Condition: rule.Condition }, account, region))
    .map((rule) => rule.Properties.EventPattern.source[0] as string)
    .sort();
}
const resources = Object.values(template.Resources);
const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule');

describe('infra/member-account.yml', () => {
  it('passes cfn-lint', () => {
    const lint = spawnSync('cfn-lint', [PATH], { encoding: 'utf8' });
    expect(lint.error, 'cfn-lint must be installed (it is on these machines)').toBeUndefined();
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('forwards exactly the events the rules listen to, successful calls only, but the central stack own', () => {
    const forwarded = rules.flatMap((rule) => {
      const pattern = rule.Properties.EventPattern;
      expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
      expect(pattern.detail.errorCode).toEqual([{ exists: false }]);
      expect(pattern.source).toEqual([`aws.${pattern.detail.eventSource[0]?.split('.')[0]}`]);
      return pattern.detail.eventName.map((name) => `${pattern.detail.eventSource[0]} ${name}`);
    });
    // The central stack's functions, topic, queues and table live in the central account and region only:
    // their changes are read on its default bus, and no member account has them to forward.
    const listened = listenedEvents()
      .filter((e) => !CENTRAL_STACK_SOURCES.includes(e.eventSource))
      .map((e) => `${e.eventSource} ${e.eventName}`);
    expect([...new Set(forwarded)].sort()).toEqual(listened.sort());
  });

  it('forwards changes to EventBridge rules twice, so a change to one forwarding rule is carried by the other', () => {
    const carriers = (name: string) =>
      rules.filter((rule) => rule.Properties.EventPattern.detail.eventName.includes(name)).length;
    for (const e of listenedEvents().filter((x) => x.eventSource === 'events.amazonaws.com'))
      expect(carriers(e.eventName), e.eventName).toBe(2);
  });

  it('forwards IAM only from us-east-1, EC2, CloudTrail and rule changes from every region, except where the central rules already listen', () => {
    // A member account: IAM where IAM delivers its events, EC2 and trail changes everywhere.
    const everywhere = ['aws.cloudtrail', 'aws.ec2', 'aws.events', 'aws.events'];
    expect(forwardedSources(MEMBER, 'us-east-1')).toEqual([...everywhere, 'aws.iam']);
    expect(forwardedSources(MEMBER, 'eu-west-1')).toEqual(everywhere);
    // The central account: its central region's default bus is read by the central stack itself.
    expect(forwardedSources(CENTRAL, 'us-east-1')).toEqual([]);
    expect(forwardedSources(CENTRAL, 'eu-west-1')).toEqual(everywhere);
  });

  it('sends to the central bus in the central region, and may put events there only', () => {
    const sub = (name: string) => `\${${name}}`;
    const bus = `arn:${sub('AWS::Partition')}:events:${sub('CentralRegion')}:${sub('CentralAccountId')}:event-bus/${sub('CentralEventBusName')}`;
    for (const rule of rules) {
      expect(rule.Properties.Targets.map((t) => (t.Arn as { 'Fn::Sub': string })['Fn::Sub'])).toEqual([bus]);
    }
    const forwarder = template.Resources.ForwarderRole as Resource;
    const statements = forwarder.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.map((st) => [st.Action, (st.Resource as { 'Fn::Sub': string })['Fn::Sub']])).toEqual([
      ['events:PutEvents', bus],
    ]);
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
        expect(actions.sort()).toSatisfy((a: string[]) => ['ec2:DescribeInstances'].includes(a.join()));
      }
    }
    // Exactly the calls the central functions' remediations and policy reads make (the state scan reads its own
    // account only).
    const granted = statements.flatMap((statement) => [statement.Action].flat()).sort();
    expect(granted).toEqual(
      [
        ...new Set([
          ...permissionsFor([...RULES, ...SWEEP_RULES].map((rule) => rule.remediation)),
          // ec2-events reads a member instance's tags (its IMDS profile) through the same role.
          ...INSTANCE_TAGS_PERMISSIONS,
          ...IAM_FACT_PERMISSIONS,
          ...IAM_KEYS_PERMISSIONS,
        ]),
      ].sort(),
    );
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
