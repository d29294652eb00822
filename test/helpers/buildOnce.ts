/**
 * Vitest global setup of the `bundles` project (vitest.config.ts: test/integration, test/infra): builds
 * dist/handlers/*.js once, before the first of those files runs. Unit runs never wait for it.
 */
import { buildHandlers } from '../../scripts/build.ts';

export default async function setup(): Promise<void> {
  await buildHandlers();
}
