/**
 * Role trust policies: who may assume a role (iam.role.trust). A trust policy is a resource policy whose
 * statements name principals instead of resources; this module parses one, lists what each statement grants
 * (`trustGrants`: a principal, the assume actions it may call, the conditions that narrow it) and judges those
 * grants against what a baseline allows (`judgeTrust`).
 *
 * The judgement is sound: a grant passes only when every request it can let through is allowed. Conditions
 * narrow a grant only when they provably hold for every request that gets through (a positive operator on a
 * key that is then present); a Deny removes or narrows a grant only when it provably applies. Anything this
 * module cannot place (an unknown principal form, a condition it does not model) counts against the policy,
 * never for it.
 */
import { globCovers, globMatch } from './glob.ts';
import { decodePolicyText, fail, isRecord, statementHead } from './parse.ts';

/** The STS actions that start a role session; TagSession, SetSourceIdentity and SetContext only accompany one. */
export const ASSUME_ACTIONS = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithWebIdentity',
  'sts:AssumeRoleWithSAML',
] as const;
export type AssumeAction = (typeof ASSUME_ACTIONS)[number];

export type TrustPrincipal =
  /**
   * `"*"` (type `*`), a principal type's `*` such as `{"AWS": "*"}` (type `AWS`), or an Allow with NotPrincipal.
   * An Allow of any of them is read as trusting everyone; a Deny of a typed one covers only that type.
   */
  | { readonly kind: 'anyone'; readonly type: string; readonly text: string }
  /** An account id or its root ARN: any principal of that account its own policies let through. */
  | { readonly kind: 'account'; readonly account: string; readonly text: string }
  /** A role, user or session ARN. `account` may be a pattern when the record carried a wildcard. */
  | { readonly kind: 'arn'; readonly account: string; readonly arn: string; readonly text: string }
  | { readonly kind: 'service'; readonly service: string; readonly text: string }
  /**
   * An identity provider: a SAML or OIDC provider ARN (in `account`), or a public one by name
   * (cognito-identity.amazonaws.com, accounts.google.com...). `host` is the name its claim keys start with.
   */
  | {
      readonly kind: 'federated';
      readonly provider: string;
      readonly protocol: 'saml' | 'web';
      readonly host: string;
      readonly account?: string;
      readonly text: string;
    }
  /** A principal form this module cannot place (a unique id, a canonical user, an unknown type). */
  | { readonly kind: 'unrecognised'; readonly type: string; readonly text: string };

export interface TrustCondition {
  /** As written, e.g. `ForAnyValue:StringLike`. */
  readonly operator: string;
  readonly base: string;
  readonly qualifier: string;
  readonly ifExists: boolean;
  /** Lower-cased: condition keys are case-insensitive. */
  readonly key: string;
  readonly values: readonly string[];
}

export interface TrustStatement {
  readonly path: string;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** NotPrincipal: IAM refuses it in trust policies; an Allow with it is read as trusting everyone. */
  readonly notPrincipal: boolean;
  readonly principals: readonly TrustPrincipal[];
  readonly actions: { readonly negated: boolean; readonly patterns: readonly string[] };
  readonly conditions: readonly TrustCondition[];
}

export interface TrustPolicy {
  readonly version?: string;
  readonly statements: readonly TrustStatement[];
}

/** What a condition (or a Deny) provably restricts a grant to. */
export type Narrowing =
  /** Principals of these accounts (aws:PrincipalAccount); values may be globs. */
  | { readonly kind: 'accounts'; readonly key: string; readonly values: readonly string[] }
  /** Principals with these ARNs (aws:PrincipalArn). */
  | { readonly kind: 'arns'; readonly key: string; readonly values: readonly string[] }
  /** Principals in these organisations or organisation paths (aws:PrincipalOrgID, aws:PrincipalOrgPaths). */
  | { readonly kind: 'orgs'; readonly key: string; readonly values: readonly string[] }
  /** AWS services acting for these accounts (aws:SourceAccount, aws:SourceOwner, aws:SourceArn). */
  | { readonly kind: 'source-accounts'; readonly key: string; readonly values: readonly string[] }
  /** AWS services only (aws:PrincipalIsAWSService true). */
  | { readonly kind: 'services'; readonly key: string; readonly values: readonly string[] };

