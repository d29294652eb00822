/** Vitest global setup: build the handler bundles once, before any test file runs (integration tests use them). */
import { buildHandlers } from '../../scripts/build.ts';

export default async function setup(): Promise<void> {
  await buildHandlers();
}
