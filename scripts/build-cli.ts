/**
 * The `guardrail` command compiled to JavaScript: `dist/cli/guardrail.js` (the CLI), `dist/cli/replay-worker.js`
 * (a replay scanning thread) and the chunks they load on demand (the AWS SDK clients, the S3, LookupEvents,
 * Athena and CloudTrail Lake sources). `npm ci` builds it through `prepare`; bin/guardrail.js runs it, so a
 * command starts without compiling TypeScript (tsx stays for development: see bin/guardrail.js).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CATALOGUE_FILE } from '../src/policy/catalogue.ts';
import { literalSchemaKeys, yamlAsEsm } from './build.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI_DIR = join(ROOT, 'dist', 'cli');
/** Project sources the build read, with the build time: bin/guardrail.js falls back to tsx when one is newer. */
export const CLI_MANIFEST = 'inputs.json';

export async function buildCli(
  outdir = CLI_DIR,
): Promise<{ readonly files: number; readonly bytes: number }> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const builtAt = Date.now();
  const result = await build({
    entryPoints: {
      guardrail: join(ROOT, 'src', 'cli', 'main.ts'),
      'replay-worker': join(ROOT, 'src', 'replay', 'worker.ts'),
    },
    outdir,
    // Chunks beside the entries, so a relative URL (the worker's, the catalogue's) means the same in each.
    chunkNames: '[name]-[hash]',
    bundle: true,
    // Chunks keep the SDK clients and the AWS sources out of a local command's start-up.
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [literalSchemaKeys, yamlAsEsm],
    // pool.ts starts this file as a scanning thread instead of the tsx-registering worker-entry.mjs.
    define: { __GUARDRAIL_REPLAY_WORKER__: JSON.stringify('./replay-worker.js') },
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  // The IAM catalogue is read beside the module holding its loader (src/policy/catalogue.ts), on first use.
  const outputs = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'));
  for (const output of outputs) {
    if (!readFileSync(output, 'utf8').includes(CATALOGUE_FILE)) continue;
    copyFileSync(join(ROOT, 'src', 'policy', CATALOGUE_FILE), join(dirname(output), CATALOGUE_FILE));
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes('node_modules'))
    .map((input) => relative(ROOT, join(process.cwd(), input)))
    .sort();
  writeFileSync(
    join(outdir, CLI_MANIFEST),
    `${JSON.stringify({ builtAt, inputs: [...inputs, 'package.json'] })}\n`,
  );
  const bytes = outputs.reduce((sum, file) => sum + readFileSync(file).length, 0);
  return { files: readdirSync(outdir, { recursive: true }).length, bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files, bytes } = await buildCli();
  process.stdout.write(`dist/cli: ${files} files, ${(bytes / 1024).toFixed(0)} KB of code\n`);
}
