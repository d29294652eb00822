/**
 * `npm run demo`: the Lambda guardrail end to end on a local AWS. Starts moto, creates the five seed
 * systems' resources, builds the handlers and feeds their built bundles (dist/handlers/*.js) the seed
 * systems' CloudTrail events as EventBridge delivers them, runs the orphan sweep, then prints what
 * guardrail found, what it did to the account, and what it sent (the Slack and email renderings).
 *
 * `npm run demo -- --all` prints the renderings of every message instead of three.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeInstancesCommand,
  ModifyInstanceMetadataOptionsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  ListUserTagsCommand,
} from '@aws-sdk/client-iam';
import { oneLine } from '../src/core/errors.ts';
import { GUARDRAIL_TAG_PREFIX, GuardrailTag } from '../src/core/tags.ts';
import type { ChatbotNotification } from '../src/notify/types.ts';
import type { EventSummary } from '../src/respond/record.ts';
import type { SweepSummary } from '../src/respond/sweep.ts';
import { buildHandlers, DIST_DIR } from './build.ts';
import { exampleBaselineEnforcing } from './lib/baseline.ts';
import { lambdaContext } from './lib/lambdaContext.ts';
import type { LocalAccount, TopicMessage } from './lib/localAccount.ts';
import { localAccount } from './lib/localAccount.ts';
import type { Moto } from './lib/moto.ts';
import { startMoto } from './lib/moto.ts';
import type { Json } from './lib/records.ts';
import { ACCOUNT, assumedRole, eventBridge, modifyImds } from './lib/records.ts';
import { SEED_CASES, SEED_INSTANCE_TAGS, SEED_INSTANCES, SEED_KEY_ID, SEED_SYSTEMS } from './lib/seeds.ts';

type Handler<R> = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<R>;

const showAll = process.argv.includes('--all');
const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
const rule = (title: string): void => out(`\n── ${title} ${'─'.repeat(Math.max(2, 100 - title.length))}`);

// Node 20 only: the SDK announces that its 2027 releases will need Node 22. True, and not this demo's news.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  if (
    /will require node >=22/.test(text) ||
    (rest[0] as { type?: string })?.type === 'NodeVersionSupportWarning'
  )
    return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

/** The example baseline with two rules switched to enforce, so the demo shows changes as well as dry runs. */
function demoBaseline(dir: string): string {
  const path = join(dir, 'demo-baseline.yml');
  writeFileSync(path, exampleBaselineEnforcing(['ec2.imds.v1-allowed', 'iam.user.orphaned']));
  return path;
}

interface Instances {
  readonly imageGenerator: string;
  readonly kdcube: string;
}

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const EPHEMERAL_RUN = 'temporaryaccessAImodelshare0a1b2c3d4e5f67890a1b2c3d4e5f6789';
const EPHEMERAL_OLD = 'temporaryaccessAImodelshare99999999999999999999999999999999';

async function createSeedResources(account: LocalAccount): Promise<Instances> {
  for (const role of [
    'ImageGeneratorEC2Role',
    'XploreEC2Role',
    'kdcube-ec2-role',
    'aimodelshare-lambda-exec',
  ]) {
    await account.iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: TRUST }));
  }
  await account.iam.send(new CreateUserCommand({ UserName: 'cml-cloud-manager-service' }));
  const key = await account.iam.send(new CreateAccessKeyCommand({ UserName: 'cml-cloud-manager-service' }));
  seedKeyId = key.AccessKey?.AccessKeyId ?? seedKeyId;
  await account.iam.send(new CreateUserCommand({ UserName: 'chatbot-dev-alice' }));
  // The per-run user the deprecated AIModelShare path creates (its CreateUser event comes below) ...
  await account.iam.send(new CreateUserCommand({ UserName: EPHEMERAL_RUN }));
  // ... and one from an earlier run that guardrail tagged two days ago and nobody deleted.
  await account.iam.send(
    new CreateUserCommand({
      UserName: EPHEMERAL_OLD,
      Tags: [
        { Key: GuardrailTag.ephemeral, Value: 'true' },
        { Key: GuardrailTag.creator, Value: `arn:aws:iam::${ACCOUNT}:user/aimodelshare-admin` },
        { Key: GuardrailTag.createdAt, Value: new Date(Date.now() - 2 * 86_400_000).toISOString() },
        { Key: GuardrailTag.expiresAt, Value: new Date(Date.now() - 86_400_000).toISOString() },
      ],
    }),
  );
  const ec2 = account.ec2('eu-west-1');
  // Seed 000 runs IMDSv2 with hop limit 1; seed 002's containers need hop limit 2, which its IMDS profile
  // allows the instances tagged for it (SEED_INSTANCE_TAGS).
  return {
    imageGenerator: await launch(
      ec2,
      { httpTokens: 'required', httpPutResponseHopLimit: 1 },
      seedTags('imageGenerator'),
    ),
    kdcube: await launch(ec2, { httpTokens: 'required', httpPutResponseHopLimit: 2 }, seedTags('kdcube')),
  };
}

