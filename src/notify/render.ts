/**
 * Rendering findings into one SNS message per protocol: `default` is an AWS Chatbot custom notification
 * (Slack, Teams), `email` is plain text a person reads top to bottom; both tell the same story in the same
 * order. A live event gets one message with all its findings (renderEvent); a sweep or a replay one digest.
 * Everything from an event is escaped (escape.ts); guardrail's own texts are Markdown rendered per channel
 * (markdown.ts); nothing here reads `details` wholesale, so a secret that slipped into a record stays out.
 */
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../core/types.ts';
import { SEVERITY_ORDER, severityRank } from '../core/types.ts';
import { chatCode, escapeChat, plain, snsSubject } from './escape.ts';
import { consoleLinks } from './links.ts';
import { markdownToChat, markdownToPlain } from './markdown.ts';
import type { ChatbotNotification, Digest, MessageAttribute, RenderedMessage } from './types.ts';

/** SNS's limit for a whole message: body, subject and attributes together. */
export const SNS_MAX_BYTES = 262_144;
/** Headroom for the JSON envelope SNS adds around protocol messages and for attribute overhead. */
const SIZE_MARGIN = 4_096;
/** Chat clients truncate long posts; a digest lists this many findings in chat, email lists all that fit. */
const CHAT_DIGEST_ITEMS = 20;
const CHAT_DESCRIPTION_MAX = 7_000;
const CHAT_TITLE_MAX = 250;

const EMOJI: Record<Severity, string> = {
  info: ':information_source:',
  low: ':large_blue_circle:',
  medium: ':large_yellow_circle:',
  high: ':large_orange_circle:',
  critical: ':red_circle:',
};

