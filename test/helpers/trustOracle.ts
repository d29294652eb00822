/**
 * An independent, concrete model of how STS decides an assume-role request against a trust policy, over a
 * small universe of principals (own, same-organisation and foreign accounts; services acting for some account;
 * shared and private identity providers, with the account's own and a stranger's tokens). The property tests
 * hold src/policy/trust.ts to it: whatever `judgeTrust` passes, no request of the universe that this model lets
 * through may fall outside the allowance. It reads the raw JSON, not the module's parse, on purpose.
 */
import { globMatch } from '../../src/policy/glob.ts';
import type { TrustAllowance } from '../../src/policy/trust.ts';

export const OWN = '111111111111';
export const OWN2 = '222222222222';
/** Another account of the same organisation. */
export const SIBLING = '333333333333';
export const EVIL = '444444444444';
export const ACCOUNTS = [OWN, OWN2, SIBLING, EVIL] as const;
export const ORG_OF: Readonly<Record<string, string>> = {
  [OWN]: 'o-own',
  [OWN2]: 'o-own',
  [SIBLING]: 'o-own',
  [EVIL]: 'o-evil',
};
export const SERVICES = ['ec2.amazonaws.com', 'lambda.amazonaws.com', 'codebuild.amazonaws.com'] as const;
export const GITHUB = `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com`;
export const OWN_SAML = `arn:aws:iam::${OWN}:saml-provider/Okta`;
export const EVIL_SAML = `arn:aws:iam::${EVIL}:saml-provider/Evil`;
export const COGNITO = 'cognito-identity.amazonaws.com';
export const ROLE_NAMES = ['role/app', 'role/ci-deploy', 'user/alice'] as const;

export type Json = Record<string, unknown>;

/** One concrete AssumeRole* call. */
export interface Request {
  readonly label: string;
  readonly kind: 'aws' | 'service' | 'federated';
  readonly action: string;
  /** AWS principals. */
  readonly account?: string;
  readonly arn?: string;
  readonly service?: string;
  readonly provider?: string;
  /** Whether a federated identity belongs to the account's own tenant (its app, pool, repository). */
  readonly ownTenant?: boolean;
  readonly context: Readonly<Record<string, string>>;
}

function awsRequests(): Request[] {
  const out: Request[] = [];
  for (const account of ACCOUNTS) {
    for (const name of ROLE_NAMES) {
      const arn = `arn:aws:iam::${account}:${name}`;
      for (const externalId of [undefined, 'ext-123']) {
        out.push({
          label: `${arn}${externalId ? ' +ExternalId' : ''}`,
          kind: 'aws',
          action: 'sts:AssumeRole',
          account,
          arn,
          context: {
            'aws:principalaccount': account,
            'aws:principalarn': arn,
            'aws:principalorgid': ORG_OF[account] ?? '',
            'aws:principalisawsservice': 'false',
            ...(externalId ? { 'sts:externalid': externalId } : {}),
          },
        });
      }
    }
  }
  return out;
}

function serviceRequests(): Request[] {
  return SERVICES.flatMap((service) =>
    [undefined, OWN, EVIL].map((source) => ({
      label: `${service}${source ? ` for ${source}` : ''}`,
      kind: 'service' as const,
      action: 'sts:AssumeRole',
      service,
      context: {
        'aws:principalisawsservice': 'true',
        ...(source
          ? { 'aws:sourceaccount': source, 'aws:sourcearn': `arn:aws:sqs:us-east-1:${source}:q` }
          : {}),
      },
    })),
  );
}

function federatedRequests(): Request[] {
  const host = 'token.actions.githubusercontent.com';
  return [
    ...['pool-own', 'pool-evil'].map((aud) => ({
      label: `cognito ${aud}`,
      kind: 'federated' as const,
      action: 'sts:AssumeRoleWithWebIdentity',
      provider: COGNITO,
      ownTenant: aud === 'pool-own',
      context: {
        'cognito-identity.amazonaws.com:aud': aud,
        'cognito-identity.amazonaws.com:amr': 'authenticated',
      },
    })),
    ...['repo:me/app:ref:refs/heads/main', 'repo:evil/x:ref:refs/heads/main'].map((sub) => ({
      label: `github ${sub}`,
      kind: 'federated' as const,
      action: 'sts:AssumeRoleWithWebIdentity',
      provider: GITHUB,
      ownTenant: sub.startsWith('repo:me/'),
      context: { [`${host}:sub`]: sub, [`${host}:aud`]: 'sts.amazonaws.com' },
    })),
    ...[OWN_SAML, EVIL_SAML].map((provider) => ({
      label: `saml ${provider}`,
      kind: 'federated' as const,
      action: 'sts:AssumeRoleWithSAML',
      provider,
      ownTenant: true,
      context: { 'saml:aud': 'https://signin.aws.amazon.com/saml' },
    })),
  ];
}

