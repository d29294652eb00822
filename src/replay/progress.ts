/**
 * The progress bar on stderr (cli-progress), drawn only on a terminal and never under --quiet; colour only
 * when NO_COLOR is unset (https://no-color.org). The file total grows while sources are still being listed.
 */
import { SingleBar } from 'cli-progress';
import type { Io } from '../cli/io.ts';
import type { Severity } from '../core/types.ts';
import type { Progress } from './aggregate.ts';
import { plural, SEVERITIES_WORST_FIRST } from './report/view.ts';
import type { ReplaySummary } from './types.ts';

export interface ProgressUi {
  discovered(files: number): void;
  update(progress: Progress): void;
  /** Clears the bar and prints one closing line. */
  finish(summary: ReplaySummary, elapsedMs: number): void;
  /** Clears the bar without a closing line (the replay failed). */
  abort(): void;
}

const SILENT: ProgressUi = { discovered() {}, update() {}, finish() {}, abort() {} };

const SGR: Record<Severity | 'bar', string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[34m',
  info: '\x1b[2m',
  bar: '\x1b[36m',
};
const RESET = '\x1b[0m';

export function colourEnabled(io: Io): boolean {
  const noColor = io.env?.NO_COLOR;
  return noColor === undefined || noColor === '';
}

export function progressUi(io: Io, quiet: boolean): ProgressUi {
  const stream = io.terminal;
  if (quiet || !stream) return SILENT;
  const colour = colourEnabled(io);
  const paint = (code: string, text: string): string => (colour ? `${code}${text}${RESET}` : text);
  const bar = new SingleBar({
    stream,
    format: `replay ${paint(SGR.bar, '{bar}')} {percentage}% | {value}/{total} files | {records} records | {findings} findings`,
    barCompleteChar: '#',
    barIncompleteChar: '.',
    // No hidden cursor and no SIGINT handler: Ctrl-C must stop the replay and leave the terminal as it was.
    hideCursor: false,
    clearOnComplete: true,
    fps: 10,
  });
  let started = false;
  let total = 0;
  const start = (): void => {
    if (started) return;
    started = true;
    bar.start(Math.max(total, 1), 0, { records: 0, findings: 0 });
  };
  return {
    discovered(files) {
      total = files;
      start();
      bar.setTotal(files);
    },
    update(progress) {
      start();
      bar.update(progress.files, {
        records: progress.records.toLocaleString('en-US'),
        findings: progress.findings,
      });
    },
    finish(summary, elapsedMs) {
      if (started) bar.stop();
      const counts = SEVERITIES_WORST_FIRST.filter((s) => summary.bySeverity[s] > 0)
        .map((s) => paint(SGR[s], `${summary.bySeverity[s]} ${s}`))
        .join(', ');
      stream.write(
        `replay: ${plural(summary.files, 'file')}, ${plural(summary.records, 'record')} in ${(elapsedMs / 1000).toFixed(1)} s: ${plural(summary.findings, 'finding')}${counts ? ` (${counts})` : ''}, ${summary.malformed} malformed, ${summary.duplicates} duplicates\n`,
      );
    },
    abort() {
      if (started) bar.stop();
    },
  };
}