function cap(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function remediationLine(finding: Finding): string {
  const r = finding.remediation;
  if (!r) return 'Nothing to change automatically: this rule reports only.';
  const note = r.note ? `: ${r.note}` : '';
  switch (r.status) {
    case 'applied':
      return `Applied ${r.action}${note}.`;
    case 'already-compliant':
      return `Nothing to do (${r.action})${note}.`;
    case 'dry-run':
      return `Dry run, nothing changed (${r.action})${note}. Set rules["${finding.ruleId}"].mode: enforce in the baseline to let guardrail apply it.${r.error ? ` Warning: ${r.error}.` : ''}`;
    case 'failed':
      return `FAILED ${r.action} (${r.mode}): ${r.error ?? 'unknown error'}${r.note ? ` (${r.note})` : ''}. Fix it by hand.`;
    case 'proposed':
      return r.note
        ? `Proposed ${r.action} (${r.mode}), ${r.note}.`
        : `Proposed ${r.action} (${r.mode}); this run did not act on it.`;
  }
}

/** The scheduled jobs whose findings have no caller: what found them, as a person reads it. */
const SCHEDULED: Readonly<Record<string, string>> = {
  OrphanSweep: 'the scheduled orphan sweep',
  StateScan: "the state scan (the account's current state against the baseline)",
};

function who(finding: Finding): string {
  if (Object.hasOwn(SCHEDULED, finding.eventName)) {
    // A scheduled finding's actor is the user's guardrail:creator tag, when the finding is about a user.
    return finding.actor === 'unknown'
      ? 'creator unknown (no guardrail:creator tag)'
      : `created by ${finding.actor}`;
  }
  return finding.actor;
}

/** The first line of "What happened": who called what, or which scheduled job found it. */
function happened(first: Finding): string {
  const where = `region ${plain(first.region, 40)}, account ${plain(first.account, 20)}`;
  const found = SCHEDULED[first.eventName];
  if (found) {
    // A scan finding about a role or a setting has no creator to name; a sweep finding is always about a user.
    const creator =
      first.actor === 'unknown' && first.eventName !== 'OrphanSweep' ? '' : `; ${plain(who(first), 300)}`;
    return `Found by ${found} at ${plain(first.eventTime, 40)}, ${where}${creator}.`;
  }
  return `${plain(who(first), 300)} called ${plain(first.eventName, 80)} at ${plain(first.eventTime, 40)}, ${where}${first.sourceIp ? `, from ${plain(first.sourceIp, 100)}` : ''}.`;
}

function attributes(
  severity: Severity,
  ruleIds: readonly string[],
  kind: string,
): Record<string, MessageAttribute> {
  return {
    severity: { DataType: 'String', StringValue: severity },
    // Every rule id of the message: SNS filter policies match a String.Array when any element matches.
    ruleId: { DataType: 'String.Array', StringValue: JSON.stringify([...new Set(ruleIds)].sort()) },
    severityRank: { DataType: 'Number', StringValue: String(severityRank(severity)) },
    kind: { DataType: 'String', StringValue: kind },
  };
}

function chatLinks(finding: Finding): string {
  return consoleLinks(finding)
    .map((link) => `<${link.url}|${link.label}>`)
    .join(' · ');
}

/** The last part of an ARN (a role, user or instance name), for titles and subjects. */
function shortName(resource: string): string {
  return resource.split(/[/:]/).pop() || resource;
}

/** Steps of several findings, each once, in the order of the findings (worst first). */
function stepsOf(findings: readonly Finding[]): string[] {
  return [...new Set(findings.flatMap((f) => f.nextSteps))];
}

function findingHeadline(finding: Finding): string {
  return `${finding.severity.toUpperCase()} ${finding.ruleId}: ${markdownToPlain(finding.title)}`;
}

/** What happened, once per event: who called what on which resource, when and where. */
function chatEventLines(first: Finding): string[] {
  return [
    `*Who:* ${chatCode(who(first))}${first.sourceIp ? ` from ${chatCode(first.sourceIp, 100)}` : ''}`,
    `*Resource:* ${chatCode(first.resource)}`,
    `*Event:* ${chatCode(first.eventName, 80)} ${chatCode(first.eventId, 100)} at ${escapeChat(first.eventTime, 40)} in ${escapeChat(first.region, 40)}, account ${escapeChat(first.account, 20)}`,
  ];
}

function chatFindingLines(finding: Finding, index: number, count: number): string[] {
  const head = count > 1 ? `*${index + 1}. ${finding.severity.toUpperCase()}* ` : '';
  return [
    `${head}*${markdownToChat(finding.title, 200)}* (${chatCode(finding.ruleId, 60)})`,
    escapeChat(finding.summary, 1_500),
    `*Why it matters:* ${markdownToChat(finding.rationale)}`,
    `*What guardrail did:* ${escapeChat(remediationLine(finding), 1_200)}`,
  ];
}

/** `head` opens the first line (`  1. `); the others line up under its text. */
function emailFindingLines(finding: Finding, head: string): string[] {
  const under = ' '.repeat(head.length);
  return [
    `${head}${findingHeadline(finding)}`,
    `${under}${plain(finding.summary)}`,
    `${under}Why it matters: ${plain(markdownToPlain(finding.rationale))}`,
    `${under}What guardrail did: ${plain(remediationLine(finding))}`,
  ];
}

/**
 * One message for every finding of one CloudTrail event (or one sweep finding in a digest): what happened,
 * once; each finding with why it matters and what guardrail did; what to do next; console links.
 */
function emailEventBlock(findings: readonly Finding[], indent = ''): string[] {
  const first = findings[0] as Finding;
  const lines = [
    'What happened',
    `  ${happened(first)}`,
    `  Resource: ${plain(first.resource, 300)}`,
    `  Event: ${plain(first.eventId, 100)}`,
    '',
    findings.length === 1 ? 'What guardrail found' : `What guardrail found (${findings.length} findings)`,
    ...findings.flatMap((f, index) => [
      ...(index > 0 ? [''] : []),
      ...emailFindingLines(f, findings.length > 1 ? `  ${index + 1}. ` : '  '),
    ]),
    '',
    'What to do next',
    ...stepsOf(findings).map((step) => `  - ${plain(markdownToPlain(step))}`),
  ];
  const links = consoleLinks(first);
  if (links.length > 0) lines.push('', 'Console', ...links.map((link) => `  ${link.label}: ${link.url}`));
  return lines.map((line) => (line ? `${indent}${line}` : line));
}

/** The findings of one CloudTrail event, worst first, as one message. */
export function renderEvent(findings: readonly Finding[]): RenderedMessage {
  const sorted = [...findings].sort(bySeverity);
  const first = sorted[0];
  if (!first) throw new RangeError('renderEvent: an event message needs at least one finding');
  const severity = first.severity;
  const resourceName = shortName(first.resource);
  const ruleIds = [...new Set(sorted.map((f) => f.ruleId))];
  // The same headline opens the chat title and the email: one finding by its title, several by the event.
  const headline = (title: string, resource: string, event: string): string =>
    sorted.length === 1 ? `${title}: ${resource}` : `${event} on ${resource}: ${sorted.length} findings`;
  const description = cap(
    [
      ...chatEventLines(first),
      ...sorted.flatMap((f, index) => ['', ...chatFindingLines(f, index, sorted.length)]),
      ...(chatLinks(first) ? ['', `*Console:* ${chatLinks(first)}`] : []),
    ].join('\n'),
    CHAT_DESCRIPTION_MAX,
  );
  const chat: ChatbotNotification = {
    version: '1.0',
    source: 'custom',
    id: `guardrail-${shortHash(`${first.eventId}|${ruleIds.join(',')}|${first.resource}`)}`,
    content: {
      textType: 'client-markdown',
      title: cap(
        `${EMOJI[severity]} *${severity.toUpperCase()}* ${headline(markdownToChat(first.title, 120), escapeChat(resourceName, 100), escapeChat(first.eventName, 60))}`,
        CHAT_TITLE_MAX,
      ),
      description,
      nextSteps: stepsOf(sorted)
        .slice(0, 5)
        .map((step) => markdownToChat(step, 300)),
      keywords: [...ruleIds, severity, escapeChat(first.eventName, 60)].slice(0, 6),
    },
    metadata: {
      // One thread per resource: a later event on the same role or instance lands under the first.
      threadId: `guardrail-${shortHash(first.resource)}`,
      summary: escapeChat(`${severity.toUpperCase()} ${ruleIds.join(', ')}: ${first.summary}`, 500),
      eventType: first.ruleId,
      relatedResources: [...new Set(sorted.map((f) => escapeChat(f.resource, 1_000)))].slice(0, 5),
      additionalContext: {
        eventId: escapeChat(first.eventId, 100),
        eventName: escapeChat(first.eventName, 100),
        account: escapeChat(first.account, 20),
        region: escapeChat(first.region, 40),
        rules: ruleIds.join(', '),
        remediation:
          sorted
            .flatMap((f) => (f.remediation ? [`${f.remediation.action} ${f.remediation.status}`] : []))
            .join(', ') || 'none',
      },
    },
  };
  const email = [
    `guardrail: ${severity.toUpperCase()} ${headline(plain(markdownToPlain(first.title), 200), plain(resourceName, 200), plain(first.eventName, 80))}`,
    '',
    ...emailEventBlock(sorted),
    '',
    `-- guardrail, event ${plain(first.eventId, 100)}, rules ${ruleIds.join(', ')}`,
    '',
  ].join('\n');
  return {
    subject: snsSubject(`[guardrail] ${severity.toUpperCase()} ${resourceName}: ${ruleIds.join(', ')}`),
    chat,
    email,
    attributes: attributes(severity, ruleIds, 'finding'),
    shown: sorted.length,
    omitted: 0,
  };
}

function highest(findings: readonly Finding[]): Severity {
  let rank = 0;
  for (const finding of findings) rank = Math.max(rank, severityRank(finding.severity));
  return SEVERITY_ORDER[rank] ?? 'info';
}

function bySeverity(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.resource.localeCompare(b.resource)
  );
}