export interface TrustGrant {
  readonly statement: string;
  readonly sid?: string;
  readonly principal: TrustPrincipal;
  /** The assume actions this principal may call under the statement. */
  readonly actions: readonly AssumeAction[];
  readonly narrowedTo: readonly Narrowing[];
  /** The statement requires sts:ExternalId (a positive condition on it, or Null false). */
  readonly externalId: boolean;
  /** A web identity grant restricted to one tenant of a shared provider by a claim condition. */
  readonly federationScoped: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

function stringList(value: unknown, where: string, path: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
    return value as string[];
  }
  return fail(where, path, 'expected a string or a non-empty list of strings');
}

const ACCOUNT = /^\d{12}$/;
const PRINCIPAL_ARN = /^arn:aws[\w-]*:(iam|sts)::([^:]*):(.+)$/;
const PROVIDER_ARN = /^arn:aws[\w-]*:iam::([^:]*):(saml-provider|oidc-provider)\/(.+)$/;

function awsPrincipal(text: string): TrustPrincipal {
  if (text === '*') return { kind: 'anyone', type: 'AWS', text };
  if (ACCOUNT.test(text)) return { kind: 'account', account: text, text };
  const match = PRINCIPAL_ARN.exec(text);
  if (!match) return { kind: 'unrecognised', type: 'AWS', text };
  const [, service, account = '', rest = ''] = match;
  if (account === '') return { kind: 'unrecognised', type: 'AWS', text };
  if (service === 'iam' && rest === 'root') return { kind: 'account', account, text };
  const principal =
    service === 'iam' ? /^(role|user)\/./.test(rest) : /^(assumed-role|federated-user)\/./.test(rest);
  return principal ? { kind: 'arn', account, arn: text, text } : { kind: 'unrecognised', type: 'AWS', text };
}

function federatedPrincipal(text: string): TrustPrincipal {
  if (text === '*') return { kind: 'anyone', type: 'Federated', text };
  const match = PROVIDER_ARN.exec(text);
  if (match) {
    const [, account = '', type, name = ''] = match;
    return {
      kind: 'federated',
      provider: text,
      protocol: type === 'saml-provider' ? 'saml' : 'web',
      host: type === 'saml-provider' ? 'saml' : name.toLowerCase(),
      account,
      text,
    };
  }
  if (/^[a-z0-9.-]+\.[a-z]{2,}(\/[\w./-]*)?$/i.test(text)) {
    return { kind: 'federated', provider: text, protocol: 'web', host: text.toLowerCase(), text };
  }
  return { kind: 'unrecognised', type: 'Federated', text };
}

function principalsOf(value: unknown, where: string, path: string): TrustPrincipal[] {
  if (value === '*') return [{ kind: 'anyone', type: '*', text: '*' }];
  if (!isRecord(value) || Object.keys(value).length === 0) {
    return fail(where, path, 'expected "*" or an object of principal types');
  }
  const principals: TrustPrincipal[] = [];
  for (const [type, raw] of Object.entries(value)) {
    const texts = stringList(raw, where, `${path}.${type}`);
    for (const text of texts) {
      switch (type.toLowerCase()) {
        case 'aws':
          principals.push(awsPrincipal(text));
          break;
        case 'service':
          principals.push(
            text === '*'
              ? { kind: 'anyone', type: 'Service', text }
              : { kind: 'service', service: text.toLowerCase(), text },
          );
          break;
        case 'federated':
          principals.push(federatedPrincipal(text));
          break;
        default:
          principals.push(
            text === '*' ? { kind: 'anyone', type, text } : { kind: 'unrecognised', type, text },
          );
      }
    }
  }
  return principals;
}

