/**
 * Escaping for every output a person or a tool opens. Event fields are attacker-controlled (a user name, a
 * policy name, a user agent can hold markup or a spreadsheet formula), so no field reaches a report raw.
 */
import { oneLine } from '../../core/errors.ts';

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in HTML text and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

/**
 * escapeHtml for ARNs, ids and paths: each part up to a `:` or `/` is kept on one line (class `nb`, which the
 * page styles `white-space:nowrap`, since browsers would also break after a `-`), with a line-break
 * opportunity (`<wbr>`) between parts and at spaces, so a narrow cell or heading wraps between parts only.
 */
export function wrapHtml(value: unknown): string {
  return String(value ?? '')
    .split(/(\s+)/)
    .map((token) =>
      token.trim() === ''
        ? escapeHtml(token)
        : token
            .split(/(?<=[:/])/)
            .map((part) => `<span class="nb">${escapeHtml(part)}</span>`)
            .join('<wbr>'),
    )
    .join('');
}

/**
 * Markdown text on one line, safe inside a table cell: the punctuation that opens emphasis, code, links,
 * headings and cells is backslash-escaped (fields never start a line: the report puts a prefix first), and `<`,
 * `>`, `&` become entities so renderers that allow inline HTML show them as text.
 */
export function escapeMarkdown(value: unknown, max = 500): string {
  return oneLine(String(value ?? ''), max)
    .replace(/[\\`*_[\]#!|~]/g, (char) => `\\${char}`)
    .replace(/[&<>]/g, (char) => HTML_ENTITIES[char] ?? char);
}

/** Cells a spreadsheet would run as a formula (OWASP: CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 cell; a formula-leading value is prefixed with `'` so spreadsheets show it as text. */
export function csvCell(value: unknown): string {
  let text = String(value ?? '');
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}