function counts(findings: readonly Finding[]): string {
  const bySev = new Map<Severity, number>();
  for (const f of findings) bySev.set(f.severity, (bySev.get(f.severity) ?? 0) + 1);
  return [...SEVERITY_ORDER]
    .reverse()
    .filter((s) => bySev.has(s))
    .map((s) => `${bySev.get(s)} ${s}`)
    .join(', ');
}

function renderDigestWith(digest: Digest, sorted: readonly Finding[], shownCount: number): RenderedMessage {
  const shown = sorted.slice(0, shownCount);
  const omitted = sorted.length - shownCount;
  const severity = highest(sorted);
  const intro = escapeChat(digest.intro, 1_000);
  const notes = (digest.notes ?? []).map((note) => `_${escapeChat(note, 400)}_`);
  // Items go in while they fit: the tail ("…and N more", notes) must survive the description's cap.
  const budget = CHAT_DESCRIPTION_MAX - intro.length - notes.join('\n').length - 200;
  const chatItems: string[] = [];
  let used = 0;
  for (const f of shown.slice(0, CHAT_DIGEST_ITEMS)) {
    const did = f.remediation ? ` _${f.remediation.action}: ${f.remediation.status}_` : '';
    const item = `• *${f.severity.toUpperCase()}* ${chatCode(f.ruleId, 60)} ${chatCode(f.resource)}: ${escapeChat(f.summary, 300)}${did}`;
    if (used + item.length + 1 > budget) break;
    chatItems.push(item);
    used += item.length + 1;
  }
  const notInChat = sorted.length - chatItems.length;
  const description = cap(
    [
      intro,
      ...(sorted.length > 0 ? ['', `*Findings:* ${counts(sorted)}`, ...chatItems] : []),
      ...(notInChat > 0 ? [`…and ${notInChat} more: see the email or the report.`] : []),
      ...(notes.length > 0 ? ['', ...notes] : []),
    ].join('\n'),
    CHAT_DESCRIPTION_MAX,
  );
  const steps = stepsOf(sorted).slice(0, 5);
  const chat: ChatbotNotification = {
    version: '1.0',
    source: 'custom',
    id: `guardrail-${shortHash(`${digest.kind}|${digest.id}`)}`,
    content: {
      textType: 'client-markdown',
      title: cap(`${EMOJI[severity]} ${escapeChat(digest.title, 200)}`, CHAT_TITLE_MAX),
      description,
      nextSteps: steps.map((step) => markdownToChat(step, 300)),
      keywords: [digest.kind, severity, ...new Set(sorted.map((f) => f.ruleId))].slice(0, 6),
    },
    metadata: {
      threadId: `guardrail-${escapeChat(digest.kind, 40)}`,
      summary: escapeChat(`${digest.title}. ${counts(sorted)}`, 500),
      eventType: `guardrail.${escapeChat(digest.kind, 40)}`,
      relatedResources: [...new Set(sorted.map((f) => escapeChat(f.resource, 1_000)))].slice(0, 5),
      additionalContext: {
        id: escapeChat(digest.id, 100),
        findings: String(sorted.length),
        shownInEmail: String(shown.length),
      },
    },
  };
  const email = [
    `guardrail: ${plain(digest.title, 300)}`,
    '',
    plain(digest.intro, 4_000),
    ...(sorted.length > 0 ? ['', `Findings: ${counts(sorted)}`] : ['', 'No findings.']),
    ...shown.flatMap((f, index) => [
      '',
      `=== ${index + 1}/${sorted.length} ${findingHeadline(f)}`,
      ...emailEventBlock([f], '  '),
    ]),
    ...(omitted > 0
      ? [
          '',
          `...and ${omitted} more finding${omitted === 1 ? '' : 's'} left out to stay within SNS's 256 KB message limit.`,
        ]
      : []),
    ...((digest.notes ?? []).length > 0
      ? ['', 'Notes', ...(digest.notes ?? []).map((n) => `  - ${plain(n)}`)]
      : []),
    '',
    `-- guardrail ${plain(digest.kind, 40)} ${plain(digest.id, 100)}`,
    '',
  ].join('\n');
  return {
    subject: snsSubject(`[guardrail] ${digest.title}`),
    chat,
    email,
    attributes: attributes(
      severity,
      sorted.map((f) => f.ruleId),
      digest.kind,
    ),
    shown: shown.length,
    omitted,
  };
}

