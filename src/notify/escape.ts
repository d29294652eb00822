/**
 * Event fields are attacker-controlled (a user name, a role name, a policy document): everything that goes
 * into a chat message or a subject passes through here.
 *
 * Chat (AWS Chatbot `client-markdown`, rendered as Slack mrkdwn or Teams markdown): `& < >` become entities,
 * so no `<!channel>`, `<@U123>` or `<javascript:…|x>` control sequence survives; a zero-width space between
 * `]` and `(` keeps `[x](javascript:…)` from ever forming a Markdown link; a backtick becomes `'` so a value
 * cannot open or close a code span (Slack has no escape for it, and a look-alike character would pass for
 * the real one); `@here`, `@channel` and `@everyone` get a zero-width space after the `@`. Emphasis characters (`* _ ~`) pass through: they can change how text looks, never what it links
 * to or whom it pings, and IAM wildcards (`s3:*`) must stay readable.
 */
import { oneLine } from '../core/errors.ts';

const ZWSP = '\u200b';

/** The replacements alone, for text already made one line (markdown.ts escapes prose between code spans). */
export function escapeChatText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, "'")
    .replace(/\]\s*\(/g, `]${ZWSP}(`)
    .replace(/@(here|channel|everyone)\b/gi, `@${ZWSP}$1`);
}

/** Prose for a chat message: one line, capped, nothing a chat client would turn into a link or a mention. */
export function escapeChat(value: string, max = 600): string {
  return escapeChatText(oneLine(value, max));
}

/** A value shown verbatim (an ARN, an id, an address) as inline code: no formatting applies inside. */
export function chatCode(value: string, max = 300): string {
  const text = escapeChat(value, max);
  return text === '' ? '-' : `\`${text}\``;
}

/**
 * An SNS subject: printable ASCII only (others become `?`), one line, at most `max` characters. SNS
 * rejects a subject of 100 characters or more on some paths, so the default stays at 99.
 */
export function snsSubject(value: string, max = 99): string {
  const ascii = oneLine(value, 10_000)
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
  const text = ascii.length > max ? `${ascii.slice(0, max - 3).trimEnd()}...` : ascii;
  // SNS wants the first character to be a letter, digit or punctuation: never a space.
  return text === '' ? 'guardrail notification' : text;
}

/** Plain text for email bodies: control characters flattened, length capped, nothing else touched. */
export function plain(value: string, max = 2000): string {
  return oneLine(value, max);
}
