/**
 * `prepare`, which `npm ci` and `npm install` run in this package's root: the steps that turn a fresh
 * checkout into a working `npx guardrail`. Generation steps whose output the CLI bundles (e.g. AWS managed
 * policies) go first in STEPS; the CLI build comes last.
 */

interface Step {
  readonly name: string;
  readonly run: () => Promise<string>;
}

const STEPS: readonly Step[] = [
  // Generation steps go here, before the CLI build.
  {
    // The AWS managed policies every version since 2015, compacted for managedPolicyAt (src/policy/managed.ts):
    // made from the installed package at install, never committed (74 MB in, about 3 MB out).
    name: 'managed-policies',
    run: async () => {
      const { writeManagedData } = await import('./gen-managed.ts');
      const { managedDataDir } = await import('../src/policy/managed.ts');
      const { policies, statements } = writeManagedData();
      return `${managedDataDir()}: ${policies} AWS managed policies, ${statements} distinct statements`;
    },
  },
  {
    name: 'cli',
    run: async () => {
      let buildCli: typeof import('./build-cli.ts').buildCli;
      try {
        ({ buildCli } = await import('./build-cli.ts'));
      } catch (error) {
        // `npm ci --omit=dev` has no esbuild: the command still works, from the sources through tsx.
        if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
        return 'skipped (esbuild is not installed): guardrail runs from the TypeScript sources through tsx';
      }
      const { files, bytes } = await buildCli();
      return `dist/cli: ${files} files, ${(bytes / 1024).toFixed(0)} KB of code`;
    },
  },
];

for (const step of STEPS) process.stdout.write(`prepare ${step.name}: ${await step.run()}\n`);