function seedTags(seed: keyof typeof SEED_INSTANCES): Record<string, string> {
  return { ...(SEED_INSTANCE_TAGS[SEED_INSTANCES[seed]] ?? {}) };
}

interface LaunchOptions {
  readonly httpTokens?: string;
  readonly httpPutResponseHopLimit?: number;
}

async function launch(ec2: EC2Client, options: LaunchOptions, tags: Record<string, string>): Promise<string> {
  const reply = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.medium',
      MetadataOptions: {
        HttpTokens: (options.httpTokens as 'required' | 'optional' | undefined) ?? 'optional',
        HttpPutResponseHopLimit: options.httpPutResponseHopLimit ?? 1,
        HttpEndpoint: 'enabled',
      },
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  return reply.Instances?.[0]?.InstanceId ?? '';
}

/**
 * A RunInstances seed event happens: the instance it records is launched in moto, as it says (metadata options
 * and tags from its response), and the record then names the instance moto created.
 */
async function launchRecorded(account: LocalAccount, record: Json): Promise<Json> {
  const items = (record.responseElements as { instancesSet: { items: Json[] } }).instancesSet.items;
  const [item] = items as [
    {
      instanceId: string;
      metadataOptions?: LaunchOptions;
      tagSet?: { items: { key: string; value: string }[] };
    },
  ];
  const tags = Object.fromEntries((item.tagSet?.items ?? []).map((t) => [t.key, t.value]));
  const id = await launch(account.ec2(String(record.awsRegion)), item.metadataOptions ?? {}, tags);
  return JSON.parse(JSON.stringify(record).replaceAll(item.instanceId, id)) as Json;
}

/**
 * A seed case as it would happen now: the fixture's instance ids mapped onto the instances moto created,
 * and its time set to the present (the fixtures are dated 2026-11-20; expiry and the sweep use real time).
 */
/** The service user's key made above: the seed's "generate its access keys" event is about this key. */
let seedKeyId = SEED_KEY_ID;

function happeningNow(record: Json, instances: Instances): Json {
  const text = JSON.stringify(record)
    .replaceAll(SEED_INSTANCES.imageGenerator, instances.imageGenerator)
    .replaceAll(SEED_INSTANCES.kdcube, instances.kdcube)
    .replaceAll(SEED_KEY_ID, seedKeyId);
  return { ...(JSON.parse(text) as Json), eventTime: `${new Date().toISOString().slice(0, 19)}Z` };
}

/** Before an IMDS event reaches guardrail, the change it records happened: apply it to the instance. */
async function applyRecordedChange(ec2: EC2Client, record: Json): Promise<void> {
  const request = (
    record.requestParameters as { ModifyInstanceMetadataOptionsRequest: Record<string, unknown> }
  ).ModifyInstanceMetadataOptionsRequest;
  const current = await metadata(ec2, String(request.InstanceId));
  await ec2.send(
    new ModifyInstanceMetadataOptionsCommand({
      InstanceId: String(request.InstanceId),
      HttpTokens:
        (request.HttpTokens as 'optional' | 'required' | undefined) ?? (current.tokens as 'required'),
      HttpPutResponseHopLimit: (request.HttpPutResponseHopLimit as number | undefined) ?? current.hop,
      HttpEndpoint: 'enabled',
    }),
  );
}

async function metadata(ec2: EC2Client, instanceId: string): Promise<{ tokens: string; hop: number }> {
  const reply = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const options = reply.Reservations?.[0]?.Instances?.[0]?.MetadataOptions;
  return { tokens: options?.HttpTokens ?? '?', hop: options?.HttpPutResponseHopLimit ?? 0 };
}

