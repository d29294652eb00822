/** Builders for policy tests: statements and documents from plain objects, drift in one call. */
import type { CompareOptions, DriftResult } from '../../src/policy/envelope.ts';
import { compareToEnvelope } from '../../src/policy/envelope.ts';
import type { NormalizedStatement, PolicyDocument } from '../../src/policy/parse.ts';
import { normalizeStatements, parsePolicyDocument } from '../../src/policy/parse.ts';

export type Json = Record<string, unknown>;

/** Envelope statements as a baseline holds them (paths `roles.test.permissions[i]`). */
export function envelopeOf(...statements: Json[]): NormalizedStatement[] {
  return normalizeStatements(statements, 'test-baseline.yml', 'roles.test.permissions');
}

/** A 2012-10-17 document with these statements (pass `Statement` yourself for other shapes). */
export function docOf(...statements: Json[]): PolicyDocument {
  return parsePolicyDocument({ Version: '2012-10-17', Statement: statements }, 'doc');
}

export function drift(
  doc: PolicyDocument | Json,
  envelope: NormalizedStatement[],
  options: CompareOptions = { partition: 'aws' },
): DriftResult {
  const parsed = 'statements' in doc ? (doc as PolicyDocument) : parsePolicyDocument(doc, 'doc');
  return compareToEnvelope(parsed, envelope, options);
}

/** The witnesses as `action on resource`, sorted: what most tables assert. */
export function witnessLines(result: DriftResult): string[] {
  return result.newAccess.map((w) => `${w.action} on ${w.resource}`).sort();
}
