/**
 * What every baseline key means, with an example: the one text the JSON Schema's descriptions (editors show
 * them while completing keys) and docs/baseline.md are made from. Keys are written as paths through the schema:
 * `<name>` for a key you choose (a role name, a rule id), `[]` for a list item. The schema itself
 * (schema.ts) stays the only judge of what is valid; test/unit/baselineReference.test.ts fails when a key of
 * the schema has no entry here, or an entry names no key.
 */

export interface KeyReference {
  /** One or two sentences: what the key does, in the reader's terms. */
  readonly description: string;
  /** A YAML snippet showing the key in place (its own key first). */
  readonly example?: string;
}

/** The keys of a policy statement, wherever statements appear (envelopes, policies, neverGrant). */
export const STATEMENT_KEYS: Readonly<Record<string, KeyReference>> = {
  Sid: { description: 'An optional statement id, kept for your reference.', example: 'Sid: ReadAssets' },
  Effect: {
    description:
      '`Allow` or `Deny`, capitalised as in IAM. In an envelope a `Deny` carves an exception out of the `Allow` statements.',
    example: 'Effect: Allow',
  },
  Action: {
    description:
      'An action or a list of actions, with IAM wildcards (`s3:Get*`). Exactly one of Action or NotAction.',
    example: 'Action: [s3:GetObject, s3:PutObject]',
  },
  NotAction: {
    description: 'Every action except these. Exactly one of Action or NotAction.',
    example: 'NotAction: iam:*',
  },
  Resource: {
    description:
      'A resource ARN or a list of them, with `*` and `?` wildcards. Exactly one of Resource or NotResource.',
    example: 'Resource: arn:aws:s3:::short-drama-assets/*',
  },
  NotResource: {
    description: 'Every resource except these. Exactly one of Resource or NotResource.',
    example: 'NotResource: arn:aws:s3:::audit-logs/*',
  },
  Condition: {
    description: 'IAM condition operators, each mapping condition keys to values, as in a policy document.',
    example: 'Condition: {StringEquals: {"aws:RequestedRegion": eu-west-1}}',
  },
};

const statementList = (what: string): KeyReference => ({
  description: `${what} A list of IAM policy statements (the keys of a statement are listed under "Policy statements"); omit the key rather than leave it empty.`,
  example:
    'permissions:\n  - Effect: Allow\n    Action: [s3:GetObject, s3:PutObject]\n    Resource: arn:aws:s3:::short-drama-assets/*',
});

const managedPolicies = (who: string): KeyReference => ({
  description: `Managed policies ${who} may carry: AWS managed ones by ARN, customer-managed ones by name (any path) or ARN. Attaching one of these is silent; a new version of a customer-managed one is still judged against its own envelope under \`policies\`.`,
  example: 'managedPolicies:\n  - arn:aws:iam::aws:policy/ReadOnlyAccess\n  - ImageGeneratorS3Access',
});

const description: KeyReference = { description: 'Free text for people; guardrail does not read it.' };

const matcherName: KeyReference = {
  description:
    'A user-name glob (`*` and `?`), matched without regard to case as IAM does. Exactly one of `name` or `regex`.',
  example: '- name: chatbot-dev-*',
};
const matcherRegex: KeyReference = {
  description:
    'A regular expression the whole user name must match (anchored for you). Exactly one of `name` or `regex`.',
  example: '- regex: temporaryaccessAImodelshare[0-9a-f]{32}',
};

