/**
 * `npm run build`: one esbuild bundle per handler, `dist/handlers/<name>.js` (ESM, node22, minified, with a
 * source map) plus the chunks it loads on demand in `dist/handlers/<name>.chunks/`, each exporting
 * `handler`. Every `handlers/*.ts` except config.ts is a handler: adding one is adding its file. Prints
 * each function's size and fails above the deploy budget (400 KB zipped).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib';
import type { Plugin } from 'esbuild';
import { build } from 'esbuild';
import { CATALOGUE_BUNDLED_FILE, CATALOGUE_FILE } from '../src/policy/catalogue.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const HANDLERS_DIR = join(ROOT, 'handlers');
export const DIST_DIR = join(ROOT, 'dist', 'handlers');
/** The deploy issue's limit for each zipped function. */
export const MAX_ZIPPED_BYTES = 400 * 1024;

/** Every handler entry point: `handlers/<name>.ts`, config.ts excepted (shared code lives in subfolders). */
export function handlerNames(): string[] {
  return readdirSync(HANDLERS_DIR)
    .filter((file) => file.endsWith('.ts') && file !== 'config.ts')
    .map((file) => basename(file, '.ts'))
    .sort();
}

/**
 * The SDK's generated schema modules write trait keys as computed properties (`{ [_xN]: _Foo }` with
 * `const _xN = "xmlName"`). esbuild treats a computed key as a possible side effect, so it keeps every
 * schema of the service: all 3,400 of EC2's (550 KB) for two commands. Spelling those keys as the string
 * literals they are lets tree shaking drop what the handler never sends; the objects are identical.
 */
export const literalSchemaKeys: Plugin = {
  name: 'literal-schema-keys',
  setup(esbuild) {
    esbuild.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
      async (args) => {
        const text = await readFile(args.path, 'utf8');
        const strings = new Map<string, string>();
        for (const match of text.matchAll(/^const (_\w+) = ("[^"\\]*");$/gm))
          strings.set(match[1] as string, match[2] as string);
        const contents = text.replace(/\[(_\w+)\]:/g, (all, name: string) => {
          const literal = strings.get(name);
          return literal ? `${literal}:` : all;
        });
        return { contents, loader: 'js' };
      },
    );
  },
};

/**
 * yaml's `node` export is CommonJS: esbuild can neither tree-shake it nor load it without wrapping every
 * module in a lazy-init closure. Its ESM build (`yaml/browser`) is the same code as ES modules and runs
 * unchanged on Node, so the bundles use that one.
 */
export const yamlAsEsm: Plugin = {
  name: 'yaml-as-esm',
  setup(esbuild) {
    const esm = createRequire(import.meta.url)
      .resolve('yaml/package.json')
      .replace(/package\.json$/, 'browser/index.js');
    esbuild.onResolve({ filter: /^yaml$/ }, () => ({ path: esm }));
  },
};

/**
 * `@aws-sdk/core` re-exports its browser user-agent parser, which imports `bowser` (35 KB) when called. Nothing
 * calls it on Node (the clients' user agent comes from the Node provider), but esbuild still writes a chunk for
 * that dynamic import into every package: about 10 KB of each zip. A stand-in with the same exports takes its
 * place (were it ever called, the user agent would say "other" instead of a browser's name).
 */
export const noBrowserUserAgent: Plugin = {
  name: 'no-browser-user-agent',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^bowser$/ }, () => ({ path: 'bowser', namespace: 'browser-only' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'browser-only' }, () => ({
      contents: 'export const parse = () => ({}); export default { parse };',
      loader: 'js',
    }));
  },
};

/**
 * The SDK's default credential chain, reduced to the environment for the Lambda bundles (what the runtime
 * provides; handlers/lib/envCredentials.ts says why).
 */
export const envCredentials: Plugin = {
  name: 'env-credentials',
  setup(esbuild) {
    const standIn = join(HANDLERS_DIR, 'lib', 'envCredentials.ts');
    esbuild.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: standIn }));
  },
};

export interface BundleSize {
  readonly name: string;
  /** Everything the function's package holds, relative to the output folder: entry, chunks, assets, package.json. */
  readonly files: readonly string[];
  /** The code the function ships: entry plus chunks. */
  readonly bytes: number;
  /** Deflate at level 9 of every file plus zip's per-file headers: what the function's zip weighs. */
  readonly zippedBytes: number;
}

/** Where a handler's lazily loaded chunks and files go, next to its entry: `<name>.chunks/`. */
export function chunkDir(name: string): string {
  return `${name}.chunks`;
}

function filesUnder(dir: string, prefix: string): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(dir, join(prefix, entry.name))
      : /\.(js|json|br)$/.test(entry.name)
        ? [join(prefix, entry.name)]
        : [],
  );
}