function conditionsOf(value: unknown, where: string, path: string): TrustCondition[] {
  if (value === undefined) return [];
  if (!isRecord(value)) return fail(where, path, 'expected an object of operators');
  const conditions: TrustCondition[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!isRecord(block)) return fail(where, `${path}.${operator}`, 'expected an object of condition keys');
    const colon = operator.indexOf(':');
    const qualifier = colon === -1 ? '' : operator.slice(0, colon);
    let base = colon === -1 ? operator : operator.slice(colon + 1);
    const ifExists = base.endsWith('IfExists');
    if (ifExists) base = base.slice(0, -'IfExists'.length);
    for (const [key, raw] of Object.entries(block)) {
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0 || !list.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
        return fail(
          where,
          `${path}.${operator}.${key}`,
          'expected a string, number, boolean or list of them',
        );
      }
      conditions.push({
        operator,
        base,
        qualifier,
        ifExists,
        key: key.toLowerCase(),
        values: list.map(String),
      });
    }
  }
  return conditions;
}

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Condition',
  // IAM refuses these in a trust policy; a record carrying them is read without them.
  'Resource',
  'NotResource',
]);

function statementOf(input: unknown, where: string, path: string): TrustStatement {
  const { raw, effect, sid } = statementHead(input, where, path, STATEMENT_KEYS, [
    ['Principal', 'NotPrincipal'],
    ['Action', 'NotAction'],
  ]);
  const notPrincipal = raw.NotPrincipal !== undefined;
  const principalKey = notPrincipal ? 'NotPrincipal' : 'Principal';
  const actionKey = raw.Action !== undefined ? 'Action' : 'NotAction';
  return {
    path,
    ...(sid !== undefined ? { sid } : {}),
    effect,
    notPrincipal,
    principals: principalsOf(raw[principalKey], where, `${path}.${principalKey}`),
    actions: {
      negated: actionKey === 'NotAction',
      patterns: [...new Set(stringList(raw[actionKey], where, `${path}.${actionKey}`))],
    },
    conditions: conditionsOf(raw.Condition, where, `${path}.Condition`),
  };
}

/** Parses a trust policy from JSON text (plain, or URL-encoded as IAM returns it) or a decoded object. */
export function parseTrustPolicy(input: unknown, where: string): TrustPolicy {
  const doc = typeof input === 'string' ? decodePolicyText(input, where) : input;
  if (!isRecord(doc)) return fail(where, '', 'expected a JSON object');
  if (doc.Version !== undefined && typeof doc.Version !== 'string')
    return fail(where, 'Version', 'expected a string');
  const raw = doc.Statement;
  if (raw === undefined) return fail(where, 'Statement', 'missing');
  if (Array.isArray(raw) && raw.length === 0)
    return fail(where, 'Statement', 'expected at least one statement');
  const statements = Array.isArray(raw)
    ? raw.map((s, index) => statementOf(s, where, `Statement[${index}]`))
    : [statementOf(raw, where, 'Statement')];
  return { ...(typeof doc.Version === 'string' ? { version: doc.Version } : {}), statements };
}

// ---------------------------------------------------------------------------------------------------------
// Grants

function actionAllowed(actions: TrustStatement['actions'], action: string): boolean {
  const hit = actions.patterns.some((pattern) => globMatch(pattern, action, true));
  return actions.negated ? !hit : hit;
}

/** The assume actions through which a principal of this kind can start a session. */
function relevantActions(principal: TrustPrincipal): readonly AssumeAction[] {
  switch (principal.kind) {
    case 'account':
    case 'arn':
    case 'service':
      return ['sts:AssumeRole'];
    case 'federated':
      return principal.protocol === 'saml' ? ['sts:AssumeRoleWithSAML'] : ['sts:AssumeRoleWithWebIdentity'];
    default:
      return ASSUME_ACTIONS;
  }
}

