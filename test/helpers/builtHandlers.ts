/**
 * Invoking the built bundles (dist/handlers/<name>.js, written by test/helpers/buildOnce.ts) in a child
 * Node process, as Lambda would: init once, then one invocation per event.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST_HANDLERS = fileURLToPath(new URL('../../dist/handlers/', import.meta.url));
const RUNNER = fileURLToPath(new URL('./invokeBuilt.mjs', import.meta.url));
// The AWS SDK warns at init on Node < 22 (NodeVersionSupportWarning); Lambda runs the bundles on 22, where
// it does not. On Node 20 the SDK's own switch turns off that one warning, as Lambda would never show it;
// `npm run test:node22` runs the bundles without it. An `env` given by the test wins.
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const AS_ON_LAMBDA: Record<string, string> =
  NODE_MAJOR < 22 ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } : {};

export type Invocation =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: { readonly name: string; readonly message: string } };

export interface BuiltRun {
  readonly results: Invocation[];
  readonly initError?: { readonly name: string; readonly message: string };
  /** The function's structured log lines (stdout), parsed. */
  readonly logs: Record<string, unknown>[];
  readonly stdout: string;
  readonly stderr: string;
}

export async function invokeBuilt(
  name: string,
  events: readonly unknown[],
  env: Readonly<Record<string, string>>,
): Promise<BuiltRun> {
  const dir = mkdtempSync(join(tmpdir(), 'guardrail-invoke-'));
  const resultFile = join(dir, 'result.json');
  try {
    const child = spawn(
      process.execPath,
      [RUNNER, join(DIST_HANDLERS, `${name}.js`), resultFile, `guardrail-${name}`],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...AS_ON_LAMBDA, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin.end(JSON.stringify(events));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`${name}: runner exited with ${code}\n${stderr}`);
    const output = JSON.parse(readFileSync(resultFile, 'utf8')) as {
      results?: Invocation[];
      initError?: BuiltRun['initError'];
      warnings: string[];
    };
    // Every test of a built handler asserts this: the function's logs would carry the warning.
    if (output.warnings.length > 0) {
      throw new Error(
        `${name}: process warnings on Node ${process.versions.node}: ${output.warnings.join('; ')}`,
      );
    }
    const logs = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return {
      results: output.results ?? [],
      ...(output.initError ? { initError: output.initError } : {}),
      logs,
      stdout,
      stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
