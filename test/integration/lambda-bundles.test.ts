/** The built bundles themselves: one per handler file, self-contained, within the deploy budget, lean. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DIST_DIR, handlerNames, MAX_ZIPPED_BYTES } from '../../scripts/build.ts';
import { CATALOGUE_BUNDLED_FILE } from '../../src/policy/catalogue.ts';

const CLIENTS: Record<string, readonly string[]> = {
  'iam-events': ['iam', 'sns', 'dynamodb', 's3', 'ssm'],
  'ec2-events': ['ec2', 'sns', 'dynamodb', 's3', 'ssm'],
  'orphan-sweep': ['iam', 'sns', 'dynamodb', 's3', 'ssm'],
};
const ALL_CLIENTS = ['iam', 'ec2', 'sns', 'dynamodb', 's3', 'ssm', 'sqs', 'cloudtrail'];

describe('handler bundles', () => {
  it('exist for every handler file, as ESM', () => {
    expect(handlerNames()).toEqual(['ec2-events', 'iam-events', 'orphan-sweep']);
    expect(JSON.parse(readFileSync(join(DIST_DIR, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
  });

  it.each(handlerNames())(
    '%s exports handler, bundles its dependencies, zips under the budget',
    async (name) => {
      const code = readFileSync(join(DIST_DIR, `${name}.js`));
      const text = code.toString();
      // The action catalogue travels beside the bundle (brotli): it counts toward the zip too.
      const sidecar = text.includes(CATALOGUE_BUNDLED_FILE)
        ? readFileSync(join(DIST_DIR, CATALOGUE_BUNDLED_FILE)).length
        : 0;
      expect(deflateRawSync(code, { level: 9 }).length + sidecar).toBeLessThanOrEqual(MAX_ZIPPED_BYTES);
      // Only Node built-ins are imported at run time: everything else is inside the bundle.
      const imports = [...text.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((m) => m[1]);
      for (const specifier of imports)
        expect(specifier).toMatch(
          /^node:|^(fs|path|os|crypto|stream|http|https|url|util|zlib|buffer|events|net|tls|child_process|process|module|async_hooks|worker_threads)$/,
        );
      expect(text).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b/);
      // Only the SDK clients the handler calls (the generated clients embed their package name).
      const bundled = ALL_CLIENTS.filter((client) => text.includes(`"@aws-sdk/client-${client}"`));
      expect(bundled.sort()).toEqual([...(CLIENTS[name] ?? [])].sort());
    },
  );
});
