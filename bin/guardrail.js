#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx guardrail` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// On Node < 22 the AWS SDK prints a nine-line NodeVersionSupportWarning (its releases from January 2027 need
// Node 22) whenever a command builds a client. It concerns whoever updates guardrail's dependencies: the
// locked SDK runs on 20, and `engines` rises with the SDK, where npm checks it at install. So the CLI turns
// that one warning off with the SDK's own switch (README, "Using the CLI"); any other warning is printed.
// AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false shows it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { run } = await import('../src/cli/main.ts');
process.exitCode = await run(process.argv.slice(2));
