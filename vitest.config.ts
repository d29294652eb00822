import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites start their own moto server; keep the default pool but bound it for 2-core machines.
    maxWorkers: 2,
    // Builds dist/handlers/*.js once: the lambda integration tests run the bundles Lambda would.
    globalSetup: ['test/helpers/buildOnce.ts'],
    testTimeout: 20_000,
  },
});
