#!/usr/bin/env node
// Runs the CLI that `npm ci` compiled (prepare → scripts/build-cli.ts → dist/cli/), so a command starts without
// compiling TypeScript. Falls back to the sources through tsx when there is no build (`npm ci --omit=dev`),
// when a source is newer than the build (a developer's edit), or with GUARDRAIL_TSX=1.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

function builtIsFresh() {
  if (process.env.GUARDRAIL_TSX) return false;
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8'));
    return inputs.every((input) => statSync(new URL(input, root)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

let entry;
if (builtIsFresh()) entry = new URL('dist/cli/guardrail.js', root).href;
else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('src/cli/main.ts', root).href;
}
const { main } = await import(entry);
await main(process.argv.slice(2));