/** Operators that hold only when the key is present and matches one of the values. */
const POSITIVE = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike']);
/** Operators that hold when the key is absent or matches none of the values. */
const NEGATIVE = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'ArnNotEquals',
  'ArnNotLike',
]);

/** A condition that provably holds only for requests carrying the key with one of its values. */
function positive(condition: TrustCondition): boolean {
  return (
    POSITIVE.has(condition.base) &&
    !condition.ifExists &&
    (condition.qualifier === '' || condition.qualifier === 'ForAnyValue')
  );
}

/** The account a source ARN names (`arn:aws:sqs:us-east-1:123456789012:q` → 123456789012), or a pattern. */
function accountOfArn(arn: string): string {
  const parts = arn.split(':');
  return parts.length >= 6 ? (parts[4] ?? '*') || '*' : '*';
}

function narrowingOf(condition: TrustCondition): Narrowing | undefined {
  const { key, values } = condition;
  switch (key) {
    case 'aws:principalaccount':
      return { kind: 'accounts', key, values };
    case 'aws:principalarn':
      return { kind: 'arns', key, values };
    case 'aws:principalorgid':
    case 'aws:principalorgpaths':
      return { kind: 'orgs', key, values };
    case 'aws:sourceaccount':
    case 'aws:sourceowner':
      return { kind: 'source-accounts', key, values };
    case 'aws:sourcearn':
      return { kind: 'source-accounts', key, values: values.map(accountOfArn) };
    default:
      return undefined;
  }
}

/** Claims that pin a shared identity provider's tokens to one tenant (app, pool, repository). */
const SHARED_PROVIDERS: Readonly<Record<string, (claim: string) => boolean>> = {
  'cognito-identity.amazonaws.com': (claim) => claim === 'aud',
  'accounts.google.com': (claim) => claim === 'aud' || claim === 'oaud' || claim === 'sub',
  'graph.facebook.com': (claim) => claim === 'app_id' || claim === 'id',
  'www.amazon.com': (claim) => claim === 'app_id' || claim === 'user_id',
  // Every GitHub, GitLab or Terraform Cloud token has the same audience: only the subject's claims pin it.
  'token.actions.githubusercontent.com': (claim) => claim !== 'aud',
  'gitlab.com': (claim) => claim !== 'aud',
  'app.terraform.io': (claim) => claim !== 'aud',
};

/** Whether a web identity provider issues tokens to anyone who signs up (its tenants are not the account's). */
export function sharedProvider(principal: TrustPrincipal): boolean {
  return (
    principal.kind === 'federated' && principal.protocol !== 'saml' && principal.host in SHARED_PROVIDERS
  );
}

function scopesFederation(principal: TrustPrincipal, condition: TrustCondition): boolean {
  if (principal.kind !== 'federated' || !positive(condition)) return false;
  const prefix = `${principal.host}:`;
  if (!condition.key.startsWith(prefix)) return false;
  const pins = SHARED_PROVIDERS[principal.host];
  const claim = condition.key.slice(prefix.length);
  // A value that is nothing but wildcards pins nothing.
  return (pins ? pins(claim) : true) && condition.values.every((v) => !/^[*?]*$/.test(v));
}

function requiresExternalId(conditions: readonly TrustCondition[]): boolean {
  return conditions.some(
    (c) =>
      c.key === 'sts:externalid' &&
      ((positive(c) && c.values.every((v) => v !== '*')) ||
        (c.base === 'Null' && c.values.every((v) => v.toLowerCase() === 'false'))),
  );
}

/** The principal type of a concrete grant's principal, as a Deny of `{"TYPE": "*"}` would name it. */
function typeOf(principal: TrustPrincipal): string | undefined {
  switch (principal.kind) {
    case 'account':
    case 'arn':
      return 'aws';
    case 'service':
    case 'federated':
      return principal.kind;
    default:
      return undefined;
  }
}

