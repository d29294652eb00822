/**
 * The built bundles on the Node that runs the tests: 20 under `npm test`, 22 (the functions' runtime) under
 * `npm run test:node22`. Each one's init runs clean there, and a process warning a bundle emits fails the
 * test that invoked it (test/helpers/builtHandlers.ts).
 */
import { describe, expect, it } from 'vitest';
import { HANDLER_SETTINGS } from '../../bench/lambdaEnv.ts';
import { handlerNames } from '../../scripts/build.ts';
import { invokeBuilt } from '../helpers/builtHandlers.ts';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const ENV = { ...HANDLER_SETTINGS, AWS_LAMBDA_FUNCTION_NAME: 'guardrail-node-version' };

describe(`the built handlers on Node ${process.versions.node}`, () => {
  it.each(handlerNames())('%s initialises with nothing on stderr', async (name) => {
    const run = await invokeBuilt(name, [], ENV);
    expect(run.initError).toBeUndefined();
    expect(run.stderr).toBe('');
  });

  it("fails on a bundle's warning: the SDK's below Node 22 when its switch is false; on 22 it has none", async () => {
    const run = invokeBuilt('iam-events', [], {
      ...ENV,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false',
    });
    if (NODE_MAJOR < 22)
      await expect(run).rejects.toThrow(/iam-events: process warnings on Node .*NodeVersionSupportWarning/);
    else await expect(run).resolves.toMatchObject({ stderr: '' });
  });
});
