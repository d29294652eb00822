/** Trust policies: parsing, what each statement grants, and the judgement against a baseline's allowance. */
import { describe, expect, it } from 'vitest';
import { PolicyParseError } from '../../../src/core/errors.ts';
import type { TrustAllowance } from '../../../src/policy/trust.ts';
import { judgeTrust, parseTrustPolicy, trustGrants } from '../../../src/policy/trust.ts';

const OWN = '123456789012';
const FOREIGN = '193672423079';

const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
const ec2 = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };

/** A role the baseline does not describe, in account OWN. */
const unknownRole: TrustAllowance = {
  services: 'any',
  accounts: [OWN],
  principals: [],
  federated: 'own',
  externalId: 'optional',
  ownAccounts: [OWN],
};

const ec2Only: TrustAllowance = {
  services: ['ec2.amazonaws.com'],
  accounts: [],
  principals: [],
  federated: [],
  externalId: 'optional',
  ownAccounts: [OWN],
};

const kinds = (policy: unknown, allowance: TrustAllowance) =>
  judgeTrust(parseTrustPolicy(policy, 'trust'), allowance).map((e) => e.kind);

describe('parseTrustPolicy', () => {
  it('reads every principal form', () => {
    const policy = parseTrustPolicy(
      doc({
        Effect: 'Allow',
        Principal: {
          AWS: [
            '*',
            FOREIGN,
            `arn:aws:iam::${FOREIGN}:root`,
            `arn:aws:iam::${OWN}:role/ci`,
            `arn:aws:sts::${OWN}:assumed-role/ci/session`,
            'AROAEXAMPLEUNIQUEID01',
          ],
          Service: ['ec2.amazonaws.com', 'Lambda.amazonaws.com'],
          Federated: [
            'cognito-identity.amazonaws.com',
            `arn:aws:iam::${OWN}:saml-provider/Okta`,
            `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com`,
          ],
          CanonicalUser: 'abc',
        },
        Action: 'sts:AssumeRole',
      }),
      'trust',
    );
    expect(policy.statements[0]?.principals.map((p) => p.kind)).toEqual([
      'anyone',
      'account',
      'account',
      'arn',
      'arn',
      'unrecognised',
      'service',
      'service',
      'federated',
      'federated',
      'federated',
      'unrecognised',
    ]);
    expect(policy.statements[0]?.principals[7]).toMatchObject({ service: 'lambda.amazonaws.com' });
  });

  it('reads the URL-encoded text IAM returns the same as plain JSON', () => {
    const text = JSON.stringify(doc(ec2));
    expect(parseTrustPolicy(encodeURIComponent(text), 'trust')).toEqual(parseTrustPolicy(text, 'trust'));
  });

  it.each([
    ['not JSON', '{', /^trust: not valid JSON/],
    ['no statement', '{"Version":"2012-10-17"}', /^trust: Statement: missing$/],
    [
      'no principal',
      JSON.stringify(doc({ Effect: 'Allow', Action: 'sts:AssumeRole' })),
      /Principal or NotPrincipal/,
    ],
    ['bad effect', JSON.stringify(doc({ ...ec2, Effect: 'Maybe' })), /Statement\[0\]\.Effect: expected/],
    [
      'empty principal',
      JSON.stringify(doc({ ...ec2, Principal: {} })),
      /Statement\[0\]\.Principal: expected/,
    ],
    ['unknown element', JSON.stringify(doc({ ...ec2, Sneaky: 1 })), /Statement\[0\]\.Sneaky: unknown/],
  ])('names what is wrong and where: %s', (_name, text, message) => {
    expect(() => parseTrustPolicy(text, 'trust')).toThrow(PolicyParseError);
    expect(() => parseTrustPolicy(text, 'trust')).toThrow(message);
  });
});

