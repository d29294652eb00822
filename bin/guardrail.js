#!/usr/bin/env node
// Runs the CLI that `npm ci` compiled (prepare → scripts/build-cli.ts → dist/cli/), so a command starts without
// compiling TypeScript. Falls back to the sources through tsx when there is no build (`npm ci --omit=dev`),
// when a source is newer than the build (a developer's edit), or with GUARDRAIL_TSX=1.
import { readFileSync, statSync } from 'node:fs';

// On Node < 22 the AWS SDK prints a nine-line NodeVersionSupportWarning (its releases from January 2027 need
// Node 22) whenever a command builds a client. It concerns whoever updates guardrail's dependencies: the
// locked SDK runs on 20, and `engines` rises with the SDK, where npm checks it at install. So the CLI turns
// that one warning off with the SDK's own switch (README, "Using the CLI"); any other warning is printed.
// AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false shows it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
