/**
 * guardrail's own texts (rule titles, rationales, next steps) are written in a small Markdown: prose with
 * inline code spans (`s3:*`). Each channel gets them in its own form, never with a literal backtick left over
 * nor a look-alike character standing in for one:
 * - chat (Slack mrkdwn and Teams markdown through AWS Chatbot): code spans stay code spans, prose is escaped;
 * - HTML: `<code>` elements, everything escaped;
 * - plain text (email): the code span's text alone.
 * Event values are never Markdown: they go through escape.ts (chat) or are shown as they are (email).
 */
import { oneLine } from '../core/errors.ts';
import { escapeChatText } from './escape.ts';

export interface Segment {
  readonly code: boolean;
  readonly text: string;
}

/** Prose and code spans, in order. A backtick without its pair is prose (and loses its backtick). */
export function segments(markdown: string): Segment[] {
  const out: Segment[] = [];
  const pattern = /`([^`]+)`/g;
  let last = 0;
  for (const match of markdown.matchAll(pattern)) {
    if (match.index > last) out.push({ code: false, text: markdown.slice(last, match.index) });
    out.push({ code: true, text: match[1] as string });
    last = match.index + match[0].length;
  }
  if (last < markdown.length) out.push({ code: false, text: markdown.slice(last) });
  return out.map((s) => (s.code ? s : { code: false, text: s.text.replace(/`/g, '') }));
}

/** For AWS Chatbot's client-markdown: one line, code spans kept, everything else escaped like any chat text. */
export function markdownToChat(markdown: string, max = 800): string {
  return segments(oneLine(markdown, max))
    .map((s) => (s.code ? `\`${escapeChatText(s.text)}\`` : escapeChatText(s.text)))
    .join('');
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c] as string);
}

export function markdownToHtml(markdown: string): string {
  return segments(markdown)
    .map((s) => (s.code ? `<code>${html(s.text)}</code>` : html(s.text)))
    .join('');
}

export function markdownToPlain(markdown: string): string {
  return segments(markdown)
    .map((s) => s.text)
    .join('');
}

const MARKDOWN_SPECIAL = /[\\*_[\]#!|~]/g;
const MARKDOWN_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * For a Markdown document (the replay's md report): code spans kept, prose with every other Markdown and HTML
 * special character escaped, so only guardrail's code spans format anything.
 */
export function markdownToMarkdown(markdown: string, max = 2_000): string {
  return segments(oneLine(markdown, max))
    .map((s) =>
      s.code
        ? `\`${s.text}\``
        : s.text.replace(MARKDOWN_SPECIAL, (c) => `\\${c}`).replace(/[&<>]/g, (c) => MARKDOWN_ENTITY[c] ?? c),
    )
    .join('');
}
