import { configDefaults, defineConfig } from 'vitest/config';

// The suites that run what `npm run build` writes (the handler bundles on moto, the packaged stack): they
// alone wait for the build. Every other test file, wherever it is added, is a unit test and starts at once.
const BUNDLE_SUITES = ['test/integration/**/*.test.ts', 'test/infra/**/*.test.ts'];

export default defineConfig({
  test: {
    // Integration suites start their own moto server; keep the default pool but bound it for 2-core machines.
    maxWorkers: 2,
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...BUNDLE_SUITES],
        },
      },
      {
        extends: true,
        test: {
          name: 'bundles',
          include: BUNDLE_SUITES,
          // Builds dist/handlers/*.js once, before the first of these files: they run the bundles Lambda would.
          globalSetup: ['test/helpers/buildOnce.ts'],
        },
      },
    ],
  },
});
