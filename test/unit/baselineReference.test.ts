/**
 * The baseline format people write: the JSON Schema editors complete keys from, the reference page, and
 * `baseline validate` reporting every problem at once with hints. The schema and the page are generated from
 * the zod schema the code validates with; the committed copies must be current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DOCS_FILE, SCHEMA_FILE } from '../../scripts/gen-baseline.ts';
import { renderBaselineDocs } from '../../src/baseline/docs.ts';
import { BASELINE_HINTS } from '../../src/baseline/hints.ts';
import { baselineJsonSchema, baselineJsonSchemaText, schemaKeys } from '../../src/baseline/jsonSchema.ts';
import { parseBaseline } from '../../src/baseline/load.ts';
import { BASELINE_KEYS, STATEMENT_KEYS } from '../../src/baseline/reference.ts';
import { run } from '../../src/cli/main.ts';
import { BaselineError } from '../../src/core/errors.ts';
import { BASELINE_ERRORS, COVERAGE_BASELINE_ERRORS, GUARDRAIL_ONLY } from '../cases/baselines.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { captureIo, tempDir } from '../helpers/replay.ts';

const schema = baselineJsonSchema();
const ajv = new Ajv2020.default({ strict: false, allErrors: true });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

const { dir, cleanup } = tempDir('guardrail-baseline-');
afterAll(cleanup);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('the JSON Schema and the reference page are generated and current', () => {
  it('infra/baseline.schema.json is what `guardrail baseline schema` prints (npm run gen:baseline)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(baselineJsonSchemaText());
    const io = captureIo();
    expect(await run(['baseline', 'schema'], io)).toBe(0);
    expect(io.out()).toBe(baselineJsonSchemaText());
  });

  it('docs/baseline.md is what the schema and the reference say (npm run gen:baseline)', () => {
    expect(readFileSync(DOCS_FILE, 'utf8')).toBe(renderBaselineDocs());
  });

  it('describes every key of the schema, and names no key the schema lacks', () => {
    const paths = schemaKeys(schema).map((key) => key.path);
    const statementKeys = paths.filter((p) => p.startsWith('<statement>.')).map((p) => p.slice(12));
    expect(new Set(paths.filter((p) => !p.startsWith('<statement>.')))).toEqual(
      new Set(Object.keys(BASELINE_KEYS)),
    );
    expect(new Set(statementKeys)).toEqual(new Set(Object.keys(STATEMENT_KEYS)));
    for (const key of schemaKeys(schema)) {
      expect(typeof key.schema.description, key.path).toBe('string');
    }
  });

  it('lists every key with its type and default in docs/baseline.md', () => {
    const page = renderBaselineDocs();
    for (const path of Object.keys(BASELINE_KEYS).filter((p) => p.includes('.'))) {
      expect(page).toContain(`### \`${path}\``);
    }
    expect(page).toContain('### `<statement>.Effect`\n\none of `Allow`, `Deny` · default: required');
    expect(page).toContain('### `accessKeys.rotationDays`\n\ninteger, at least 1 · default: `90`');
    expect(page).toContain('## `version`\n\n`1` · default: required');
  });

  it('is named by the example baseline, for the YAML language server', () => {
    const first = readFileSync(EXAMPLE_BASELINE_PATH, 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=./baseline.schema.json');
  });
});

describe('the JSON Schema judges as guardrail does', () => {
  it('accepts the example baseline', () => {
    const example = parse(readFileSync(EXAMPLE_BASELINE_PATH, 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts a minimal baseline and one using every section', () => {
    expect(validate({ version: 1 })).toBe(true);
    const full = parse(`
version: 1
accounts: ["123456789012"]
guardrail: {ownRoles: [guardrail-*], deployers: ["arn:aws:iam::*:role/deploy"], resourcePrefix: guardrail}
roles:
  app-*:
    permissions: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess, AppPolicy]
    trust: {services: [ec2.amazonaws.com], externalId: required}
    boundary: arn:aws:iam::123456789012:policy/Boundary
groups: {devs: {managedPolicies: [AppPolicy]}}
policies: {AppPolicy: {permissions: [{Effect: Allow, NotAction: iam:*, NotResource: "arn:aws:s3:::x"}], attachTo: {roles: [app-*]}}}
neverGrant: [{Effect: Allow, Action: iam:PassRole, Resource: "*"}]
trails: [{name: org-trail, bucket: b}]
users:
  approved: [{name: svc, accessKeys: allowed, console: false, keyManagers: [x], groups: [devs]}]
  ephemeral: [{regex: "tmp[0-9]+", ttl: 24h, creators: [y]}]
imds: {maxHopLimit: 2, hopLimit: 1, profiles: [{name: p, match: {instanceIds: [i-0123456789abcdef0]}, maxHopLimit: 3}]}
rules: {ec2.imds.v1-allowed: {mode: enforce, severity: critical}}
suppressions: [{rule: iam.policy.drift, resource: "*", reason: r, expires: 2026-12-31}]
notify: {minSeverity: medium}
`);
    expect(validate(full), JSON.stringify(validate.errors)).toBe(true);
    expect(() => parseBaseline(JSON.stringify(full), 'full.json')).not.toThrow();
  });

  it.each([...BASELINE_ERRORS, ...COVERAGE_BASELINE_ERRORS])('rejects %s', (name, yaml) => {
    expect(() => parseBaseline(yaml, 'b.yml')).toThrow(BaselineError);
    const reason = GUARDRAIL_ONLY[name];
    if (reason !== undefined) return;
    let document: unknown;
    try {
      document = parse(yaml, { uniqueKeys: true });
    } catch {
      throw new Error(`${name}: not YAML, yet not listed in GUARDRAIL_ONLY`);
    }
    expect(validate(document ?? null)).toBe(false);
  });

  it('leaves to guardrail only what JSON Schema cannot say, each with its reason', () => {
    const names = new Set([...BASELINE_ERRORS, ...COVERAGE_BASELINE_ERRORS].map(([name]) => name));
    for (const [name, reason] of Object.entries(GUARDRAIL_ONLY)) {
      expect(names.has(name), name).toBe(true);
      expect(reason.length).toBeGreaterThan(20);
    }
    // The ones that parse as YAML are truly accepted by the schema (else they belong in the other list).
    for (const [name, yaml] of [...BASELINE_ERRORS, ...COVERAGE_BASELINE_ERRORS]) {
      if (GUARDRAIL_ONLY[name] === undefined || name.includes('YAML') || name.includes('duplicate')) continue;
      expect(validate(parse(yaml)), name).toBe(true);
    }
  });
});

const SIX_TYPOS = `version: 1
roles:
  Foo:
    permisions:
      - Effect: Allow
        Action: s3:GetObject
        Resource: "*"
users:
  approved:
    - svc-ci-*
  ephemeral:
    - name: tmp-*
      tll: 24h
imds:
  maxHopLimt: 2
rules:
  ec2.imds.v1-allowed:
    enfroce: true
accessKeys:
  rotationdays: 90
`;

describe('baseline validate: every problem at once, with hints', () => {
  it('fixes a baseline with six typos in one run: file, line, path, reason and hint each', async () => {
    const path = file('six.yml', SIX_TYPOS);
    const io = captureIo();
    expect(await run(['baseline', 'validate', path], io)).toBe(2);
    expect(io.err()).toBe(
      [
        `${path}:4: roles.Foo.permisions: unknown key; did you mean \`permissions\`?`,
        `${path}:10: users.approved[0]: Invalid input: expected object, received string; each entry is a mapping: write \`- name: svc-ci-*\``,
        `${path}:13: users.ephemeral[0].tll: unknown key; did you mean \`ttl\`?`,
        `${path}:15: imds.maxHopLimt: unknown key; did you mean \`maxHopLimit\`?`,
        `${path}:18: rules["ec2.imds.v1-allowed"].enfroce: unknown key; \`enforce\` is a value of \`mode\`: write \`mode: enforce\``,
        `${path}:20: accessKeys.rotationdays: unknown key; keys are case-sensitive: did you mean \`rotationDays\`?`,
        `guardrail: ${path}: 6 problems`,
        '',
      ].join('\n'),
    );
    expect(io.out()).toBe('');
  });

  it('calls a key in the wrong case by its name, once (not also the real key "missing")', () => {
    let issues: readonly { path: string; message: string }[] = [];
    try {
      parseBaseline(
        'version: 1\nroles:\n  r:\n    permissions:\n      - {effect: Allow, Action: "*", Resource: "*"}\n',
        'b.yml',
        { hints: BASELINE_HINTS },
      );
    } catch (error) {
      issues = (error as BaselineError).issues;
    }
    expect(issues).toEqual([
      {
        path: 'roles.r.permissions[0].effect',
        message: 'unknown key; keys are case-sensitive: did you mean `Effect`?',
        line: 5,
      },
    ]);
  });

  it.each([
    [
      'a list where a mapping by name goes',
      'roles:\n  - name: app\n',
      'roles',
      /expected a mapping by name: write `NAME:`/,
    ],
    [
      'a string where a list of entries goes',
      'users:\n  approved: svc-x\n',
      'users.approved',
      /write `- name: svc-x` on the line below/,
    ],
    [
      'a bare string as a statement',
      'roles:\n  r:\n    permissions:\n      - s3:GetObject\n',
      'roles.r.permissions[0]',
      /each statement is a mapping: write `- Effect: Allow`/,
    ],
    [
      'a value in the wrong case',
      'notify:\n  minSeverity: High\n',
      'notify.minSeverity',
      /did you mean `high`\?$/,
    ],
    [
      'a near-miss value',
      'rules:\n  ec2.imds.hop-limit:\n    mode: enforced\n',
      'rules["ec2.imds.hop-limit"].mode',
      /did you mean `enforce`\?$/,
    ],
    ['a misspelt section', 'imsd:\n  maxHopLimit: 2\n', 'imsd', /unknown key; did you mean `imds`\?$/],
  ])('hints at %s', (_name, body, path, message) => {
    let issues: readonly { path: string; message: string }[] = [];
    try {
      parseBaseline(`version: 1\n${body}`, 'b.yml', { hints: BASELINE_HINTS });
    } catch (error) {
      issues = (error as BaselineError).issues;
    }
    const issue = issues.find((i) => i.path === path);
    expect(issue?.message, JSON.stringify(issues)).toMatch(message);
  });

  it('also reports what the statement checks find while the schema has other complaints', () => {
    let issues: readonly { path: string; message: string; line?: number }[] = [];
    try {
      parseBaseline(
        'version: 1\nroles:\n  r:\n    permissions:\n      - {Effect: Allow, Resource: "*"}\nbogus: 1\n',
        'b.yml',
        { hints: BASELINE_HINTS },
      );
    } catch (error) {
      issues = (error as BaselineError).issues;
    }
    expect(issues).toEqual([
      { path: 'roles.r.permissions[0]', message: 'expected exactly one of Action or NotAction', line: 5 },
      { path: 'bogus', message: 'unknown key', line: 6 },
    ]);
  });

  it('lists every statement problem of a schema-valid file, not only the first', () => {
    let issues: readonly { path: string }[] = [];
    try {
      parseBaseline(
        'version: 1\nroles:\n  a:\n    permissions: [{Effect: Allow, Resource: "*"}]\n  b:\n    permissions: [{Effect: Deny, Action: "*"}]\n',
        'b.yml',
        { hints: BASELINE_HINTS },
      );
    } catch (error) {
      issues = (error as BaselineError).issues;
    }
    expect(issues.map((i) => i.path)).toEqual(['roles.a.permissions[0]', 'roles.b.permissions[0]']);
  });

  it('prints the baseline with every default filled in', async () => {
    const path = file(
      'minimal.yml',
      'version: 1\nroles:\n  app:\n    permissions: [{Effect: Allow, Action: "*", Resource: "*"}]\n',
    );
    const io = captureIo();
    expect(await run(['baseline', 'validate', path, '--print-defaults'], io)).toBe(0);
    const printed = parse(io.out());
    expect(printed).toMatchObject({
      version: 1,
      accounts: [],
      guardrail: { ownRoles: [], deployers: [], resourcePrefix: 'guardrail' },
      roles: { app: { permissions: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      users: { approved: [], ephemeral: [] },
      accessKeys: { rotationDays: 90 },
      orphans: { unusedDays: 30 },
      imds: { httpTokens: 'required', maxHopLimit: 1, hopLimit: 1, profiles: [] },
      notify: { minSeverity: 'low' },
    });
    // What it prints is itself a valid baseline, and the same one.
    expect(parseBaseline(io.out(), 'printed.yml').imds).toEqual(
      parseBaseline(readFileSync(path, 'utf8'), path).imds,
    );
  });

  it('summarises a valid baseline on stdout', async () => {
    const io = captureIo();
    expect(await run(['baseline', 'validate', EXAMPLE_BASELINE_PATH], io)).toBe(0);
    expect(io.out()).toMatch(
      /: valid: \d+ roles, 2 approved and 1 ephemeral user patterns, 0 suppressions\n$/,
    );
  });
});
