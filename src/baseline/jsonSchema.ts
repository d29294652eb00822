/**
 * The baseline's JSON Schema, generated from the zod schema the code validates with (zod's own
 * `toJSONSchema`), with each key's description and example from reference.ts, so an editor running the YAML
 * language server completes and checks keys (`# yaml-language-server: $schema=...` in the file). What JSON
 * Schema cannot say (a valid regular expression, a statement's actions resolving, hopLimit ≤ maxHopLimit) is
 * still checked by `guardrail baseline validate`.
 *
 * `infra/baseline.schema.json` is this output, committed; `guardrail baseline schema` prints it and
 * test/unit/baselineReference.test.ts keeps the two equal.
 */
import * as z from 'zod/mini';
import type { KeyReference } from './reference.ts';
import { BASELINE_KEYS, STATEMENT_KEYS } from './reference.ts';
import { BaselineSchema } from './schema.ts';

export type JsonSchema = { [key: string]: unknown };

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A statement's schema: the keys of an IAM policy statement. */
export function isStatementSchema(node: JsonSchema): boolean {
  const properties = node.properties;
  return (
    isSchema(properties) && 'Effect' in properties && 'Action' in properties && 'NotAction' in properties
  );
}

/** One key of the schema as docs and hints see it: its path, where it sits and its schema. */
export interface SchemaKey {
  /** `roles.<name>.trust.services`, `users.approved[].name`; statement keys as `<statement>.Effect`. */
  readonly path: string;
  readonly schema: JsonSchema;
  /** Whether the object holding it requires it. */
  readonly required: boolean;
}

/**
 * Every key of the schema in document order, statements' keys once (as `<statement>.Key`): what
 * docs/baseline.md lists and what must have a reference entry.
 */
export function schemaKeys(root: JsonSchema): SchemaKey[] {
  const keys: SchemaKey[] = [];
  let statementSeen = false;
  const visit = (node: JsonSchema, path: string): void => {
    node = resolveRef(root, node);
    if (isStatementSchema(node)) {
      if (statementSeen) return;
      statementSeen = true;
      path = '<statement>';
    }
    const properties = node.properties;
    if (isSchema(properties)) {
      const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
      for (const [key, child] of Object.entries(properties)) {
        if (!isSchema(child)) continue;
        const childPath = path ? `${path}.${key}` : key;
        keys.push({ path: childPath, schema: child, required: required.has(key) });
        visit(child, childPath);
      }
    }
    if (isSchema(node.additionalProperties)) visit(node.additionalProperties, `${path}.<name>`);
    if (isSchema(node.items)) visit(node.items, `${path}[]`);
    for (const branch of [node.anyOf, node.oneOf].flat()) if (isSchema(branch)) visit(branch, path);
  };
  visit(root, '');
  return keys;
}

/** A `#/$defs/...` reference resolved against the root; any other node as it is. */
export function resolveRef(root: JsonSchema, node: JsonSchema): JsonSchema {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return node;
  const defs = root.$defs;
  const target = isSchema(defs) ? defs[ref.slice('#/$defs/'.length)] : undefined;
  return isSchema(target) ? target : node;
}

/** The reference entry of a key path (statement keys from STATEMENT_KEYS). */
export function referenceOf(path: string): KeyReference | undefined {
  if (path.startsWith('<statement>.')) return STATEMENT_KEYS[path.slice('<statement>.'.length)];
  return BASELINE_KEYS[path];
}

/** Descriptions and examples in place; exactly-one-of rules zod checks with a refinement, as `oneOf`. */
function annotate(node: JsonSchema, path: string, missing: string[]): void {
  if (isStatementSchema(node)) {
    path = '<statement>';
    node.allOf = [
      { oneOf: [{ required: ['Action'] }, { required: ['NotAction'] }] },
      { oneOf: [{ required: ['Resource'] }, { required: ['NotResource'] }] },
    ];
  }
  const properties = node.properties;
  if (isSchema(properties)) {
    if ('name' in properties && 'regex' in properties)
      node.oneOf = [{ required: ['name'] }, { required: ['regex'] }];
    if (path.endsWith('.match') && 'tags' in properties && 'instanceIds' in properties)
      node.anyOf = [{ required: ['tags'] }, { required: ['instanceIds'] }];
    for (const [key, child] of Object.entries(properties)) {
      if (!isSchema(child)) continue;
      const childPath = path ? `${path}.${key}` : key;
      const reference = referenceOf(childPath);
      if (!reference) missing.push(childPath);
      else {
        child.description = reference.description;
        if (reference.example !== undefined) child.markdownDescription = markdownOf(reference);
      }
      annotate(child, childPath, missing);
    }
  }
  if (isSchema(node.additionalProperties)) annotate(node.additionalProperties, `${path}.<name>`, missing);
  if (isSchema(node.items)) annotate(node.items, `${path}[]`, missing);
  for (const branch of [node.anyOf, node.oneOf].flat()) if (isSchema(branch)) annotate(branch, path, missing);
}

function markdownOf(reference: KeyReference): string {
  return `${reference.description}\n\n\`\`\`yaml\n${reference.example}\n\`\`\``;
}

/** Keys of the schema without a reference entry; empty when the reference is complete. */
export function undocumentedKeys(): string[] {
  const missing: string[] = [];
  annotate(rawSchema(), '', missing);
  return missing;
}

function rawSchema(): JsonSchema {
  // `input`: what a person writes, so keys with defaults are optional. Refinements are not representable.
  return z.toJSONSchema(BaselineSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** The baseline's JSON Schema (draft 2020-12), annotated. Throws when a key has no reference entry. */
export function baselineJsonSchema(): JsonSchema {
  const schema = rawSchema();
  const missing: string[] = [];
  annotate(schema, '', missing);
  if (missing.length > 0) throw new Error(`baseline keys without a reference entry: ${missing.join(', ')}`);
  shareStatements(schema);
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: 'guardrail baseline',
    description:
      'What an AWS account is meant to look like, for guardrail: roles and their envelopes, users, IMDS, rule settings. Every key is described in docs/baseline.md.',
    ...rest,
  };
}

/**
 * Envelope statements appear in five places; the file holds them once, under `$defs.statement`, and refers to
 * it (neverGrant's statements differ: their Effect is Allow only, so they stay inline).
 */
function shareStatements(schema: JsonSchema): void {
  let shared: string | undefined;
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (!isSchema(node)) return node;
    if (isStatementSchema(node)) {
      const text = JSON.stringify(node);
      shared ??= text;
      if (text === shared) return { $ref: '#/$defs/statement' };
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, replace(value)]));
  };
  const replaced = replace(schema) as JsonSchema;
  for (const key of Object.keys(schema)) delete schema[key];
  Object.assign(schema, replaced);
  if (shared !== undefined) schema.$defs = { statement: JSON.parse(shared) };
}

/** The schema as the committed file holds it. */
export function baselineJsonSchemaText(): string {
  return `${JSON.stringify(baselineJsonSchema(), null, 2)}\n`;
}