/** Every key of the baseline, by its path through the schema. */
export const BASELINE_KEYS: Readonly<Record<string, KeyReference>> = {
  version: { description: 'The format version. Always `1`.', example: 'version: 1' },
  description,
  accounts: {
    description:
      "This baseline's own AWS accounts: a trust policy naming any other account trusts a foreign account. Empty: the account of each event (or scanned account) is the only own one.",
    example: 'accounts: ["123456789012"]',
  },
  guardrail: { description: "The guardrail's own identity: what it must never judge or be judged by." },
  'guardrail.ownRoles': {
    description:
      "Role-name globs of the guardrail's own functions. Loop prevention: their ModifyInstanceMetadataOptions calls made as enforce-imdsv2 makes them (IMDSv2 required, a hop limit every IMDS profile allows, or none) are skipped, so an enforcement is not reported again: such a call leaves nothing to report; every other call they make is judged like anyone's. A role of such a name created by anyone but guardrail.deployers is iam.role.unexpected, high. Each deployed function also adds its own role.",
    example: 'ownRoles: [guardrail-*]',
  },
  'guardrail.deployers': {
    description:
      "ARN globs of the principals allowed to change the guardrail's own stack (its rules, functions, topic, table and queues); anyone else doing so is guardrail.tamper.",
    example: 'deployers: ["arn:aws:iam::*:role/guardrail-deploy-*"]',
  },
  'guardrail.resourcePrefix': {
    description: "The name prefix of the guardrail's own resources, as the stack names them.",
    example: 'resourcePrefix: guardrail',
  },
  roles: {
    description:
      'The roles this account is meant to have, by name. A key with `*` or `?` is a name pattern matching many roles (per-run roles); an exact name wins over a pattern.',
    example:
      'roles:\n  XploreEC2Role:\n    permissions:\n      - Effect: Allow\n        Action: s3:GetObject\n        Resource: arn:aws:s3:::xplore-face-auth-refs/*',
  },
  'roles.<name>.description': description,
  'roles.<name>.permissions': statementList(
    "The role's envelope: the most it may ever be granted. A policy granting anything outside it is iam.policy.drift.",
  ),
  'roles.<name>.managedPolicies': managedPolicies('the role'),
  'roles.<name>.trust': {
    description:
      'Who may assume the role (iam.role.trust): anything its trust policy allows beyond these lists is reported.',
    example: 'trust:\n  services: [ec2.amazonaws.com]',
  },
  'roles.<name>.trust.services': {
    description: 'Service principals that may assume it.',
    example: 'services: [ec2.amazonaws.com, lambda.amazonaws.com]',
  },
  'roles.<name>.trust.accounts': {
    description: 'Account ids whose principals may assume it (their root or any principal in them).',
    example: 'accounts: ["210987654321"]',
  },
  'roles.<name>.trust.principals': {
    description: 'ARN globs of the roles, users or sessions that may assume it.',
    example: 'principals: ["arn:aws:iam::210987654321:role/deployer"]',
  },
  'roles.<name>.trust.federated': {
    description:
      'Identity providers that may federate into it: SAML or OIDC provider ARNs, or names such as cognito-identity.amazonaws.com.',
    example: 'federated: ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]',
  },
  'roles.<name>.trust.externalId': {
    description:
      '`required`: every statement trusting another account must require sts:ExternalId (the confused-deputy guard).',
    example: 'externalId: required',
  },
  'roles.<name>.boundary': {
    description: 'The permissions boundary the role must keep (iam.boundary.removed when it goes).',
    example: 'boundary: arn:aws:iam::123456789012:policy/Boundary',
  },
  groups: {
    description: 'IAM groups, by name: what their members gain by joining them.',
    example: 'groups:\n  developers:\n    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]',
  },
  'groups.<name>.description': description,
  'groups.<name>.permissions': statementList("The group's envelope."),
  'groups.<name>.managedPolicies': managedPolicies('the group'),
  policies: {
    description: 'Customer-managed policies, by name: the envelope each of their versions must stay within.',
    example:
      'policies:\n  ImageGeneratorS3Access:\n    permissions:\n      - Effect: Allow\n        Action: [s3:GetObject, s3:PutObject]\n        Resource: arn:aws:s3:::short-drama-assets/*',
  },
  'policies.<name>.description': description,
  'policies.<name>.permissions': statementList(
    "The policy's envelope: a version granting more is iam.policy.drift.",
  ),
  'policies.<name>.attachTo': {
    description:
      'Who may carry the policy besides the principals listing it under `managedPolicies`: name globs per kind.',
    example: 'attachTo:\n  roles: [ImageGeneratorEC2Role]',
  },
  'policies.<name>.attachTo.roles': { description: 'Role-name globs.', example: 'roles: [app-*]' },
  'policies.<name>.attachTo.users': { description: 'User-name globs.', example: 'users: [svc-ci]' },
  'policies.<name>.attachTo.groups': { description: 'Group-name globs.', example: 'groups: [developers]' },
  neverGrant: {
    description:
      'Allow statements no principal may ever be allowed, whatever its envelope says (iam.policy.never-grant).',
    example:
      'neverGrant:\n  - Sid: NoPassRoleOnStar\n    Effect: Allow\n    Action: iam:PassRole\n    Resource: "*"',
  },
  trails: {
    description:
      'The CloudTrail trails that must keep logging (cloudtrail.logging-impaired). Empty: every trail.',
    example: 'trails:\n  - name: org-trail\n    bucket: my-trail-bucket',
  },
  'trails[].name': { description: "The trail's name or ARN.", example: '- name: org-trail' },
  'trails[].bucket': {
    description: 'The bucket it must deliver to: moving it to another bucket impairs logging.',
    example: 'bucket: my-trail-bucket',
  },
  users: { description: 'Which IAM users may exist: approved ones and per-run (ephemeral) ones.' },
  'users.approved': {
    description:
      'Users that may exist, each matched by `name` (a glob) or `regex`. Each entry is a mapping: write `- name: svc-ci-*`, not `- svc-ci-*`.',
    example: 'approved:\n  - name: cml-cloud-manager-service\n    accessKeys: allowed\n    console: false',
  },
  'users.approved[].name': matcherName,
  'users.approved[].regex': matcherRegex,
  'users.approved[].description': description,
  'users.approved[].accessKeys': {
    description:
      '`allowed`: the user is meant to hold access keys (a service user); `forbidden`: a key for it is iam.accesskey.long-lived.',
    example: 'accessKeys: allowed',
  },
  'users.approved[].console': {
    description: '`false`: programmatic only, so a console password is iam.user.console-access.',
    example: 'console: false',
  },
  'users.approved[].keyManagers': {
    description: 'ARN globs of the principals besides the user itself that may create its access keys.',
    example: 'keyManagers: ["arn:aws:iam::*:role/ops-*"]',
  },
  'users.approved[].permissions': statementList("The user's envelope, like a role's."),
  'users.approved[].managedPolicies': managedPolicies('the user'),
  'users.approved[].groups': {
    description: 'Group-name globs the user may join.',
    example: 'groups: [developers]',
  },
  'users.approved[].boundary': {
    description: 'The permissions boundary the user must keep.',
    example: 'boundary: arn:aws:iam::123456789012:policy/Boundary',
  },
  'users.ephemeral': {
    description:
      'Per-run users that are expected to come and go: created by automation, tagged guardrail:ephemeral, and flagged by the scheduled scan once past their ttl. Always programmatic only.',
    example: 'ephemeral:\n  - regex: temporaryaccessAImodelshare[0-9a-f]{32}\n    ttl: 24h',
  },
  'users.ephemeral[].name': matcherName,
  'users.ephemeral[].regex': matcherRegex,
  'users.ephemeral[].description': description,
  'users.ephemeral[].ttl': {
    description: 'How long such a user may live: minutes, hours or days (`30m`, `24h`, `7d`).',
    example: 'ttl: 24h',
  },
  'users.ephemeral[].creators': {
    description:
      'ARN globs of the principals expected to create these users; a matching user made by anyone else is iam.user.unexpected. Omitted: anyone.',
    example: 'creators: ["arn:aws:iam::*:role/aimodelshare-*"]',
  },
  accessKeys: { description: 'Access-key hygiene.' },
  'accessKeys.rotationDays': {
    description: 'An active key older than this many days is iam.accesskey.stale.',
    example: 'rotationDays: 90',
  },
  orphans: {
    description: 'When a user counts as orphaned (iam.user.orphaned, found by the scheduled scan).',
  },
  'orphans.unusedDays': {
    description:
      'A user whose password and keys went unused this many days is orphaned (approved users never are).',
    example: 'unusedDays: 30',
  },
  imds: { description: 'Instance metadata service (IMDS) requirements for EC2 instances.' },
  'imds.httpTokens': {
    description:
      'Always `required`: instances must use IMDSv2 session tokens (ec2.imds.v1-allowed otherwise).',
    example: 'httpTokens: required',
  },
  'imds.maxHopLimit': {
    description:
      'The highest HttpPutResponseHopLimit an instance (or the account default) may have unless a profile allows more (ec2.imds.hop-limit).',
    example: 'maxHopLimit: 1',
  },
  'imds.hopLimit': {
    description:
      'Kept for compatibility. The enforce-imdsv2 remediation never raises a hop limit; it lowers one above the maximum. At most maxHopLimit.',
    example: 'hopLimit: 1',
  },
  'imds.profiles': {
    description:
      'Requirements for some instances, matched by tags or instance ids; the first matching profile wins, the account-level settings apply to the rest.',
    example:
      'profiles:\n  - name: kdcube-containers\n    match: {tags: {guardrail:imds-profile: containers}}\n    maxHopLimit: 2',
  },
  'imds.profiles[].name': {
    description: 'A name for findings and messages.',
    example: '- name: kdcube-containers',
  },
  'imds.profiles[].description': description,
  'imds.profiles[].match': {
    description: 'Which instances the profile applies to: tags, instance ids, or both (all must hold).',
    example: 'match:\n  tags: {guardrail:imds-profile: containers}',
  },
  'imds.profiles[].match.tags': {
    description: 'Tags the instance must carry, each with this value.',
    example: 'tags: {guardrail:imds-profile: containers}',
  },
  'imds.profiles[].match.instanceIds': {
    description: 'Instance ids (i-...).',
    example: 'instanceIds: [i-0a1b2c3d4e5f60718]',
  },
  'imds.profiles[].httpTokens': {
    description: '`optional` documents an exception that may keep IMDSv1; `required` otherwise.',
    example: 'httpTokens: required',
  },
  'imds.profiles[].maxHopLimit': {
    description:
      'The highest hop limit these instances may have (2 where containers reach IMDS through a bridge).',
    example: 'maxHopLimit: 2',
  },
  rules: {
    description: 'Per-rule settings, by rule id (`guardrail rules` lists them).',
    example: 'rules:\n  ec2.imds.v1-allowed:\n    mode: enforce',
  },
  'rules.<name>.enabled': { description: '`false` turns the rule off.', example: 'enabled: false' },
  'rules.<name>.mode': {
    description:
      "`enforce` lets the rule's remediation change the account; `dry-run` says what it would do. Write `mode: enforce`, not `enforce: true`.",
    example: 'mode: enforce',
  },
  'rules.<name>.severity': {
    description: "Overrides the rule's severity for every finding it makes.",
    example: 'severity: critical',
  },
  suppressions: {
    description:
      'Findings not to report: rule, resource glob and reason, optionally until a date (judged by the event time, so replays stay reproducible).',
    example:
      'suppressions:\n  - rule: iam.policy.wildcard\n    resource: arn:aws:iam::*:role/legacy-*\n    reason: migrating off the legacy roles (JIRA-123)\n    expires: 2026-12-31',
  },
  'suppressions[].rule': {
    description: 'The rule id it applies to.',
    example: '- rule: iam.policy.wildcard',
  },
  'suppressions[].resource': {
    description: "A glob over the finding's resource (an ARN or an instance id).",
    example: 'resource: arn:aws:iam::*:role/legacy-*',
  },
  'suppressions[].reason': {
    description: 'Why: shown wherever the finding is counted as suppressed.',
    example: 'reason: accepted risk (JIRA-123)',
  },
  'suppressions[].expires': {
    description: 'An ISO date or time; events at or after it are reported again.',
    example: 'expires: 2026-12-31',
  },
  notify: { description: 'Notifications.' },
  'notify.minSeverity': {
    description:
      'Findings below this severity are logged and reported but not notified (a failed remediation always is).',
    example: 'minSeverity: medium',
  },
};