/** Runs a handler with its JSON log lines captured, so the demo prints its own story and a sample of them. */
async function quietly<T>(logs: string[], run: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    logs.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    return await run();
  } finally {
    process.stdout.write = write;
  }
}

function targetOf(record: Json): string {
  const p = (record.requestParameters ?? {}) as Record<string, unknown>;
  const imds = p.ModifyInstanceMetadataOptionsRequest as { InstanceId?: string } | undefined;
  const launched = (
    record.responseElements as { instancesSet?: { items?: { instanceId?: string }[] } } | null
  )?.instancesSet?.items?.[0]?.instanceId;
  return String(p.userName ?? p.roleName ?? imds?.InstanceId ?? launched ?? '-');
}

/** The demo's table is read in a terminal: every line fits this many columns. */
const WIDTH = 120;
const COLUMNS = { system: 16, event: 31, target: 28 } as const;

/** `text` in lines of at most `width` characters, broken at spaces; at most `max` lines, the last cut with …. */
function wrap(text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of oneLine(text, 2_000).split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  const kept = lines.slice(0, max).map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
  if (lines.length > max) kept[max - 1] = `${(kept[max - 1] ?? '').slice(0, width - 1)}…`;
  return kept;
}

function cell(text: string, width: number): string {
  const one = oneLine(text, 500);
  return (one.length > width - 1 ? `${one.slice(0, width - 2)}…` : one).padEnd(width);
}

/** What the event came to: the verdict on the first line, then what drifted and what guardrail did. */
function describeSummary(summary: EventSummary): { verdict: string; details: string[] } {
  if (summary.status === 'skipped') return { verdict: 'skipped', details: [summary.reason] };
  if (summary.findings.length === 0) {
    return {
      verdict:
        summary.suppressed > 0
          ? `no finding (${summary.suppressed} suppressed)`
          : 'clean: matches the baseline',
      details: [],
    };
  }
  const notified = summary.findings.some((f) => f.notified);
  const count = `${summary.findings.length} finding${summary.findings.length === 1 ? '' : 's'}`;
  const details = summary.findings.flatMap((f) => {
    const did = f.remediation
      ? [
          `did: ${f.remediation.action} ${f.remediation.status}${f.remediation.note ? `: ${f.remediation.note}` : ''}`,
        ]
      : [];
    return [`${f.severity.toUpperCase()} ${f.ruleId}: ${f.summary}`, ...did];
  });
  return { verdict: `${count}${notified ? ', one message' : ', below the notification threshold'}`, details };
}

function printEvent(
  system: string,
  record: Json,
  { verdict, details }: { verdict: string; details: readonly string[] },
): void {
  const head = `${cell(system, COLUMNS.system)}${cell(String(record.eventName), COLUMNS.event)}${cell(targetOf(record), COLUMNS.target)}`;
  // A verdict too long for its column goes on the next line whole, never cut.
  const room = WIDTH - head.length;
  const [shown, more] = verdict.length <= room ? [verdict, []] : [`${verdict.split(':')[0]}:`, [verdict]];
  out(`${head}${shown}`);
  const indent = ' '.repeat(COLUMNS.system);
  for (const detail of [...more, ...details]) {
    const [first = '', ...rest] = wrap(detail, WIDTH - indent.length - 2, 3);
    out(`${indent}${first}`);
    for (const line of rest) out(`${indent}  ${line}`);
  }
}

function printChat(chat: ChatbotNotification): void {
  out(`  ${chat.content.title}`);
  for (const line of chat.content.description.split('\n')) out(`  ${line}`);
  if (chat.content.nextSteps.length > 0) {
    out('  Next steps:');
    for (const step of chat.content.nextSteps) out(`   • ${step}`);
  }
  out(`  (keywords: ${chat.content.keywords.join(', ')}; thread ${chat.metadata.threadId})`);
}