/** Local header (30) and central directory entry (46) per file, each carrying the name, plus the end record. */
function zipOverhead(files: readonly string[]): number {
  return files.reduce((sum, file) => sum + 76 + 2 * file.length, 22);
}

/**
 * One esbuild build per handler, so each function's package is its entry plus its own chunks. Code
 * splitting keeps what a handler may never need in chunks loaded on first use (the SDK's credential
 * providers other than the environment's, the S3 and SSM baseline readers, a remediation's client):
 * Node neither reads nor compiles them at a cold start.
 */
async function buildOne(outdir: string, name: string): Promise<void> {
  await build({
    entryPoints: { [name]: join(HANDLERS_DIR, `${name}.ts`) },
    outdir,
    chunkNames: `${chunkDir(name)}/[name]-[hash]`,
    assetNames: `${chunkDir(name)}/[name]-[hash]`,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    // Linked maps without the sources: a stack trace maps to file, line and name; the map stays out of
    // the deployed zip (docs/deploy.md), the code in it is the same either way.
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [literalSchemaKeys, yamlAsEsm, noBrowserUserAgent, envCredentials],
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
}

/**
 * The IAM action catalogue (src/policy/catalogue.data.json) is read on the first PutRolePolicy, not imported:
 * src/policy/catalogue.ts looks for it brotli-compressed beside the module that holds the loader (127 KB in
 * the zip instead of 157 KB deflated). This puts it there, in the handler's chunk folder or beside its entry.
 */
function placeCatalogue(outdir: string, name: string, compressed: Buffer): void {
  for (const file of [`${name}.js`, ...filesUnder(outdir, chunkDir(name)).filter((f) => f.endsWith('.js'))]) {
    if (!readFileSync(join(outdir, file)).includes(CATALOGUE_BUNDLED_FILE)) continue;
    writeFileSync(join(outdir, dirname(file), CATALOGUE_BUNDLED_FILE), compressed);
  }
}

function compressedCatalogue(): Buffer {
  return brotliCompressSync(readFileSync(join(ROOT, 'src', 'policy', CATALOGUE_FILE)), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24 },
  });
}

/**
 * The handlers that read the IAM action catalogue: the policy rules judge IAM permission events (iam-events),
 * the replay judges every event, and the state scan judges every principal's current policies. The others run
 * rules that never read it (EC2, CloudTrail, the stack), so their packages leave its 127 KB out; test/infra checks that none of them is sent IAM events.
 */
export const CATALOGUE_READERS: ReadonlySet<string> = new Set(['iam-events', 'replay', 'state-scan']);

/** What a function's deployment package holds, relative to the output folder: entry, chunks, assets, package.json. */
export function packageFiles(name: string, outdir = DIST_DIR): string[] {
  const beside =
    CATALOGUE_READERS.has(name) &&
    existsSync(join(outdir, CATALOGUE_BUNDLED_FILE)) &&
    readFileSync(join(outdir, `${name}.js`)).includes(CATALOGUE_BUNDLED_FILE)
      ? [CATALOGUE_BUNDLED_FILE]
      : [];
  return [`${name}.js`, ...beside, ...filesUnder(outdir, chunkDir(name)).sort(), 'package.json'];
}

export async function buildHandlers(outdir = DIST_DIR, names = handlerNames()): Promise<BundleSize[]> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await Promise.all(names.map((name) => buildOne(outdir, name)));
  const catalogue = compressedCatalogue();
  for (const name of names.filter((n) => CATALOGUE_READERS.has(n))) placeCatalogue(outdir, name, catalogue);
  // Lambda (and Node) read `.js` as ESM only under a package.json that says so; zip it with the bundle.
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  return names.map((name) => {
    const files = packageFiles(name, outdir);
    const contents = files.map((file) => readFileSync(join(outdir, file)));
    return {
      name,
      files,
      bytes: contents.slice(0, -1).reduce((sum, c) => sum + c.length, 0),
      zippedBytes:
        contents.reduce((sum, c) => sum + deflateRawSync(c, { level: 9 }).length, 0) + zipOverhead(files),
    };
  });
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await buildHandlers();
  let over = false;
  for (const size of sizes) {
    const flag = size.zippedBytes > MAX_ZIPPED_BYTES ? `  over the ${kb(MAX_ZIPPED_BYTES)} budget` : '';
    over ||= flag !== '';
    console.log(
      `dist/handlers/${size.name}.js + ${size.files.length - 2} more files  ${kb(size.bytes)}  zipped ${kb(size.zippedBytes)}${flag}`,
    );
  }
  if (over) process.exitCode = 1;
}
