import { configDefaults, defineConfig } from 'vitest/config';

// The suites that run what `npm run build` writes (the handler bundles on moto, the packaged stack): they
// alone wait for the build. Every other test file, wherever it is added, is a unit test and starts at once.
const BUNDLE_SUITES = ['test/integration/**/*.test.ts', 'test/infra/**/*.test.ts'];

// The AWS SDK warns once per process on Node < 22 (NodeVersionSupportWarning, about its releases from 2027).
// The code under test runs on Node 22 in Lambda, where it does not; here its own switch turns off that one
// warning in the test workers, and every other warning still reaches the log. `npm run test:node22` runs
// without it. What the CLI shows: bin/guardrail.js and test/cli/node-version.test.ts.
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const SDK_WARNING_OFF = NODE_MAJOR < 22 ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } : {};

export default defineConfig({
  test: {
    // Integration suites start their own moto server; keep the default pool but bound it for 2-core machines.
    maxWorkers: 2,
    testTimeout: 20_000,
    env: SDK_WARNING_OFF,
    // Fails a test file whose worker emitted a process warning.
    setupFiles: ['test/helpers/noWarnings.ts'],
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
          // Their beforeAll hooks start moto, which startMoto (test/helpers/moto.ts) waits up to 30 s for; the
          // default 10 s cut that short whenever other jobs load the machine (about 6 s alone at load 8).
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