function printMessage(message: TopicMessage): void {
  const attrs = Object.entries(message.attributes)
    .map(([name, value]) => `${name}=${value.Value}`)
    .join(' ');
  out(`Subject: ${message.subject}`);
  out(`Attributes: ${attrs}`);
  out('\n▸ Slack / Teams (the default body: an AWS Chatbot custom notification, client-markdown)');
  printChat(JSON.parse(message.bodies.default ?? '{}') as ChatbotNotification);
  out('\n▸ Email (the email body: plain text)');
  for (const line of (message.bodies.email ?? '').trimEnd().split('\n')) out(`  ${line}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'guardrail-demo-'));
  let moto: Moto | undefined;
  try {
    out(
      'guardrail demo: the Lambda functions on a local AWS (moto), fed the CloudTrail events of five real systems.',
    );
    rule('1. Set-up');
    try {
      moto = await startMoto();
    } catch (error) {
      throw new Error(
        `cannot start moto (python3 -m moto.server): ${oneLine((error as Error).message, 200)}`,
      );
    }
    const account = await localAccount(moto);
    out(
      `local AWS     moto on ${moto.endpoint}: IAM, EC2, SNS topic → SQS queue, DynamoDB idempotency table`,
    );
    const sizes = await buildHandlers();
    out(
      `handlers      npm run build: ${sizes.map((s) => `${s.name} ${(s.zippedBytes / 1024).toFixed(0)} KB`).join(', ')} (zipped)`,
    );
    const baseline = demoBaseline(dir);
    out(
      'baseline      infra/baseline.example.yml, with ec2.imds.v1-allowed and iam.user.orphaned set to enforce',
    );
    out('              (the example keeps them in dry-run; ec2.imds.hop-limit stays dry-run here too)');
    const instances = await createSeedResources(account);
    out(
      'resources     roles ImageGeneratorEC2Role, XploreEC2Role, kdcube-ec2-role, aimodelshare-lambda-exec;',
    );
    out(
      `              users cml-cloud-manager-service (with a key), chatbot-dev-alice, ${EPHEMERAL_RUN.slice(0, 31)}…,`,
    );
    out(
      `              and ${EPHEMERAL_OLD.slice(0, 31)}… left over from an earlier run (expired yesterday);`,
    );
    out(
      `              instances ${instances.imageGenerator} (image generator, IMDSv2, hop limit 1) and ${instances.kdcube} (KDCube,`,
    );
    out(
      '              IMDSv2, hop limit 2, tagged guardrail:imds-profile=containers: the example baseline allows it 2,',
    );
    out('              every other instance 1) in eu-west-1');

    Object.assign(process.env, account.env, { GUARDRAIL_BASELINE: baseline, POWERTOOLS_LOG_LEVEL: 'INFO' });
    const load = async <R>(name: string): Promise<Handler<R>> =>
      ((await import(pathToFileURL(join(DIST_DIR, `${name}.js`)).href)) as { handler: Handler<R> }).handler;
    const iamEvents = await load<EventSummary>('iam-events');
    const ec2Events = await load<EventSummary>('ec2-events');
    const orphanSweep = await load<SweepSummary>('orphan-sweep');
    const logs: string[] = [];

    rule('2. CloudTrail events through the handlers (EventBridge envelopes, one invocation each)');
    out(
      `${cell('system', COLUMNS.system)}${cell('event', COLUMNS.event)}${cell('about', COLUMNS.target)}what guardrail found and did`,
    );
    const ec2 = account.ec2('eu-west-1');
    let ephemeralEvent: Json | undefined;
    const launched: string[] = [];
    for (const seedCase of SEED_CASES) {
      let record = happeningNow(seedCase.record, instances);
      const isEc2 = record.eventSource === 'ec2.amazonaws.com';
      if (record.eventName === 'RunInstances') {
        record = await launchRecorded(account, record);
        launched.push(`${targetOf(record)}@${String(record.awsRegion)}`);
      } else if (record.eventName === 'ModifyInstanceMetadataOptions') await applyRecordedChange(ec2, record);
      const event = eventBridge(record);
      if (targetOf(record) === EPHEMERAL_RUN && record.eventName === 'CreateUser' && !ephemeralEvent)
        ephemeralEvent = event;
      const summary = await quietly(logs, () => (isEc2 ? ec2Events : iamEvents)(event, lambdaContext()));
      printEvent(SEED_SYSTEMS[seedCase.seed] ?? '', record, describeSummary(summary));
    }
    if (ephemeralEvent) {
      // EventBridge delivers at least once: the same CloudTrail record again, in a new envelope.
      const before = (await account.topicMessages()).length;
      const redelivered = { ...ephemeralEvent, id: 'redelivered-by-eventbridge' };
      await quietly(logs, () => iamEvents(redelivered, lambdaContext()));
      const after = (await account.topicMessages()).length;
      printEvent('AIModelShare', (ephemeralEvent as { detail: Json }).detail, {
        verdict: 'delivered again, same eventID',
        details: [
          `nothing re-done: the stored result was returned; messages on the topic ${before} → ${after}`,
        ],
      });
    }
    // guardrail's own fix shows up in CloudTrail too; its role is in guardrail.ownRoles, so it is skipped.
    const ownFix = modifyImds(
      instances.imageGenerator,
      { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
      { httpTokens: 'required', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
      { userIdentity: assumedRole('guardrail-prod-remediator', 'guardrail-ec2-events') },
    );
    printEvent(
      'guardrail',
      ownFix,
      describeSummary(await quietly(logs, () => ec2Events(eventBridge(ownFix), lambdaContext()))),
    );

    rule('3. Scheduled orphan sweep');
    const sweep = await quietly(logs, () =>
      orphanSweep(
        { id: 'demo-schedule-0001', 'detail-type': 'Scheduled Event', source: 'aws.events' },
        lambdaContext(),
      ),
    );
    out(
      `examined ${sweep.usersExamined} users; ${sweep.findings.length} finding(s); digest ${sweep.digest ? 'sent' : 'not needed'}`,
    );
    for (const f of sweep.findings) {
      out(
        `  ${f.severity.toUpperCase()} ${f.ruleId} ${f.resource.split('/').pop()} · ${f.remediation ? `${f.remediation.action} ${f.remediation.status}` : 'report only'}`,
      );
    }

    rule('4. The account afterwards');
    for (const user of [EPHEMERAL_RUN, EPHEMERAL_OLD, 'cml-cloud-manager-service', 'chatbot-dev-alice']) {
      const tags = (await account.iam.send(new ListUserTagsCommand({ UserName: user }))).Tags ?? [];
      const shown = tags
        .filter((t) => t.Key?.startsWith(GUARDRAIL_TAG_PREFIX))
        .map((t) => `${t.Key}=${t.Value}`);
      out(`user ${user}${shown.length > 0 ? ':' : ': untouched (approved by the baseline)'}`);
      for (const tag of shown) out(`  ${tag}`);
    }
    for (const [label, id, region] of [
      ['image generator', instances.imageGenerator, 'eu-west-1'],
      ['KDCube', instances.kdcube, 'eu-west-1'],
      ...launched.map((at) => ['Xplore, launched', ...at.split('@')] as const),
    ] as const) {
      const m = await metadata(account.ec2(region), id);
      out(`instance ${id} (${label}): HttpTokens ${m.tokens}, hop limit ${m.hop}`);
    }

    rule('5. What guardrail sent');
    const messages = await account.topicMessages();
    const delivered = await account.drain();
    const digests = messages.filter((m) => m.attributes.kind?.Value !== 'finding').length;
    out(
      `${messages.length} messages published to ${account.topicArn}: one for each of the ${messages.length - digests} events`,
    );
    out(
      `with findings worth a message, and ${digests} sweep digest; ${delivered.length} delivered to the subscribed SQS queue.`,
    );
    for (const message of messages) out(`  ${oneLine(message.subject, WIDTH - 2)}`);
    const sample = JSON.parse(
      logs
        .join('')
        .split('\n')
        .find((l) => l.includes('"message":"finding"') && l.includes('"remediation"')) ?? '{}',
    );
    out('\nA log line (Powertools JSON, one per step, keyed by the CloudTrail eventId):');
    out(
      `  ${JSON.stringify({ level: sample.level, message: sample.message, service: sample.service, handler: sample.handler, eventId: sample.eventId, ruleId: sample.ruleId, remediation: sample.remediation })}`,
    );

    const chosen = showAll
      ? messages
      : [
          // One event with several findings, one remediated instance, and the sweep's digest.
          messages.find((m) => m.subject.includes('iam.policy.privesc')),
          messages.find((m) => m.subject.includes('ec2.imds.v1-allowed')),
          messages.find((m) => m.subject.includes('Orphan sweep')),
        ].filter((m): m is TopicMessage => m !== undefined);
    for (const message of chosen) {
      rule(`Message: ${oneLine(message.subject, 80)}`);
      printMessage(message);
    }
    out(
      `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. ${showAll ? '' : 'Every rendering: npm run demo -- --all. '}Offline engine demo: npm run demo:evaluate.`,
    );
  } finally {
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `guardrail demo: ${oneLine(error instanceof Error ? error.message : String(error), 300)}\n`,
  );
  process.exitCode = 1;
});
