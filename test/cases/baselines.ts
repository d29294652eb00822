/**
 * Malformed baselines and the one line each must give (test/unit/baseline.test.ts), and whether the JSON Schema
 * (infra/baseline.schema.json) rejects them too (test/unit/baselineReference.test.ts): what JSON Schema
 * cannot say is checked by guardrail alone, each with the reason.
 */

/** `[name, yaml, first message]`: the message is a string to equal or a pattern to match. */
export type BaselineErrorCase = readonly [string, string, string | RegExp];

export const BASELINE_ERRORS: readonly BaselineErrorCase[] = [
  [
    'a typo in a rule setting',
    'version: 1\nrules:\n  ec2.imds.v1-allowed:\n    enfroce: true\n',
    'b.yml:4: rules["ec2.imds.v1-allowed"].enfroce: unknown key',
  ],
  [
    'an unknown rule id',
    'version: 1\nrules:\n  iam.user.typo: {}\n',
    /^b\.yml:3: rules\["iam\.user\.typo"\]: /,
  ],
  ['an unknown top-level key', 'version: 1\nrole: {}\n', 'b.yml:2: role: unknown key'],
  ['a missing version', 'roles: {}\n', 'b.yml: version: expected version: 1'],
  [
    'a bad Action type',
    'version: 1\nroles:\n  r:\n    permissions:\n      - {Effect: Allow, Action: 3, Resource: "*"}\n',
    'b.yml:5: roles.r.permissions[0].Action: expected a string or a non-empty list of strings',
  ],
  [
    'a statement without Action',
    'version: 1\nroles:\n  r:\n    permissions:\n      - {Effect: Allow, Resource: "*"}\n',
    'b.yml:5: roles.r.permissions[0]: expected exactly one of Action or NotAction',
  ],
  [
    'a bad Effect',
    'version: 1\nroles:\n  r:\n    permissions:\n      - {Effect: allow, Action: "*", Resource: "*"}\n',
    'b.yml:5: roles.r.permissions[0].Effect: expected "Allow" or "Deny"',
  ],
  [
    'an empty envelope',
    'version: 1\nroles:\n  r:\n    permissions: []\n',
    'b.yml:4: roles.r.permissions: expected at least one statement',
  ],
  [
    'a role name IAM would refuse',
    'version: 1\nroles:\n  "bad role":\n    permissions: [{Effect: Allow, Action: "*", Resource: "*"}]\n',
    /^b\.yml:3: roles\["bad role"\]: expected an IAM role name/,
  ],
  [
    'a bad duration',
    'version: 1\nusers:\n  ephemeral:\n    - {name: "tmp*", ttl: 1 day}\n',
    'b.yml:4: users.ephemeral[0].ttl: expected a duration like 30m, 24h or 7d',
  ],
  [
    'a bad regex',
    'version: 1\nusers:\n  ephemeral:\n    - {regex: "temp[", ttl: 1d}\n',
    'b.yml:4: users.ephemeral[0].regex: not a valid regular expression',
  ],
  [
    'name and regex together',
    'version: 1\nusers:\n  approved:\n    - {name: a, regex: b}\n',
    'b.yml:4: users.approved[0]: expected exactly one of name (a glob) or regex',
  ],
  [
    'a hop limit above the maximum',
    'version: 1\nimds:\n  maxHopLimit: 1\n  hopLimit: 2\n',
    'b.yml:4: imds.hopLimit: hopLimit must not exceed maxHopLimit',
  ],
  [
    'a bad severity',
    'version: 1\nnotify:\n  minSeverity: urgent\n',
    'b.yml:3: notify.minSeverity: expected one of info, low, medium, high, critical',
  ],
  [
    'a suppression without reason',
    'version: 1\nsuppressions:\n  - {rule: iam.policy.drift, resource: "*"}\n',
    'b.yml:3: suppressions[0].reason: missing',
  ],
  ['a YAML syntax error', 'version: [1\n', /^b\.yml:2: /],
  ['a duplicate key', 'version: 1\nversion: 1\n', /^b\.yml:2: Map keys must be unique/],
  ['an empty file', '', 'b.yml: the file is empty'],
  [
    'a list instead of a mapping',
    '- a\n- b\n',
    'b.yml: (top level): expected a mapping of baseline settings',
  ],
];

/** The sections the coverage work added (accounts, trust, boundaries, never-grant, IMDS profiles). */
export const COVERAGE_BASELINE_ERRORS: readonly BaselineErrorCase[] = [
  [
    'a Deny in neverGrant',
    'version: 1\nneverGrant:\n  - {Effect: Deny, Action: "*", Resource: "*"}\n',
    /^b\.yml:3: neverGrant\[0\]\.Effect: expected "Allow"/,
  ],
  [
    'a bad account id',
    'version: 1\naccounts: ["1234"]\n',
    'b.yml:2: accounts[0]: expected a 12-digit AWS account id',
  ],
  [
    'a boundary that is not a policy ARN',
    'version: 1\nroles:\n  r:\n    boundary: Boundary\n',
    /^b\.yml:4: roles\.r\.boundary: expected a policy ARN/,
  ],
  [
    'an IMDS profile matching nothing',
    'version: 1\nimds:\n  profiles:\n    - {name: p, match: {}, maxHopLimit: 2}\n',
    /^b\.yml:4: imds\.profiles\[0\]\.match: expected tags or instanceIds/,
  ],
  [
    'a typo in trust',
    'version: 1\nroles:\n  r:\n    trust: {service: [ec2.amazonaws.com]}\n',
    /^b\.yml:4: roles\.r\.trust\.service: unknown key/,
  ],
];

/**
 * The cases JSON Schema cannot reject, and why: guardrail's own checks catch them (`baseline validate`), an
 * editor does not. Every other malformed case must fail the schema.
 */
export const GUARDRAIL_ONLY: Readonly<Record<string, string>> = {
  'a YAML syntax error': 'not YAML: there is no document for a schema to check',
  'a duplicate key': 'YAML parsers keep the last value: the duplicate is gone before any schema sees it',
  'a bad regex': 'JSON Schema cannot say a string is a valid regular expression',
  'a hop limit above the maximum': 'JSON Schema cannot compare two values of a document',
};
