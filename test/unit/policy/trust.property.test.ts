/**
 * Properties of the trust judgement against an independent concrete model of STS (test/helpers/trustOracle.ts):
 * whatever judgeTrust passes lets no request of the universe through that the allowance does not mean to
 * allow (soundness); without conditions and Denies, it reports something exactly when such a request exists
 * (no false alarm on the plain policies people write); spelling and order never change the verdict.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrustAllowance } from '../../../src/policy/trust.ts';
import { judgeTrust, parseTrustPolicy } from '../../../src/policy/trust.ts';
import type { Json } from '../../helpers/trustOracle.ts';
import {
  ACCOUNTS,
  COGNITO,
  EVIL,
  EVIL_SAML,
  GITHUB,
  OWN,
  OWN_SAML,
  OWN2,
  oracleAllows,
  permitted,
  SERVICES,
  SIBLING,
  UNIVERSE,
} from '../../helpers/trustOracle.ts';

/** Correctness, not speed: a loaded machine may take a while over a few thousand policies. */
const PROPERTY_TIMEOUT_MS = 60_000;

const AWS_VALUES = [
  '*',
  OWN,
  `arn:aws:iam::${OWN2}:root`,
  `arn:aws:iam::${SIBLING}:root`,
  EVIL,
  `arn:aws:iam::${OWN}:role/app`,
  `arn:aws:iam::${OWN}:role/ci-deploy`,
  `arn:aws:iam::${EVIL}:role/ci-deploy`,
  `arn:aws:iam::${SIBLING}:user/alice`,
];
const FEDERATED_VALUES = [COGNITO, GITHUB, OWN_SAML, EVIL_SAML, '*'];

const oneOrMany = (values: readonly string[]) =>
  fc
    .shuffledSubarray([...values], { minLength: 1, maxLength: 3 })
    .map((picked) => (picked.length === 1 ? picked[0] : picked));

function principalArb(plain: boolean): fc.Arbitrary<unknown> {
  const aws = plain ? AWS_VALUES.filter((v) => v !== '*') : AWS_VALUES;
  const services = plain ? [...SERVICES] : [...SERVICES, '*'];
  const federated = plain ? FEDERATED_VALUES.filter((v) => v !== '*') : FEDERATED_VALUES;
  const object = fc
    .record(
      { AWS: oneOrMany(aws), Service: oneOrMany(services), Federated: oneOrMany(federated) },
      { requiredKeys: [] },
    )
    .filter((o) => Object.keys(o).length > 0);
  return plain
    ? object
    : fc.oneof({ weight: 1, arbitrary: fc.constant('*') }, { weight: 6, arbitrary: object });
}

const actionArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      Action: oneOrMany([
        'sts:AssumeRole',
        'sts:AssumeRoleWithWebIdentity',
        'sts:AssumeRoleWithSAML',
        'sts:TagSession',
        'sts:SetSourceIdentity',
        'sts:*',
        'sts:Assume*',
        'STS:assumerole',
        '*',
      ]),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ NotAction: oneOrMany(['sts:TagSession', 'sts:AssumeRoleWithSAML', 'iam:*']) }),
  },
);

const ALLOW_CONDITIONS: readonly Json[] = [
  { StringEquals: { 'sts:ExternalId': 'ext-123' } },
  { Null: { 'sts:ExternalId': 'false' } },
  { StringLike: { 'sts:ExternalId': '*' } },
  { StringEquals: { 'aws:PrincipalOrgID': 'o-own' } },
  { StringEquals: { 'aws:PrincipalAccount': OWN } },
  { StringEquals: { 'aws:PrincipalAccount': [OWN, EVIL] } },
  { StringLike: { 'aws:PrincipalAccount': '*' } },
  { StringEqualsIfExists: { 'aws:PrincipalAccount': OWN } },
  { 'ForAllValues:StringEquals': { 'aws:PrincipalAccount': OWN } },
  { 'ForAnyValue:StringEquals': { 'aws:PrincipalAccount': OWN2 } },
  { StringEquals: { 'aws:SourceAccount': OWN } },
  { ArnLike: { 'aws:SourceArn': `arn:aws:sqs:*:${OWN}:*` } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OWN}:role/ci-*` } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci-*' } },
  { Bool: { 'aws:PrincipalIsAWSService': 'true' } },
  { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'pool-own' } },
  { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
  { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:me/*' } },
  { StringLike: { 'token.actions.githubusercontent.com:sub': '*' } },
  { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
  { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
];

const DENY_CONDITIONS: readonly (Json | undefined)[] = [
  undefined,
  { StringNotEquals: { 'aws:PrincipalAccount': [OWN, OWN2] } },
  { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-own' } },
  { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${OWN}:role/ci-*` } },
  { StringEquals: { 'aws:PrincipalAccount': EVIL } },
  { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
];

/** Condition blocks merged operator by operator, as one Condition element. */
function merge(blocks: readonly Json[]): Json | undefined {
  if (blocks.length === 0) return undefined;
  const out: Record<string, Json> = {};
  for (const block of blocks)
    for (const [op, keys] of Object.entries(block)) out[op] = { ...(out[op] ?? {}), ...(keys as Json) };
  return out;
}

