/** .ci/run runs the README's test command: the same npm commands, in the same order. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
// npm's quiet flags change no step.
const command = (line: string): string => line.replace(/ --no-(audit|fund)\b/g, '').trim();

describe('.ci/run', () => {
  it("runs exactly the README's test command", () => {
    const setUp = read('README.md').split('## Set-up')[1]?.split('```')[1] ?? '';
    const testLine = setUp.split('\n').find((line) => /\bnpm test\b/.test(line)) ?? '';
    const readme = (testLine.split('#')[0] ?? '').split('&&').map(command);
    const ci = read('.ci/run')
      .split('\n')
      .filter((line) => line.startsWith('npm '))
      .map(command);
    expect(readme).toContain('npm run test:node22');
    expect(ci).toEqual(readme);
  });
});
