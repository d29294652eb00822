/**
 * `npm run gen:baseline`: writes the baseline's JSON Schema (infra/baseline.schema.json) and its reference page
 * (docs/baseline.md), both from src/baseline/schema.ts and reference.ts. test/unit/baselineReference.test.ts
 * fails when the committed files differ from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderBaselineDocs } from '../src/baseline/docs.ts';
import { baselineJsonSchemaText } from '../src/baseline/jsonSchema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../infra/baseline.schema.json', import.meta.url));
export const DOCS_FILE = fileURLToPath(new URL('../docs/baseline.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, baselineJsonSchemaText());
  writeFileSync(DOCS_FILE, renderBaselineDocs());
  console.log(`wrote ${SCHEMA_FILE} and ${DOCS_FILE}`);
}