function statementArb(effect: 'Allow' | 'Deny', plain: boolean): fc.Arbitrary<Json> {
  const conditions: fc.Arbitrary<Json | undefined> = plain
    ? fc.constant(undefined)
    : effect === 'Allow'
      ? fc.shuffledSubarray([...ALLOW_CONDITIONS], { maxLength: 2 }).map(merge)
      : fc.constantFrom(...DENY_CONDITIONS);
  const principal = fc.oneof(
    { weight: 8, arbitrary: principalArb(plain).map((p) => ({ Principal: p })) },
    {
      weight: plain ? 0 : 1,
      arbitrary: principalArb(true).map((p) => ({ NotPrincipal: p })),
    },
  );
  return fc.tuple(principal, actionArb, conditions).map(([p, a, c]) => ({
    Effect: effect,
    ...p,
    ...a,
    ...(c ? { Condition: c } : {}),
  }));
}

const policyArb = (plain: boolean) =>
  fc
    .tuple(
      fc.array(statementArb('Allow', plain), { minLength: 1, maxLength: 3 }),
      plain ? fc.constant([]) : fc.array(statementArb('Deny', false), { maxLength: 2 }),
    )
    .chain(([allows, denies]) =>
      fc.shuffledSubarray([...allows, ...denies], { minLength: allows.length + denies.length }),
    )
    .map((Statement) => ({ Version: '2012-10-17', Statement }));

const ownAccountsArb = fc.constantFrom([OWN], [OWN, OWN2]);

const allowanceArb: fc.Arbitrary<TrustAllowance> = fc.oneof(
  // A role the baseline does not describe.
  ownAccountsArb.map((own) => ({
    services: 'any' as const,
    accounts: own,
    principals: [],
    federated: 'own' as const,
    externalId: 'optional' as const,
    ownAccounts: own,
  })),
  // A role with a trust section.
  fc.record({
    services: fc.subarray([...SERVICES]),
    accounts: fc.subarray([...ACCOUNTS]),
    principals: fc.subarray([`arn:aws:iam::${OWN}:role/ci-*`, `arn:aws:iam::${SIBLING}:user/*`, '*']),
    federated: fc.subarray([COGNITO, 'token.actions.githubusercontent.com', OWN_SAML, EVIL_SAML, 'Okta']),
    externalId: fc.constantFrom('required' as const, 'optional' as const),
    ownAccounts: ownAccountsArb,
  }),
);

/** The first request of the universe the policy lets through and the allowance does not allow. */
function counterexample(policy: { Statement: Json[] }, allowance: TrustAllowance): string | undefined {
  return UNIVERSE.find((r) => oracleAllows(policy, r) && !permitted(allowance, r))?.label;
}

describe('trust judgement properties', () => {
  it(
    'is sound: a policy it passes lets no request through that the allowance does not allow',
    () => {
      fc.assert(
        fc.property(policyArb(false), allowanceArb, (policy, allowance) => {
          const excess = judgeTrust(parseTrustPolicy(JSON.stringify(policy), 'p'), allowance);
          if (excess.length === 0) expect(counterexample(policy, allowance)).toBeUndefined();
        }),
        { numRuns: 3000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'is exact on plain policies: something is reported exactly when a disallowed request gets through',
    () => {
      fc.assert(
        fc.property(policyArb(true), allowanceArb, (policy, allowance) => {
          const excess = judgeTrust(parseTrustPolicy(policy, 'p'), allowance);
          expect(excess.length > 0).toBe(counterexample(policy, allowance) !== undefined);
        }),
        { numRuns: 2000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'reads JSON text, URL-encoded text and objects alike, and ignores statement order',
    () => {
      fc.assert(
        fc.property(policyArb(false), allowanceArb, (policy, allowance) => {
          const kinds = (input: unknown) =>
            judgeTrust(parseTrustPolicy(input, 'p'), allowance)
              .map((e) => `${e.kind} ${e.principal}`)
              .sort();
          const reference = kinds(policy);
          expect(kinds(JSON.stringify(policy, null, 2))).toEqual(reference);
          expect(kinds(encodeURIComponent(JSON.stringify(policy)))).toEqual(reference);
          expect(kinds({ ...policy, Statement: [...policy.Statement].reverse() })).toEqual(reference);
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'never reports less when a statement is added, nor more when an unconditioned Deny of everyone is',
    () => {
      fc.assert(
        fc.property(
          policyArb(false),
          statementArb('Allow', false),
          allowanceArb,
          (policy, extra, allowance) => {
            const count = (statements: Json[]) =>
              judgeTrust(parseTrustPolicy({ Statement: statements }, 'p'), allowance).length;
            expect(count([...policy.Statement, extra])).toBeGreaterThanOrEqual(count(policy.Statement));
            const denyAll = { Effect: 'Deny', Principal: '*', Action: 'sts:*' };
            expect(count([...policy.Statement, denyAll])).toBe(0);
          },
        ),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
