/** guardrail's own Markdown (prose with code spans) in each channel's form, with no backtick left over. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  markdownToChat,
  markdownToHtml,
  markdownToMarkdown,
  markdownToPlain,
  segments,
} from '../../../src/notify/markdown.ts';

const TEXT = 'the opposite of least privilege (an `s3:*` on `*` hands over every bucket)';

describe('Markdown per channel', () => {
  it('splits prose and code spans', () => {
    expect(segments(TEXT)).toEqual([
      { code: false, text: 'the opposite of least privilege (an ' },
      { code: true, text: 's3:*' },
      { code: false, text: ' on ' },
      { code: true, text: '*' },
      { code: false, text: ' hands over every bucket)' },
    ]);
  });

  it('keeps code spans in chat, makes <code> in HTML and bare text in email', () => {
    expect(markdownToChat(TEXT)).toBe(TEXT);
    expect(markdownToHtml(TEXT)).toBe(
      'the opposite of least privilege (an <code>s3:*</code> on <code>*</code> hands over every bucket)',
    );
    expect(markdownToPlain(TEXT)).toBe(
      'the opposite of least privilege (an s3:* on * hands over every bucket)',
    );
    expect(markdownToMarkdown(TEXT)).toBe(
      'the opposite of least privilege (an `s3:*` on `*` hands over every bucket)',
    );
  });

  it('escapes prose for its channel and drops a backtick without its pair', () => {
    expect(markdownToChat('<!here> `a<b` & `x')).toBe('&lt;!here&gt; `a&lt;b` &amp; x');
    expect(markdownToHtml('<b> `a<b` `x')).toBe('&lt;b&gt; <code>a&lt;b</code> x');
    expect(markdownToMarkdown('*bold* `x`')).toBe('\\*bold\\* `x`');
  });

  it('never leaves a stray backtick nor a look-alike in any channel, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(markdownToPlain(text)).not.toMatch(/[`ˋ]/);
        expect(markdownToHtml(text)).not.toMatch(/[`ˋ]/);
        const chat = markdownToChat(text);
        expect(chat).not.toContain('ˋ');
        expect((chat.match(/`/g) ?? []).length % 2).toBe(0);
      }),
    );
  });
});
