#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx guardrail` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
// evaluate and replay judge AWS managed policies from data compacted once per install (npm run gen:managed,
// node_modules/.cache/guardrail/); the first such run after `npm ci` makes it (about 15 s).
if (['evaluate', 'replay'].includes(process.argv[2] ?? '')) {
  const { ensureManagedData } = await import('../scripts/gen-managed.ts');
  ensureManagedData((line) => process.stderr.write(`guardrail: ${line}\n`));
}
const { run } = await import('../src/cli/main.ts');
process.exitCode = await run(process.argv.slice(2));
