/**
 * `npm run build`: one esbuild bundle per handler, `dist/handlers/<name>.js` (ESM, node22, minified, with a
 * source map), each exporting `handler`. Every `handlers/*.ts` except config.ts is a handler: adding one is
 * adding its file. Prints each bundle's size and fails above the deploy budget (400 KB zipped).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
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

export interface BundleSize {
  readonly name: string;
  readonly bytes: number;
  /** Deflate at level 9: what the bundle weighs inside a zip (plus a ~100-byte entry header), sidecars included. */
  readonly zippedBytes: number;
  /** Files the bundle reads at run time and must be zipped with it (names inside the output folder). */
  readonly sidecars: readonly string[];
}

const CATALOGUE_SOURCE = join(ROOT, 'src', 'policy', CATALOGUE_FILE);

/** The action catalogue, brotli-compressed: 127 KB instead of 157 KB deflated (src/policy/catalogue.ts reads it). */
function writeCatalogueSidecar(outdir: string): Buffer {
  const compressed = brotliCompressSync(readFileSync(CATALOGUE_SOURCE), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24 },
  });
  writeFileSync(join(outdir, CATALOGUE_BUNDLED_FILE), compressed);
  return compressed;
}

export async function buildHandlers(outdir = DIST_DIR, names = handlerNames()): Promise<BundleSize[]> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(names.map((name) => [name, join(HANDLERS_DIR, `${name}.ts`)])),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [literalSchemaKeys],
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
  // Lambda (and Node) read `.js` as ESM only under a package.json that says so; zip it with the bundle.
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  const catalogue = writeCatalogueSidecar(outdir);
  return names.map((name) => {
    const code = readFileSync(join(outdir, `${name}.js`));
    // A bundle that reaches the catalogue loader names its file; only those need it in their zip.
    const sidecars = code.includes(CATALOGUE_BUNDLED_FILE) ? [CATALOGUE_BUNDLED_FILE] : [];
    const zippedBytes =
      deflateRawSync(code, { level: 9 }).length + (sidecars.length > 0 ? catalogue.length : 0);
    return { name, bytes: code.length, zippedBytes, sidecars };
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
    console.log(`dist/handlers/${size.name}.js  ${kb(size.bytes)}  zipped ${kb(size.zippedBytes)}${flag}`);
  }
  if (over) process.exitCode = 1;
}
