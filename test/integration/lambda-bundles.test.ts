/** The built bundles themselves: one per handler file, self-contained, within the deploy budget, lean. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DIST_DIR, handlerNames, MAX_ZIPPED_BYTES, packageFiles } from '../../scripts/build.ts';

const CLIENTS: Record<string, readonly string[]> = {
  'iam-events': ['iam', 'sns', 'dynamodb', 's3', 'ssm'],
  'ec2-events': ['ec2', 'sns', 'dynamodb', 's3', 'ssm'],
  'state-scan': ['iam', 'ec2', 'sns', 's3', 'ssm', 'cloudtrail', 'eventbridge', 'lambda'],
  // IAM: the AWS managed documents replayed records gain (loaded only then).
  replay: ['s3', 'sns', 'cloudtrail', 'ssm', 'iam'],
  'tamper-events': ['cloudtrail', 'sns', 'dynamodb', 's3', 'ssm'],
  'tamper-watch': ['sns', 'dynamodb', 's3', 'ssm'],
};
const ALL_CLIENTS = [
  'iam',
  'ec2',
  'sns',
  'dynamodb',
  's3',
  'ssm',
  'sqs',
  'cloudtrail',
  'eventbridge',
  'lambda',
];

describe('handler bundles', () => {
  it('exist for every handler file, as ESM', () => {
    expect(handlerNames()).toEqual([
      'ec2-events',
      'iam-events',
      'replay',
      'state-scan',
      'tamper-events',
      'tamper-watch',
    ]);
    expect(JSON.parse(readFileSync(join(DIST_DIR, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
  });

  it.each(handlerNames())(
    '%s exports handler, bundles its dependencies, zips under the budget',
    async (name) => {
      // The function's package: its entry and the chunks and files it loads on demand (scripts/build.ts),
      // the brotli action catalogue included where the code reads it.
      const files = packageFiles(name).map((file) => readFileSync(join(DIST_DIR, file)));
      const zipped = files.reduce((sum, c) => sum + deflateRawSync(c, { level: 9 }).length, 0);
      expect(zipped).toBeLessThanOrEqual(MAX_ZIPPED_BYTES);
      const code = packageFiles(name)
        .filter((file) => file.endsWith('.js'))
        .map((file) => readFileSync(join(DIST_DIR, file)));
      const text = code.map((c) => c.toString()).join('\n');
      // Only Node built-ins and the function's own chunks are imported at run time: everything else is inside.
      // Minified output writes `from"x"`, `import"x"` and `import("x")` without spaces (messages quoting
      // `from "x"` in prose are not imports).
      const imports = [...text.matchAll(/\b(?:from|import\(?)"([^"]+)"/g)].map((m) => m[1]);
      for (const specifier of imports)
        expect(specifier).toMatch(
          new RegExp(
            `^node:|^(fs|path|os|crypto|stream|http|https|url|util|zlib|buffer|events|net|tls|child_process|process|module|async_hooks|worker_threads)$|^\\.\\/(${name}\\.chunks\\/)?[\\w-]+\\.js$`,
          ),
        );
      expect(readFileSync(join(DIST_DIR, `${name}.js`), 'utf8')).toMatch(
        /export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b/,
      );
      // Only the SDK clients the handler calls (the generated clients embed their package name).
      const bundled = ALL_CLIENTS.filter((client) => text.includes(`"@aws-sdk/client-${client}"`));
      expect(bundled.sort()).toEqual([...(CLIENTS[name] ?? [])].sort());
    },
  );
});