export const UNIVERSE: readonly Request[] = [...awsRequests(), ...serviceRequests(), ...federatedRequests()];

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)]);

/**
 * Whether a Principal element names the request's caller. A typed wildcard (`{"AWS": "*"}`) is read the way
 * that lets the most through: in an Allow it matches every caller, in a Deny only callers of its type (services
 * differ on this, and the judgement must hold for the worst of them).
 */
function principalMatches(principal: unknown, request: Request, effect: 'Allow' | 'Deny'): boolean {
  if (principal === '*') return true;
  const entries = Object.entries(principal as Json);
  const typeOf = { aws: 'AWS', service: 'Service', federated: 'Federated' }[request.kind];
  return entries.some(([type, values]) =>
    list(values).some((value) => {
      if (value === '*') return effect === 'Allow' || type === typeOf;
      switch (type) {
        case 'AWS':
          return (
            request.kind === 'aws' &&
            (value === request.account ||
              value === `arn:aws:iam::${request.account}:root` ||
              value === request.arn)
          );
        case 'Service':
          return request.kind === 'service' && value === request.service;
        case 'Federated':
          return request.kind === 'federated' && value === request.provider;
        default:
          return false;
      }
    }),
  );
}

function conditionHolds(operator: string, key: string, expected: string[], request: Request): boolean {
  const colon = operator.indexOf(':');
  const qualifier = colon === -1 ? '' : operator.slice(0, colon);
  let base = colon === -1 ? operator : operator.slice(colon + 1);
  const ifExists = base.endsWith('IfExists');
  if (ifExists) base = base.slice(0, -'IfExists'.length);
  const value = request.context[key.toLowerCase()];
  if (base === 'Null') return expected.every((e) => (e === 'true') === (value === undefined));
  if (value === undefined) {
    if (ifExists || qualifier === 'ForAllValues') return true;
    return base.includes('Not');
  }
  const match = (e: string): boolean => {
    switch (base.replace('Not', '')) {
      case 'StringEquals':
        return e === value;
      case 'StringEqualsIgnoreCase':
        return e.toLowerCase() === value.toLowerCase();
      case 'StringLike':
      case 'ArnLike':
      case 'ArnEquals':
        return globMatch(e, value);
      case 'Bool':
        return e.toLowerCase() === value.toLowerCase();
      default:
        throw new Error(`oracle: operator ${operator} not modelled`);
    }
  };
  const any = expected.some(match);
  return base.includes('Not') ? !any : any;
}

function applies(statement: Json, request: Request): boolean {
  const effect = statement.Effect as 'Allow' | 'Deny';
  const principalOk =
    statement.NotPrincipal !== undefined
      ? !principalMatches(statement.NotPrincipal, request, effect === 'Allow' ? 'Deny' : 'Allow')
      : principalMatches(statement.Principal, request, effect);
  if (!principalOk) return false;
  const actions = list(statement.Action ?? statement.NotAction);
  const hit = actions.some((a) => globMatch(a, request.action, true));
  if (statement.NotAction !== undefined ? hit : !hit) return false;
  const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(condition).every(([operator, block]) =>
    Object.entries(block).every(([key, values]) => conditionHolds(operator, key, list(values), request)),
  );
}

/** Whether STS would let the request through this trust policy (the role's own account's view). */
export function oracleAllows(policy: { Statement: Json[] }, request: Request): boolean {
  const statements = policy.Statement;
  if (statements.some((s) => s.Effect === 'Deny' && applies(s, request))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s, request));
}

const SHARED = new Set([COGNITO, GITHUB]);

/** Whether the allowance means to let this request through. */
export function permitted(allowance: TrustAllowance, request: Request): boolean {
  const covers = (globs: readonly string[], value: string) => globs.some((g) => globMatch(g, value, true));
  switch (request.kind) {
    case 'aws': {
      const account = request.account ?? '';
      const who = covers(allowance.accounts, account) || covers(allowance.principals, request.arn ?? '');
      const cross = !allowance.ownAccounts.includes(account);
      return who && !(allowance.externalId === 'required' && cross && !request.context['sts:externalid']);
    }
    case 'service':
      return allowance.services === 'any' || covers(allowance.services, request.service ?? '');
    case 'federated': {
      const provider = request.provider ?? '';
      if (SHARED.has(provider) && !request.ownTenant) return false;
      const account = /^arn:aws:iam::(\d{12}):/.exec(provider)?.[1];
      if (allowance.federated === 'own')
        return account === undefined || allowance.ownAccounts.includes(account);
      const name = provider.slice(provider.indexOf('/') + 1);
      return allowance.federated.some(
        (entry) =>
          globMatch(entry, provider, true) ||
          (account !== undefined && allowance.ownAccounts.includes(account) && globMatch(entry, name, true)),
      );
    }
  }
}
