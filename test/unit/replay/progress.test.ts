import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressUi } from '../../../src/replay/progress.ts';
import { captureIo } from '../../helpers/replay.ts';
import { hostileReport } from '../../helpers/reportFixture.ts';

/** A stream that says it is a terminal, keeping what is drawn on it. */
function fakeTerminal() {
  let drawn = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        drawn += chunk.toString();
        done();
      },
    }),
    { isTTY: true, columns: 120 },
  );
  return { stream, drawn: () => drawn };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what is checked
const COLOUR = /\x1b\[[0-9;]*m/;
const summary = hostileReport().summary;

function drive(ui: ReturnType<typeof progressUi>): void {
  ui.discovered(3);
  ui.update({ files: 1, records: 1200, findings: 2, malformed: 0 });
  ui.update({ files: 3, records: 3600, findings: 7, malformed: 1 });
  ui.finish(summary, 1500);
}

describe('progress on stderr', () => {
  it('draws a bar and a coloured closing line on a terminal', () => {
    const terminal = fakeTerminal();
    drive(progressUi(captureIo({ terminal: terminal.stream }), false));
    // cli-progress draws at most 10 times a second: the first frame is certain, later ones are not.
    expect(terminal.drawn()).toMatch(/replay .* 0% \| 0\/3 files \| 0 records \| 0 findings/);
    expect(terminal.drawn()).toMatch(COLOUR);
    expect(terminal.drawn()).toMatch(
      /replay: 2 files, 5 records in 1\.5 s: 8 findings \(.*2 critical.*, .*6 high.*\), 1 malformed, 0 duplicates\n$/,
    );
  });

  it('uses no colour when NO_COLOR is set', () => {
    const terminal = fakeTerminal();
    drive(progressUi(captureIo({ terminal: terminal.stream, env: { NO_COLOR: '1' } }), false));
    expect(terminal.drawn()).toContain('8 findings (2 critical, 6 high)');
    expect(terminal.drawn()).not.toMatch(COLOUR);
  });

  it('stays silent under --quiet, and when stderr is not a terminal', () => {
    const terminal = fakeTerminal();
    const io = captureIo({ terminal: terminal.stream });
    drive(progressUi(io, true));
    expect(terminal.drawn()).toBe('');
    const piped = captureIo();
    drive(progressUi(piped, false));
    expect(piped.err()).toBe('');
  });
});