/**
 * Whether a Deny statement's principal provably covers a grant's principal. `"*"` covers every principal;
 * `{"AWS": "*"}` only AWS principals (some services read it so), and likewise for the other types: never a
 * wildcard grant, which may reach beyond its type.
 */
function denyCovers(deny: TrustPrincipal, grant: TrustPrincipal): boolean {
  switch (deny.kind) {
    case 'anyone':
      return deny.type === '*' || typeOf(grant) === deny.type.toLowerCase();
    case 'account':
      return (grant.kind === 'account' || grant.kind === 'arn') && globCovers(deny.account, grant.account);
    case 'arn':
      return grant.kind === 'arn' && globCovers(deny.arn, grant.arn);
    case 'service':
      return grant.kind === 'service' && grant.service === deny.service;
    case 'federated':
      return grant.kind === 'federated' && grant.provider === deny.provider;
    default:
      return false;
  }
}

/**
 * What a Deny statement does to a grant it covers: removes it (no condition), narrows it (one negated
 * condition on who the principal is: every request that escapes it carries the key with one of the values),
 * or nothing this module can prove (other conditions).
 */
function denyEffect(
  deny: TrustStatement,
): { readonly kind: 'remove' } | { readonly kind: 'narrow'; readonly to: Narrowing } | undefined {
  if (deny.conditions.length === 0) return { kind: 'remove' };
  const [only] = deny.conditions;
  if (deny.conditions.length !== 1 || !only || !NEGATIVE.has(only.base) || only.qualifier !== '')
    return undefined;
  const narrowing = narrowingOf(only);
  return narrowing && narrowing.kind !== 'source-accounts' ? { kind: 'narrow', to: narrowing } : undefined;
}

/** Every (principal, assume actions) an Allow statement grants, after what the Deny statements provably take away. */
export function trustGrants(policy: TrustPolicy): TrustGrant[] {
  const denies = policy.statements.filter((s) => s.effect === 'Deny' && !s.notPrincipal);
  const grants: TrustGrant[] = [];
  for (const statement of policy.statements) {
    if (statement.effect !== 'Allow') continue;
    const principals: readonly TrustPrincipal[] = statement.notPrincipal
      ? [
          {
            kind: 'anyone',
            type: '*',
            text: `NotPrincipal ${statement.principals.map((p) => p.text).join(', ')}`,
          },
        ]
      : statement.principals;
    const narrowings = statement.conditions.filter(positive).flatMap((c) => narrowingOf(c) ?? []);
    const services = statement.conditions.some(
      (c) =>
        c.key === 'aws:principalisawsservice' &&
        c.base === 'Bool' &&
        !c.ifExists &&
        c.values.every((v) => v.toLowerCase() === 'true'),
    );
    const externalId = requiresExternalId(statement.conditions);
    for (const principal of principals) {
      const actions = relevantActions(principal).filter((a) => actionAllowed(statement.actions, a));
      if (actions.length === 0) continue;
      const narrowedTo: Narrowing[] = [
        ...narrowings,
        ...(services
          ? [{ kind: 'services', key: 'aws:principalisawsservice', values: ['true'] } as const]
          : []),
      ];
      let removed = false;
      for (const deny of denies) {
        const covers =
          deny.principals.some((d) => denyCovers(d, principal)) &&
          actions.every((a) => actionAllowed(deny.actions, a));
        if (!covers) continue;
        const effect = denyEffect(deny);
        if (effect?.kind === 'remove') removed = true;
        else if (effect?.kind === 'narrow') narrowedTo.push(effect.to);
      }
      if (removed) continue;
      grants.push({
        statement: statement.path,
        ...(statement.sid ? { sid: statement.sid } : {}),
        principal,
        actions,
        narrowedTo,
        externalId,
        federationScoped: statement.conditions.some((c) => scopesFederation(principal, c)),
      });
    }
  }
  return grants;
}

