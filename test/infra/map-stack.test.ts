/** A deployed function's stack trace, mapped back to the sources with the build's maps (kept out of the zips). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIST_DIR } from '../../scripts/build.ts';
import { mapStack } from '../../scripts/map-stack.ts';
import { ROOT } from './template.ts';

describe('npm run map-stack', () => {
  it('maps the frames of a bundle’s stack trace, as Lambda logs it, to the source lines', () => {
    // A real failure of the built iam-events at init: a malformed GUARDRAIL_ROLE_ARN.
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        // The Lambda runtime logs an init error's stack (not the source line Node prints for an uncaught
        // error, which for a minified bundle is one huge line and, on Node 22, can fill the pipe first).
        `try { await import(${JSON.stringify(pathToFileURL(join(DIST_DIR, 'iam-events.js')).href)}) } catch (error) { console.error(error.stack); process.exitCode = 1 }`,
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'us-east-1',
          GUARDRAIL_BASELINE: 'b.yml',
          GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardrail',
          GUARDRAIL_IDEMPOTENCY_TABLE: 'guardrail-idempotency',
          GUARDRAIL_ROLE_ARN: 'not-an-arn',
        },
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toContain('GUARDRAIL_ROLE_ARN: expected an IAM role ARN');
    // Where Lambda unzips the package.
    const logged = run.stderr.replaceAll(pathToFileURL(ROOT).href, 'file:///var/task/');
    expect(logged).toMatch(/file:\/\/\/var\/task\/dist\/handlers\/iam-events\.js:\d+:\d+/);

    const mapped = mapStack(logged);
    const source = readFileSync(join(ROOT, 'handlers', 'config.ts'), 'utf8').split('\n');
    const throwLine =
      source.findIndex((line) => line.includes('GUARDRAIL_ROLE_ARN: expected an IAM role ARN')) + 1;
    expect(mapped).toContain(`handlers/config.ts:${throwLine}:`);
    // Frames outside the bundles are left alone.
    expect(mapStack('    at ModuleJob.run (node:internal/modules/esm/module_job:325:25)')).toBe(
      '    at ModuleJob.run (node:internal/modules/esm/module_job:325:25)',
    );
  });
});
