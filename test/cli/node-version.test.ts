/**
 * What the CLI prints on the Node it runs on (20 here, 22 under `npm run test:node22`): the AWS SDK's
 * NodeVersionSupportWarning not at all (bin/guardrail.js says why), any other warning as Node prints it.
 * The command used builds an SDK client and calls a local stand-in for CloudTrail that refuses at once.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';

const BIN = fileURLToPath(new URL('../../bin/guardrail.js', import.meta.url));
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const SDK_WARNING = 'NodeVersionSupportWarning';

let server: Server;
let endpoint: string;
const targets: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      targets.push(String(request.headers['x-amz-target']));
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'refused by the test' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** The CLI in a child process (asynchronously: the stand-in answers from this one), with only `env` set. */
function guardrail(
  args: readonly string[],
  env: Record<string, string> = {},
  nodeFlags: readonly string[] = [],
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...nodeFlags, BIN, ...args], {
    // Not the test process's environment: vitest turns the SDK's warning off in its own workers.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

const lookup = (env: Record<string, string> = {}) =>
  guardrail(
    ['replay', '--lookup', '--region', 'us-east-1', '--since', '1d', '--baseline', EXAMPLE_BASELINE_PATH],
    {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      ...env,
    },
  );

describe(`the CLI's warnings on Node ${process.versions.node}`, () => {
  it('prints no NodeVersionSupportWarning from a command that calls AWS, only its own one line', async () => {
    targets.length = 0;
    const { stderr } = await lookup();
    expect(targets).toContain('CloudTrail_20131101.LookupEvents');
    expect(stderr).not.toContain('Warning');
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('refused by the test')]);
  });

  it("turns off only the SDK's own warning: setting its switch to false brings it back once on Node 20", async () => {
    const { stderr } = await lookup({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
    // The SDK warns below Node 22 only, once per process.
    expect(stderr.split(SDK_WARNING).length - 1).toBe(NODE_MAJOR < 22 ? 1 : 0);
  });

  it('still prints any other warning', async () => {
    const probe = 'process.emitWarning("guardrail-probe-warning")';
    const { code, stderr } = await guardrail(['rules'], {}, ['--import', `data:text/javascript,${probe}`]);
    expect(code).toBe(0);
    expect(stderr).toContain('Warning: guardrail-probe-warning');
  });
});
