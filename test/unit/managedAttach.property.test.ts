/**
 * Properties of the managed path over the real AWS managed policies (their newest versions): attaching one
 * whose document fits the role's envelope gives no drift; attaching one the envelope does not cover gives
 * drift with a witness, the action left out. Each run goes through the whole engine, as `guardrail evaluate`
 * judges an AttachRolePolicy record.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/types.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import { offlineKnowledge } from '../../src/knowledge/offline.ts';
import { expandActionPattern } from '../../src/policy/catalogue.ts';
import type { ManagedPolicyVersion } from '../../src/policy/managed.ts';
import { latestManagedPolicies } from '../../src/policy/managed.ts';
import { normalizeStatements } from '../../src/policy/parse.ts';
import { baselineFrom } from '../helpers/baseline.ts';
import { ensureManagedPolicyData } from '../helpers/policyManaged.ts';
import { attachPolicy } from '../helpers/records.ts';

/** A property run checks correctness, not speed: a large managed policy takes a second on a loaded machine. */
const PROPERTY_TIMEOUT_MS = 120_000;
/** Documents under this many statements keep each run short; they are most of the set. */
const MAX_STATEMENTS = 12;

interface Candidate {
  readonly arn: string;
  readonly version: ManagedPolicyVersion;
  readonly statements: readonly Record<string, unknown>[];
}

let candidates: Candidate[] = [];

beforeAll(() => {
  ensureManagedPolicyData();
  candidates = latestManagedPolicies()
    .map(({ arn, version }) => ({ arn, version, statements: version.document.Statement }))
    .filter(({ statements, arn }) => {
      if (statements.length === 0 || statements.length > MAX_STATEMENTS) return false;
      try {
        // The baseline schema takes these statement elements only (and checks them like IAM).
        normalizeStatements([...statements], arn);
        return statements.every((s) =>
          Object.keys(s).every((k) =>
            ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'].includes(k),
          ),
        );
      } catch {
        return false;
      }
    });
}, 120_000);

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? (value as string[]) : value === undefined ? [] : [value as string];

/** The role `app` with these statements as its envelope; JSON is YAML. */
function baselineWith(statements: readonly unknown[]) {
  return baselineFrom(JSON.stringify({ version: 1, roles: { app: { permissions: statements } } }));
}

function driftOf(arn: string, statements: readonly unknown[]): Finding | undefined {
  const checked = checkRecord(attachPolicy('Role', 'app', arn, { eventTime: '2030-01-01T00:00:00Z' }));
  if (!checked.ok) throw new Error(checked.reason);
  const result = evaluate(checked.record, baselineWith(statements), {
    knowledge: offlineKnowledge().knowledge(),
  });
  if (result.kind !== 'evaluated') throw new Error(result.skip.reason);
  expect(result.findings.map((f) => f.ruleId)).not.toContain('iam.policy.unknown-document');
  return result.findings.find((f) => f.ruleId === 'iam.policy.drift');
}

/**
 * An action the policy allows on every resource (an Allow on `*`, named by a listed pattern) and never denies:
 * an envelope that denies just that action cannot cover the policy.
 */
function allowedEverywhere(candidate: Candidate): string[] {
  const denied = candidate.statements
    .filter((s) => s.Effect === 'Deny')
    .flatMap((s) => asList(s.Action ?? s.NotAction));
  return candidate.statements
    .filter(
      (s) =>
        s.Effect === 'Allow' &&
        s.Action !== undefined &&
        asList(s.Resource).includes('*') &&
        s.Condition === undefined,
    )
    .flatMap((s) => asList(s.Action))
    .flatMap((pattern) => {
      const expansion = expandActionPattern(pattern);
      return expansion.kind === 'unknown' ? [] : expansion.actions.map((a) => a.name);
    })
    .filter(
      (action) =>
        denied.length === 0 ||
        !denied.some(
          (d) =>
            d === '*' ||
            d.toLowerCase() === action.toLowerCase() ||
            (d.endsWith('*') && action.toLowerCase().startsWith(d.slice(0, -1).toLowerCase())),
        ),
    );
}

describe('attaching AWS managed policies (properties over the real set)', () => {
  it(
    'a policy whose document fits the role envelope gives no drift',
    () => {
      const extra = fc.constantFrom(
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::unrelated/*' },
        { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' },
      );
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.array(extra, { maxLength: 2 }),
          (pick, extras) => {
            const candidate = candidates[pick % candidates.length] as Candidate;
            // The envelope: the policy's own statements, in another order, with unrelated grants beside them.
            const envelope = [...extras, ...[...candidate.statements].reverse()];
            expect(driftOf(candidate.arn, envelope), candidate.arn).toBeUndefined();
          },
        ),
        { numRuns: 40 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'a policy granting an action the envelope denies gives drift, with that action as a witness',
    () => {
      const withActions = () => candidates.filter((c) => allowedEverywhere(c).length > 0);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.integer({ min: 0, max: 1_000_000 }),
          (pick, which) => {
            const pool = withActions();
            const candidate = pool[pick % pool.length] as Candidate;
            const actions = allowedEverywhere(candidate);
            const action = actions[which % actions.length] as string;
            const envelope = [...candidate.statements, { Effect: 'Deny', Action: action, Resource: '*' }];
            const finding = driftOf(candidate.arn, envelope);
            expect(finding, `${candidate.arn} with ${action} denied`).toBeDefined();
            const witnesses = (finding?.details.newAccess ?? []) as { action: string }[];
            expect(witnesses.map((w) => w.action.toLowerCase())).toContain(action.toLowerCase());
          },
        ),
        { numRuns: 25 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
