import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDigest } from '../../../src/notify/render.ts';
import { replayDigest } from '../../../src/replay/digest.ts';
import { CSV_COLUMNS, renderCsv } from '../../../src/replay/report/csv.ts';
import { csvCell, escapeHtml, escapeMarkdown } from '../../../src/replay/report/escape.ts';
import { renderHtml } from '../../../src/replay/report/html.ts';
import { formatFromFileName } from '../../../src/replay/report/index.ts';
import { renderJson } from '../../../src/replay/report/json.ts';
import { renderMarkdown } from '../../../src/replay/report/markdown.ts';
import { artifactUri, renderSarif } from '../../../src/replay/report/sarif.ts';
import { chartOf } from '../../../src/replay/report/view.ts';
import { RULES } from '../../../src/rules/index.ts';
import { createUser } from '../../helpers/records.ts';
import { PAYLOADS } from '../../helpers/replay.ts';
import { hostileReport, reportOf } from '../../helpers/reportFixture.ts';

/** RFC 4180 parser, enough to read back what renderCsv writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  return rows;
}

const report = hostileReport();

describe('JSON report', () => {
  it('has the summary, findings and malformed of the contract, findings with their source', () => {
    const json = JSON.parse(renderJson(report));
    expect(Object.keys(json)).toEqual(['summary', 'findings', 'malformed', 'suppressed', 'replay']);
    expect(json.summary).toMatchObject({
      files: 2,
      records: 5,
      duplicates: 0,
      malformed: 1,
      evaluated: 5,
      findings: 8,
    });
    expect(Object.keys(json.summary.byRule).sort()).toEqual(RULES.map((r) => r.id).sort());
    expect(json.findings[0]).toMatchObject({
      eventTime: '2026-01-02T10:00:00Z',
      source: { file: 'trail/2026/01/a.json', where: 'Records[2]' },
    });
    expect(json.malformed).toEqual([
      { file: `bad-${PAYLOADS.onerror}.json`, reason: expect.stringMatching(/^not valid JSON/) },
    ]);
  });
});

describe('CSV report', () => {
  it('reads back cell for cell, one row per finding, formulas defused', () => {
    const rows = parseCsv(renderCsv(report));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(report.findings.length + 1);
    const ipColumn = CSV_COLUMNS.indexOf('sourceIp');
    const idColumn = CSV_COLUMNS.indexOf('eventId');
    expect(rows.map((r) => r[ipColumn])).toContain(`'${PAYLOADS.formula}`);
    expect(rows.map((r) => r[idColumn])).toContain(`'${PAYLOADS.at}`);
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('csvCell round-trips any text and never leaves a formula lead', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cell = csvCell(text);
        const [[back]] = parseCsv(`${cell}\r\n`) as [[string]];
        expect(back).toBe(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Markdown report', () => {
  const md = renderMarkdown(report);

  it('has the sections a person reads', () => {
    for (const heading of [
      '# Guardrail replay report',
      '## Summary',
      '## Findings by severity',
      '### Critical (2)',
      '## Findings by rule',
      '## Findings by resource',
      '## Timeline per principal',
      '## Remediation advice',
      '## Malformed input (1)',
    ])
      expect(`\n${md}`).toContain(`\n${heading}\n`);
    const privesc = RULES.find((r) => r.id === 'iam.policy.privesc');
    expect(md).toContain(escapeMarkdown(privesc?.nextSteps[0], 2000));
  });

  it('lets no markup through', () => {
    expect(md).not.toContain('<script');
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;script&gt;');
  });

  it('escapeMarkdown leaves no raw HTML, pipe or line break', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const out = escapeMarkdown(text);
        expect(out).not.toMatch(/[<>\n\r]/);
        expect(out).not.toMatch(/(^|[^\\])\|/);
      }),
    );
  });
});

describe('HTML report', () => {
  it('escapes every field and loads nothing from the network', () => {
    const html = renderHtml(report);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[a-z][^>]*\son\w+\s*=/i);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain(escapeHtml(PAYLOADS.script));
  });

  it('escapeHtml leaves no tag or attribute break-out', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(escapeHtml(text)).not.toMatch(/[<>"']/);
      }),
    );
  });

  it('says how much was read when no record was a watched event', () => {
    const empty = reportOf({});
    expect(renderHtml(empty)).toMatch(
      /<p id="nothing">No findings: 0 records read from 1 file, and none was a watched event \(CreateUser, [^)]+\)\.<\/p>/,
    );
    // A watched event the engine skipped (a failed call): evaluated, no finding.
    const quiet = reportOf({ 'a.json': [{ ...createUser('x'), errorCode: 'AccessDenied' }] });
    expect(quiet.summary).toMatchObject({ evaluated: 1, findings: 0 });
    expect(renderHtml(quiet)).toContain('<p id="nothing">No findings in this replay.</p>');
  });

  it('lets ARNs and paths wrap at : and / only, badges and headings never mid-word', () => {
    const html = renderHtml(report);
    expect(html).toContain(
      '<span class="nb">arn:</span><wbr><span class="nb">aws:</span><wbr><span class="nb">iam:</span><wbr><span class="nb">:</span><wbr>',
    );
    expect(html).toContain('.nb{white-space:nowrap}');
    expect(html).toMatch(/\.sev\{[^}]*white-space:nowrap/);
    expect(html).toMatch(/h1,h2,h3\{overflow-wrap:normal;word-break:normal\}/);
    expect(html).not.toContain('overflow-wrap:anywhere');
  });
});

describe('chartOf', () => {
  it('buckets findings by the smallest period that fits and counts each severity', () => {
    const chart = chartOf(report.findings);
    expect(chart?.bucketLabel).toBe('day');
    expect(chart?.buckets).toHaveLength(4);
    expect(chart?.buckets.reduce((sum, b) => sum + b.total, 0)).toBe(report.findings.length);
    expect(chart?.buckets[1]?.counts).toMatchObject({ critical: 2, high: 2 });
  });
});

describe('SARIF report', () => {
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  // The published schema's language pattern is not valid in unicode mode (a stray `]`).
  // Both are CommonJS modules whose class or function is their `default` property.
  const ajv = new AjvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);

  it('validates against the OASIS SARIF 2.1.0 schema', () => {
    const sarif = JSON.parse(renderSarif(report));
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('links each result to its rule descriptor and the log file it came from', () => {
    const sarif = JSON.parse(renderSarif(report));
    const run = sarif.runs[0];
    expect(run.results).toHaveLength(report.findings.length);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('trail/2026/01/a.json');
    expect(run.results.find((r: { level: string }) => r.level === 'error')).toBeDefined();
    expect(run.invocations[0].toolExecutionNotifications).toHaveLength(1);
    expect(
      new Set(
        run.results.map(
          (r: { partialFingerprints: Record<string, string> }) => Object.values(r.partialFingerprints)[0],
        ),
      ).size,
    ).toBe(report.findings.length);
  });

  it.each([
    ['/var/log/trail dir/a.json.gz', 'file:///var/log/trail%20dir/a.json.gz'],
    ['s3://bucket/AWSLogs/1/x.json.gz', 's3://bucket/AWSLogs/1/x.json.gz'],
    ['rel/a b#c.json', 'rel/a%20b%23c.json'],
    ['s3://bucket/AWSLogs/a%zz #1?.json.gz', 's3://bucket/AWSLogs/a%25zz%20%231%3F.json.gz'],
    ['cloudtrail-lookup:us-east-1:CreateUser:page-1', 'cloudtrail-lookup:us-east-1%3ACreateUser%3Apage-1'],
  ])('artifactUri(%j) = %j', (file, uri) => {
    expect(artifactUri(file)).toBe(uri);
  });
});

describe('digest for a notifier', () => {
  it('is one message through the shared renderer: counts in the subject, worst first, where the report is', () => {
    const digest = replayDigest(report, {
      id: 'replay-1',
      minSeverity: 'low',
      reportLocation: 's3://reports/q1.html',
    });
    expect(digest.findings).toHaveLength(report.findings.length);
    const rendered = renderDigest(digest);
    expect(rendered.subject).toMatch(/^\[guardrail\] Replay of CloudTrail history: 8 findings/);
    expect(rendered.subject.length).toBeLessThanOrEqual(100);
    expect(rendered.shown).toBe(8);
    expect(rendered.attributes.kind?.StringValue).toBe('replay');
    expect(rendered.email).toContain('Full report: s3://reports/q1.html');
    expect(rendered.email.indexOf('CRITICAL')).toBeLessThan(rendered.email.indexOf('HIGH'));
  });

  it('lists only findings at or above the minimum severity, and says how many it left out', () => {
    const digest = replayDigest(report, { id: 'replay-2', minSeverity: 'critical' });
    expect(digest.findings.map((f) => f.severity)).toEqual(['critical', 'critical']);
    expect(digest.notes).toContain('6 findings below critical not listed here.');
  });

  it('escapes the hostile event fields the report carries', () => {
    const chat = JSON.stringify(
      renderDigest(replayDigest(report, { id: 'replay-3', minSeverity: 'low' })).chat,
    );
    expect(chat).not.toContain('<script');
    expect(chat).not.toContain('<img');
  });
});

describe('formatFromFileName', () => {
  it.each([
    ['r.html', 'html'],
    ['r.sarif', 'sarif'],
    ['r.sarif.json', 'sarif'],
    ['r.JSON', 'json'],
    ['r.md', 'md'],
    ['r.csv', 'csv'],
    ['r.txt', undefined],
  ])('%s → %s', (name, format) => {
    expect(formatFromFileName(name)).toBe(format);
  });
});
