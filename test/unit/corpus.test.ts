/**
 * Table-driven over the real, licensed CloudTrail records in ../shared/corpus/target-events: every watched
 * event gives the findings (or skip) reviewed by hand below; every other record is skipped with a reason.
 * `fixtures:` files are the record shapes the corpus lacks, built after the CloudTrail record reference
 * (Insights events, records before eventVersion 1.01, `responseElements: "None"`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Knowledge } from '../../src/core/knowledge.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import type { Decoded } from '../../src/events/decode.ts';
import { decodeText } from '../../src/events/decode.ts';
import { offlineKnowledge } from '../../src/knowledge/offline.ts';
import { exampleBaseline } from '../helpers/baseline.ts';
import { CORPUS_MISSING, corpus, corpusPath } from '../helpers/corpus.ts';
import { ensureManagedPolicyData } from '../helpers/policyManaged.ts';

const DIR = corpus ? pathToFileURL(`${corpusPath('target-events')}/`) : new URL('file:///nonexistent/');
const FIXTURES = new URL('../fixtures/records/', import.meta.url);
const present = corpus !== undefined;
if (!present) console.warn(CORPUS_MISSING);

type Expectation = readonly string[] | { readonly skip: RegExp } | { readonly malformed: RegExp };

/** file → record index → what the engine must say. Records not listed must be skipped as unwatched or failed. */
const EXPECTED: Record<string, Record<number, Expectation>> = {
  'panther-analysis.json': {
    0: ['iam.user.unexpected:high'],
    1: ['iam.user.unexpected:high'],
    2: ['iam.user.unexpected:high'],
    3: ['iam.user.unexpected:high'],
    4: ['iam.user.unexpected:high'],
    5: { skip: /^failed call \(errorCode EntityAlreadyExists\)$/ },
    // Panther's normalised times ("2022-09-27 17:09:18") are not CloudTrail's ISO 8601.
    6: { malformed: /^eventTime: expected an ISO 8601 time$/ },
    7: { malformed: /^eventTime: expected an ISO 8601 time$/ },
    8: { malformed: /^eventTime: expected an ISO 8601 time$/ },
    9: { malformed: /^eventTime: expected an ISO 8601 time$/ },
    10: { malformed: /^eventTime: expected an ISO 8601 time$/ },
    11: ['iam.accesskey.long-lived:critical'], // root's own key
    12: ['iam.accesskey.long-lived:high'], // root creating a key for example-user
    13: ['iam.accesskey.long-lived:high'],
    14: ['iam.user.unexpected:high'],
    15: ['iam.accesskey.long-lived:high'],
    16: ['iam.accesskey.long-lived:high'],
    17: ['iam.user.unexpected:high'],
  },
  // Trust opened to another account (193672423079), beside EC2, on a role the baseline does not know.
  'stratus-red-team/aws.persistence.iam-backdoor-role.json': { 0: ['iam.role.trust:high'] },
  // A console password for a user the baseline does not know, set by someone else (record 1 failed).
  'stratus-red-team/aws.persistence.iam-create-user-login-profile.json': {
    2: ['iam.user.console-access:high'],
  },
  // Another user's password reset: a takeover.
  'stratus-red-team/aws.privilege-escalation.iam-update-user-login-profile.json': {
    0: ['iam.user.console-access:high'],
  },
  'eventbridge-ModifyInstanceMetadataOptions-flatiron.json': {
    0: { skip: /^failed call \(errorCode Client\.InvalidParameterValue\)$/ },
  },
  // The defence-evasion detonations that blind the trail: stopped, deleted, and narrowed to read-only events.
  'stratus-red-team/aws.defense-evasion.cloudtrail-stop.json': {
    0: ['cloudtrail.logging-impaired:critical'],
  },
  'stratus-red-team/aws.defense-evasion.cloudtrail-delete.json': {
    0: ['cloudtrail.logging-impaired:critical'],
  },
  'stratus-red-team/aws.defense-evasion.cloudtrail-event-selectors.json': {
    0: ['cloudtrail.logging-impaired:critical'],
  },
  // An instance launched with httpTokens optional (its anonymised id is reported, not acted on).
  'eventbridge-RunInstances-flatiron.json': {
    0: ['ec2.imds.v1-allowed:high'],
  },
  // AdministratorAccess (its document from the AWS managed-policy data as of 2024-08-01) attached to a user
  // and to a role the baseline does not know: it also allows what the example baseline never grants anyone.
  'stratus-red-team/aws.persistence.iam-create-admin-user.json': {
    0: [
      'iam.policy.never-grant:critical',
      'iam.policy.no-baseline:medium',
      'iam.policy.privesc:critical',
      'iam.policy.wildcard:critical',
    ],
  },
  // ...then a new role trusting another account's root.
  'stratus-red-team/aws.persistence.iam-create-backdoor-role.json': {
    0: [
      'iam.policy.never-grant:critical',
      'iam.policy.no-baseline:medium',
      'iam.policy.privesc:critical',
      'iam.policy.wildcard:critical',
    ],
    1: ['iam.role.trust:high', 'iam.role.unexpected:medium'],
  },
  'fixtures:boundary-records.json': {
    0: { skip: /^not an API call \(eventType "AwsCloudTrailInsight"\)$/ }, // Insights: no eventSource
    1: { skip: /^not an API call \(eventType "AwsServiceEvent"\)$/ }, // no eventSource nor eventName
    2: ['iam.user.unexpected:high'], // eventVersion 1.0: no eventID, evaluated under a derived id
    3: ['iam.user.unexpected:high'], // responseElements "None": treated as absent
    4: { skip: /^not a watched event \(signin\.amazonaws\.com ConsoleLogin\)$/ },
  },
};