// ---------------------------------------------------------------------------------------------------------
// Judgement

/** Who may assume a role: from the baseline (`roles.<name>.trust`), or the default for a role it does not describe. */
export interface TrustAllowance {
  /** Service principals that may assume it; `any` for a role the baseline does not describe. */
  readonly services: readonly string[] | 'any';
  /** Accounts whose principals (root delegation, or any principal in them) may assume it. */
  readonly accounts: readonly string[];
  /** Principal ARN globs. */
  readonly principals: readonly string[];
  /** Identity providers (ARN or name globs); `own` for any provider of the own accounts or a pinned shared one. */
  readonly federated: readonly string[] | 'own';
  readonly externalId: 'required' | 'optional';
  /** The baseline's own accounts: anything else is cross-account. */
  readonly ownAccounts: readonly string[];
}

export type TrustExcessKind =
  | 'anyone'
  | 'foreign-account'
  | 'organization'
  | 'principal'
  | 'service'
  | 'federated'
  | 'open-federation'
  | 'external-id'
  | 'unrecognised';

export interface TrustExcess {
  readonly kind: TrustExcessKind;
  readonly statement: string;
  readonly sid?: string;
  /** The principal as the policy wrote it. */
  readonly principal: string;
  readonly actions: readonly AssumeAction[];
  /** What lets it through, for people: `any principal of account 193672423079`. */
  readonly reason: string;
}

const anyCovers = (globs: readonly string[], value: string, caseInsensitive = false) =>
  globs.some((glob) => globCovers(glob, value, caseInsensitive));

const ownAccount = (allowance: TrustAllowance, account: string) => anyCovers(allowance.ownAccounts, account);

function narrowingAllowed(n: Narrowing, allowance: TrustAllowance): boolean {
  switch (n.kind) {
    case 'accounts':
      return n.values.every((v) => anyCovers(allowance.accounts, v));
    case 'arns':
      return n.values.every(
        (v) => anyCovers(allowance.principals, v) || anyCovers(allowance.accounts, accountOfArn(v)),
      );
    case 'source-accounts':
      return allowance.services === 'any' && n.values.every((v) => anyCovers(allowance.accounts, v));
    case 'services':
      return allowance.services === 'any';
    case 'orgs':
      return false;
  }
}

function providerAllowed(
  p: Extract<TrustPrincipal, { kind: 'federated' }>,
  allowance: TrustAllowance,
): boolean {
  if (allowance.federated === 'own') return p.account === undefined || ownAccount(allowance, p.account);
  const name = p.account === undefined ? p.provider : p.provider.slice(p.provider.indexOf('/') + 1);
  return allowance.federated.some(
    (entry) =>
      globMatch(entry, p.provider, true) ||
      // A provider named without its ARN: only the own accounts' provider of that name.
      (p.account !== undefined && globMatch(entry, name, true) && ownAccount(allowance, p.account)),
  );
}

/**
 * Whether every principal an AWS-principal grant lets through is allowed. An `anyone` grant passes only
 * through a condition that narrows it: a wildcard principal also reaches services and identity providers.
 */
function awsPrincipalAllowed(grant: TrustGrant, allowance: TrustAllowance): boolean {
  const p = grant.principal;
  const direct =
    (p.kind === 'account' &&
      (anyCovers(allowance.accounts, p.account) ||
        // Every principal of the account: its IAM and STS ARNs.
        ['iam', 'sts'].every((service) =>
          anyCovers(allowance.principals, `arn:${partitionOf(p.text)}:${service}::${p.account}:*`),
        ))) ||
    (p.kind === 'arn' &&
      (anyCovers(allowance.accounts, p.account) || anyCovers(allowance.principals, p.arn)));
  return direct || grant.narrowedTo.some((n) => narrowingAllowed(n, allowance));
}

/** The partition of a principal written as an ARN (`aws` for a bare account id). */
function partitionOf(text: string): string {
  return text.startsWith('arn:') ? (text.split(':')[1] ?? 'aws') : 'aws';
}

