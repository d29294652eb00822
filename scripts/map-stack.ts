/**
 * `npm run map-stack < trace.txt`: a stack trace from a deployed function's logs, with every frame in a
 * bundle (`/var/task/dist/handlers/iam-events.js:1:23456`) mapped back to its source (`src/...ts:41:7`).
 * The source maps stay out of the zips (they would double them), so use the ones of the build that was
 * deployed: `npm run build` output kept by the pipeline (dist/handlers/**.map), or rebuilt from the same
 * commit (esbuild is deterministic). `--dist <dir>` points at another build than dist/handlers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST_DIR } from './build.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FRAME = /(?:file:\/\/)?(?:\/var\/task\/)?dist\/handlers\/([\w.\-/]+\.js):(\d+):(\d+)/g;

/** The trace with each bundle position followed by its source position; unknown positions stay as they are. */
export function mapStack(trace: string, distDir = DIST_DIR): string {
  const maps = new Map<string, SourceMap | null>();
  const mapFor = (file: string): SourceMap | null => {
    if (!maps.has(file)) {
      const path = join(distDir, `${file}.map`);
      maps.set(file, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : null);
    }
    return maps.get(file) ?? null;
  };
  return trace.replace(FRAME, (frame, file: string, line: string, column: string) => {
    const entry = mapFor(file)?.findEntry(Number(line) - 1, Number(column) - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (!entry?.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) {
      return frame;
    }
    const source = resolve(dirname(join(distDir, file)), entry.originalSource.replace(/^file:\/\//, ''));
    return `${relative(ROOT, source)}:${entry.originalLine + 1}:${entry.originalColumn + 1} (${frame})`;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--dist');
  const dist = at === -1 ? DIST_DIR : resolve(process.argv[at + 1] ?? DIST_DIR);
  process.stdout.write(mapStack(readFileSync(0, 'utf8'), dist));
}
