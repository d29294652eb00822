import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatCode, escapeChat, snsSubject } from '../../../src/notify/escape.ts';

const ZWSP = '\u200b';

describe('chat escaping', () => {
  it.each([
    ['Slack broadcast', 'hi <!channel> and <!here|here>', 'hi &lt;!channel&gt; and &lt;!here|here&gt;'],
    ['Slack user mention', '<@U024BE7LH>', '&lt;@U024BE7LH&gt;'],
    [
      'Slack link with a hidden target',
      '<javascript:alert(1)|click me>',
      '&lt;javascript:alert(1)|click me&gt;',
    ],
    ['Markdown link', '[x](javascript:alert(1))', `[x]${ZWSP}(javascript:alert(1))`],
    ['Markdown link with a space', '[x] (https://evil.example)', `[x]${ZWSP}(https://evil.example)`],
    ['plain @channel', 'ping @channel @Here @everyone', `ping @${ZWSP}channel @${ZWSP}Here @${ZWSP}everyone`],
    ['code-span breakout, with no look-alike standing in', 'a`b', "a'b"],
    ['an entity that is already escaped stays visible text', '&lt;', '&amp;lt;'],
    ['newlines and control characters', 'line1\nline2\u0007', 'line1 line2'],
    ['IAM wildcards stay readable', 's3:* on *', 's3:* on *'],
  ])('%s', (_name, input, expected) => {
    expect(escapeChat(input)).toBe(expected);
  });

  it('never lets a control sequence, a link, a code-span breakout or a newline through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (input) => {
        const out = escapeChat(input);
        expect(out).not.toMatch(/[<>`\n\r]/);
        expect(out).not.toMatch(/\]\s*\(/);
        expect(out).not.toMatch(/@(here|channel|everyone)\b/i);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&lt');
      }),
    );
  });

  it('wraps values in a code span they cannot leave', () => {
    expect(chatCode('arn:aws:iam::1:user/`x`')).toBe("`arn:aws:iam::1:user/'x'`");
    expect(chatCode('')).toBe('-');
  });
});

describe('SNS subject', () => {
  it('keeps printable ASCII, one line, under 100 characters', () => {
    expect(snsSubject('[guardrail] HIGH ec2.imds.v1-allowed i-0abc')).toBe(
      '[guardrail] HIGH ec2.imds.v1-allowed i-0abc',
    );
    expect(snsSubject('naïve\r\nuser 👋')).toBe('na?ve user ??');
    expect(snsSubject('x'.repeat(300))).toBe(`${'x'.repeat(96)}...`);
    expect(snsSubject('   ')).toBe('guardrail notification');
  });

  it('is always 1 to 99 printable ASCII characters starting with a non-space', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (input) => {
        const subject = snsSubject(input);
        expect(subject.length).toBeGreaterThan(0);
        expect(subject.length).toBeLessThanOrEqual(99);
        expect(subject).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
      }),
    );
  });
});