/** The SNS `Message` for MessageStructure json: one body per protocol, `default` for all the others. */
export function snsMessage(rendered: RenderedMessage): string {
  return JSON.stringify({ default: JSON.stringify(rendered.chat), email: rendered.email });
}

/** Bytes SNS counts against its limit: message, subject and attribute names, types and values. */
export function snsSize(rendered: RenderedMessage): number {
  let size = Buffer.byteLength(snsMessage(rendered)) + Buffer.byteLength(rendered.subject);
  for (const [name, value] of Object.entries(rendered.attributes)) {
    size +=
      Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + Buffer.byteLength(value.StringValue);
  }
  return size;
}

/** A digest that fits in one SNS message: when all findings do not fit, the least severe are left out. */
export function renderDigest(digest: Digest, maxBytes = SNS_MAX_BYTES - SIZE_MARGIN): RenderedMessage {
  const sorted = [...digest.findings].sort(bySeverity);
  const full = renderDigestWith(digest, sorted, sorted.length);
  if (snsSize(full) <= maxBytes) return full;
  let fits = 0;
  let tooMany = sorted.length;
  while (tooMany - fits > 1) {
    const mid = Math.floor((fits + tooMany) / 2);
    if (snsSize(renderDigestWith(digest, sorted, mid)) <= maxBytes) fits = mid;
    else tooMany = mid;
  }
  return renderDigestWith(digest, sorted, fits);
}