describe('trustGrants', () => {
  it('keeps only the assume actions a principal can call', () => {
    const grants = trustGrants(
      parseTrustPolicy(
        doc(
          {
            Effect: 'Allow',
            Principal: { AWS: FOREIGN },
            Action: ['sts:TagSession', 'sts:SetSourceIdentity'],
          },
          { Effect: 'Allow', Principal: { AWS: FOREIGN }, Action: 'sts:AssumeRoleWithSAML' },
          {
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::${OWN}:saml-provider/Okta` },
            Action: 'sts:*',
          },
          { Effect: 'Allow', Principal: '*', NotAction: 'sts:AssumeRoleWithSAML' },
        ),
        'trust',
      ),
    );
    expect(grants.map((g) => [g.statement, g.actions])).toEqual([
      ['Statement[2]', ['sts:AssumeRoleWithSAML']],
      ['Statement[3]', ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity']],
    ]);
  });

  it('drops what an unconditioned Deny covers, and narrows by a negated Deny condition', () => {
    const grants = trustGrants(
      parseTrustPolicy(
        doc(
          { Effect: 'Allow', Principal: { AWS: [FOREIGN, OWN] }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: { AWS: FOREIGN }, Action: 'sts:*' },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sts:AssumeRole',
            Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-own' } },
          },
        ),
        'trust',
      ),
    );
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({
      principal: { kind: 'account', account: OWN },
      narrowedTo: [{ kind: 'orgs', values: ['o-own'] }],
    });
  });
});

describe('judgeTrust', () => {
  it('passes the seed roles as documented: EC2, Lambda, CodeBuild, API Gateway', () => {
    expect(kinds(doc(ec2), ec2Only)).toEqual([]);
    expect(kinds(doc(ec2), unknownRole)).toEqual([]);
    const lambda = { ...ec2, Principal: { Service: 'lambda.amazonaws.com' } };
    expect(kinds(doc(lambda), { ...ec2Only, services: ['lambda.amazonaws.com'] })).toEqual([]);
  });

  it("reports stratus-red-team's backdoor: the foreign account added beside EC2 (UpdateAssumeRolePolicy)", () => {
    const backdoored = doc(ec2, {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` },
      Action: 'sts:AssumeRole',
    });
    const excess = judgeTrust(parseTrustPolicy(backdoored, 'trust'), ec2Only);
    expect(excess).toEqual([
      {
        kind: 'foreign-account',
        statement: 'Statement[1]',
        principal: `arn:aws:iam::${FOREIGN}:root`,
        actions: ['sts:AssumeRole'],
        reason: `trusts an account outside the allowed ones: any principal of account ${FOREIGN} that its own policies allow`,
      },
    ]);
    expect(kinds(backdoored, unknownRole)).toEqual(['foreign-account']);
  });

  it.each([
    ['Principal "*"', { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }, 'anyone'],
    ['AWS "*"', { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:*' }, 'anyone'],
    [
      'Allow with NotPrincipal',
      { Effect: 'Allow', NotPrincipal: { AWS: OWN }, Action: 'sts:AssumeRole' },
      'anyone',
    ],
    [
      '"*" narrowed by an org',
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
      },
      'organization',
    ],
    [
      '"*" only when the key is present (IfExists narrows nothing)',
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'sts:AssumeRole',
        Condition: { StringEqualsIfExists: { 'aws:PrincipalAccount': OWN } },
      },
      'anyone',
    ],
    [
      'a role ARN of another account',
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN}:role/x` }, Action: 'sts:AssumeRole' },
      'foreign-account',
    ],
    [
      'an account given by id',
      { Effect: 'Allow', Principal: { AWS: FOREIGN }, Action: 'sts:AssumeRole' },
      'foreign-account',
    ],
    [
      'a unique id',
      { Effect: 'Allow', Principal: { AWS: 'AIDAEXAMPLE' }, Action: 'sts:AssumeRole' },
      'unrecognised',
    ],
    [
      'GitHub OIDC pinned only by audience',
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
      },
      'open-federation',
    ],
    [
      'Cognito without an identity pool',
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
      },
      'open-federation',
    ],
    [
      "another account's SAML provider",
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${FOREIGN}:saml-provider/X` },
        Action: 'sts:AssumeRoleWithSAML',
      },
      'foreign-account',
    ],
  ])('a role the baseline does not know: %s', (_name, statement, kind) => {
    expect(kinds(doc(statement), unknownRole)).toEqual([kind]);
  });

  it.each([
    [
      'the own account',
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: 'sts:AssumeRole' },
    ],
    [
      'a user of the own account',
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${OWN}:user/aimodelshare-admin` },
        Action: 'sts:AssumeRole',
      },
    ],
    [
      '"*" narrowed to the own account',
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalAccount': OWN } },
      },
    ],
    [
      'GitHub OIDC pinned to a repository',
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:me/app:*' } },
      },
    ],
    [
      'a foreign account denied outright',
      [
        { Effect: 'Allow', Principal: { AWS: FOREIGN }, Action: 'sts:AssumeRole' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:*',
          Condition: { StringNotEquals: { 'aws:PrincipalAccount': OWN } },
        },
      ],
    ],
    [
      'only session tags for a foreign account',
      { Effect: 'Allow', Principal: { AWS: FOREIGN }, Action: 'sts:TagSession' },
    ],
  ])('a role the baseline does not know, quiet: %s', (_name, statement) => {
    expect(kinds(doc(...[statement].flat()), unknownRole)).toEqual([]);
  });

  it('holds a described role to its list: services, accounts, principals, providers', () => {
    const own = { Effect: 'Allow', Principal: { AWS: OWN }, Action: 'sts:AssumeRole' };
    expect(kinds(doc(ec2, own), ec2Only)).toEqual(['principal']);
    const lambda = { ...ec2, Principal: { Service: 'lambda.amazonaws.com' } };
    expect(kinds(doc(lambda), ec2Only)).toEqual(['service']);
    const saml = {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${OWN}:saml-provider/Okta` },
      Action: 'sts:AssumeRoleWithSAML',
    };
    expect(kinds(doc(saml), ec2Only)).toEqual(['federated']);
    expect(kinds(doc(saml), { ...ec2Only, federated: ['Okta'] })).toEqual([]);
    const ci = {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OWN}:role/ci-deploy` },
      Action: 'sts:AssumeRole',
    };
    expect(kinds(doc(ci), { ...ec2Only, principals: [`arn:aws:iam::${OWN}:role/ci-*`] })).toEqual([]);
  });

  it("passes infra/member-account.yml's guardrail-remediator when the baseline lists the central account", () => {
    const CENTRAL = '111111111111';
    const remediator = doc({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${CENTRAL}:root` },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'sts:ExternalId': 'secret', 'aws:PrincipalOrgID': 'o-abc' },
        ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${CENTRAL}:role/guardrail-*` },
      },
    });
    const member = { ...unknownRole, ownAccounts: [OWN] };
    expect(kinds(remediator, member)).toEqual(['foreign-account']);
    expect(kinds(remediator, { ...member, accounts: [OWN, CENTRAL], ownAccounts: [OWN, CENTRAL] })).toEqual(
      [],
    );
  });

  it('asks for sts:ExternalId on cross-account statements when the baseline requires it', () => {
    const partner: TrustAllowance = { ...ec2Only, services: [], accounts: [FOREIGN], externalId: 'required' };
    const trustPartner = { Effect: 'Allow', Principal: { AWS: FOREIGN }, Action: 'sts:AssumeRole' };
    expect(kinds(doc(trustPartner), partner)).toEqual(['external-id']);
    expect(kinds(doc(trustPartner), { ...partner, externalId: 'optional' })).toEqual([]);
    const withId = { ...trustPartner, Condition: { StringEquals: { 'sts:ExternalId': 'partner-42' } } };
    expect(kinds(doc(withId), partner)).toEqual([]);
    const anyId = { ...trustPartner, Condition: { StringLike: { 'sts:ExternalId': '*' } } };
    expect(kinds(doc(anyId), partner)).toEqual(['external-id']);
  });
});