/** Unlisted records that must give findings: the stratus detonations that create users and keys. */
const CAUGHT_ELSEWHERE = new Set(['CreateUser', 'CreateAccessKey']);

const isList = (want: Expectation): want is readonly string[] => Array.isArray(want);

function files(): string[] {
  const stratus = readdirSync(new URL('stratus-red-team/', DIR)).filter((f) => f.endsWith('.json'));
  return [
    'panther-analysis.json',
    'eventbridge-ModifyInstanceMetadataOptions-flatiron.json',
    'eventbridge-RunInstances-flatiron.json',
    ...stratus.map((f) => `stratus-red-team/${f}`),
    'fixtures:boundary-records.json',
  ];
}

function read(file: string): string {
  const url = file.startsWith('fixtures:')
    ? new URL(file.slice('fixtures:'.length), FIXTURES)
    : new URL(file, DIR);
  return readFileSync(url, 'utf8');
}

/** What `guardrail evaluate FILE` knows: the AWS managed-policy data, and what the file's records teach. */
function knowledgeOf(items: readonly Decoded[]): Knowledge {
  const trail = offlineKnowledge();
  for (const item of items) if (item.kind === 'record') trail.learn(item.record);
  return trail.knowledge();
}

function outcome(item: Decoded, knowledge: Knowledge): string[] | { skip: string } | { malformed: string } {
  if (item.kind === 'malformed') return { malformed: item.reason };
  if (item.kind === 'skipped') return { skip: item.reason };
  const result = evaluate(item.record, exampleBaseline(), { knowledge });
  if (result.kind === 'skipped') return { skip: result.skip.reason };
  return result.findings.map((f) => `${f.ruleId}:${f.severity}`).sort();
}

describe.skipIf(!present)('real CloudTrail records (../shared/corpus/target-events)', () => {
  beforeAll(() => ensureManagedPolicyData(), 120_000);
  const list = present ? files() : [];

  it.each(list.map((file) => [file] as const))('%s', (file) => {
    const items = [...decodeText(read(file), file)];
    expect(items.length).toBeGreaterThan(0);
    const expected = EXPECTED[file] ?? {};
    const knowledge = knowledgeOf(items);
    for (const [index, item] of items.entries()) {
      const got = outcome(item, knowledge);
      const want = expected[index];
      const label = `${file} record ${index}`;
      if (want === undefined) {
        // Unlisted: a record guardrail does not act on, or a stratus creation checked by the test below.
        if (Array.isArray(got)) {
          const checkedBelow = item.kind === 'record' && CAUGHT_ELSEWHERE.has(item.record.eventName);
          if (!checkedBelow) expect(got, label).toEqual([]);
        } else {
          expect('skip' in got ? got.skip : got.malformed, label).toMatch(
            /^(not a watched event|failed call)/,
          );
        }
      } else if (isList(want)) {
        expect(got, label).toEqual(want);
      } else if ('skip' in want) {
        expect(got, label).toMatchObject({ skip: expect.stringMatching(want.skip) });
      } else {
        expect(got, label).toMatchObject({ malformed: expect.stringMatching(want.malformed) });
      }
    }
  });

  it('catches every stratus-red-team user and key creation', () => {
    const caught: string[] = [];
    for (const file of list.filter((f) => f.startsWith('stratus-red-team/'))) {
      for (const item of decodeText(read(file), file)) {
        if (item.kind !== 'record' || !CAUGHT_ELSEWHERE.has(item.record.eventName)) continue;
        const result = evaluate(item.record, exampleBaseline());
        if (result.kind === 'evaluated')
          caught.push(...result.findings.map((f) => `${item.record.eventName}:${f.ruleId}`));
      }
    }
    expect(caught.sort()).toEqual([
      'CreateAccessKey:iam.accesskey.long-lived',
      'CreateAccessKey:iam.accesskey.long-lived',
      'CreateUser:iam.user.unexpected',
    ]);
  });
});