function describeGrant(grant: TrustGrant): string {
  const p = grant.principal;
  const org = grant.narrowedTo.find((n) => n.kind === 'orgs');
  switch (p.kind) {
    case 'anyone':
      return org
        ? `any principal in organisation ${org.values.join(', ')}`
        : 'any principal of any AWS account';
    case 'account':
      return `any principal of account ${p.account} that its own policies allow`;
    case 'arn':
      return `${p.arn}`;
    case 'service':
      return `the service ${p.service}`;
    case 'federated':
      return `identities of ${p.provider}`;
    case 'unrecognised':
      return `an unrecognised ${p.type} principal ${p.text}`;
  }
}

/** Whether a grant may let in a principal of an account outside the own ones (sts:ExternalId territory). */
function crossAccount(grant: TrustGrant, allowance: TrustAllowance): boolean {
  const p = grant.principal;
  if (p.kind === 'account' || p.kind === 'arn') return !ownAccount(allowance, p.account);
  return !grant.narrowedTo.some(
    (n) =>
      (n.kind === 'accounts' && n.values.every((v) => ownAccount(allowance, v))) ||
      (n.kind === 'arns' && n.values.every((v) => ownAccount(allowance, accountOfArn(v)))),
  );
}

function excessKind(grant: TrustGrant, allowance: TrustAllowance): TrustExcessKind | undefined {
  const p = grant.principal;
  switch (p.kind) {
    case 'service':
      return allowance.services === 'any' || allowance.services.some((s) => globMatch(s, p.service, true))
        ? undefined
        : 'service';
    case 'federated':
      if (sharedProvider(p) && !grant.federationScoped) return 'open-federation';
      if (providerAllowed(p, allowance)) return undefined;
      return p.account !== undefined && !ownAccount(allowance, p.account) ? 'foreign-account' : 'federated';
    case 'unrecognised':
      return 'unrecognised';
    default: {
      if (!awsPrincipalAllowed(grant, allowance)) {
        if (p.kind !== 'anyone') return ownAccount(allowance, p.account) ? 'principal' : 'foreign-account';
        const kinds = new Set(grant.narrowedTo.map((n) => n.kind));
        if (kinds.size === 0) return 'anyone';
        if (kinds.has('orgs')) return 'organization';
        return [...kinds].every((k) => k === 'services' || k === 'source-accounts')
          ? 'service'
          : 'foreign-account';
      }
      return allowance.externalId === 'required' && crossAccount(grant, allowance) && !grant.externalId
        ? 'external-id'
        : undefined;
    }
  }
}

const REASONS: Readonly<Record<TrustExcessKind, string>> = {
  anyone: 'lets anyone assume the role',
  'foreign-account': 'trusts an account outside the allowed ones',
  organization: 'trusts a whole organisation, not named accounts',
  principal: 'trusts a principal the baseline does not list',
  service: 'trusts a service the baseline does not list',
  federated: 'trusts an identity provider the baseline does not list',
  'open-federation':
    "trusts every identity of a shared provider: no condition pins the tokens to the account's own app or repository",
  'external-id': 'trusts another account without requiring sts:ExternalId',
  unrecognised: 'names a principal guardrail cannot place',
};

/** Everything the trust policy allows beyond the allowance, one entry per (statement, principal). */
export function judgeTrust(policy: TrustPolicy, allowance: TrustAllowance): TrustExcess[] {
  const excess: TrustExcess[] = [];
  for (const grant of trustGrants(policy)) {
    const kind = excessKind(grant, allowance);
    if (!kind) continue;
    excess.push({
      kind,
      statement: grant.statement,
      ...(grant.sid ? { sid: grant.sid } : {}),
      principal: grant.principal.text,
      actions: grant.actions,
      reason: `${REASONS[kind]}: ${describeGrant(grant)}`,
    });
  }
  return excess;
}
