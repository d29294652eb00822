// biome-ignore-all lint/performance/useDomNodeTextContent: innerText is the rendered text, what a person sees
/**
 * The HTML report as a person sees it, in headless Chromium (Debian's /usr/bin/chromium; .ci/run installs it).
 * Asserts the visible content, and that markup planted in event fields stays text and never runs, both with
 * the report's Content-Security-Policy and with it removed (so the escaping alone is proven).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/replay/report/html.ts';
import { PAYLOADS } from '../helpers/replay.ts';
import { hostileReport } from '../helpers/reportFixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`${CHROMIUM} is missing: browser tests skipped (apt-get install -y chromium)`);

let browser: BrowserContext;
let profile: string;
let workDir: string;

beforeAll(async () => {
  if (!available) return;
  profile = mkdtempSync(join(tmpdir(), 'guardrail-chromium-'));
  workDir = mkdtempSync(join(tmpdir(), 'guardrail-report-'));
  // A fresh profile per run: playwright takes it as launchPersistentContext's userDataDir (--user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

interface Opened {
  readonly page: Page;
  readonly dialogs: string[];
  readonly requests: string[];
  readonly errors: string[];
}

async function open(html: string, name: string): Promise<Opened> {
  const file = join(workDir, name);
  writeFileSync(file, html);
  const page = await browser.newPage();
  const opened: Opened = { page, dialogs: [], requests: [], errors: [] };
  page.on('dialog', async (dialog) => {
    opened.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) opened.requests.push(request.url());
  });
  page.on('pageerror', (error) => opened.errors.push(error.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return opened;
}

describe.skipIf(!available)('HTML report in Chromium', () => {
  const report = hostileReport();
  const html = renderHtml(report);

  it('shows the summary, the sections, the findings and the chart a person reads', async () => {
    const { page, requests, errors } = await open(html, 'report.html');
    try {
      expect(await page.title()).toBe('Guardrail replay report: 8 findings');
      expect(await page.locator('h1').innerText()).toBe('Guardrail replay report');
      const headings = await page.locator('h2').allInnerTexts();
      expect(headings).toEqual([
        'Summary',
        'Findings over time',
        'Findings by severity',
        'Findings by rule',
        'Findings by resource',
        'Timeline per principal',
        'Remediation advice',
        'Malformed input (1)',
      ]);
      expect(await page.locator('[data-metric="findings"] b').innerText()).toBe('8');
      expect(await page.locator('[data-metric="malformed"] b').innerText()).toBe('1');
      expect(await page.locator('#by-severity h3').allInnerTexts()).toEqual([
        'CRITICAL 2 findings',
        'HIGH 6 findings',
      ]);
      expect(await page.locator('#by-severity tbody tr').count()).toBe(8);
      // Every finding is in the table in event-time order.
      const times = await page.locator('#by-severity tbody tr td:first-child').allInnerTexts();
      expect(times.filter((t) => t.startsWith('2026-01-05'))).toHaveLength(2);
      // The chart: one bar group per day with findings, visible, with a readable label.
      const chart = page.locator('svg#chart');
      expect(await chart.isVisible()).toBe(true);
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(await chart.locator('g.bar').count()).toBe(4);
      expect(await chart.locator('g.bar title').allTextContents()).toContain(
        '2026-01-03: 4 findings (2 critical, 2 high)',
      );
      // Timeline per principal and remediation advice.
      const principals = await page.locator('#timeline h3.principal').allInnerTexts();
      expect(principals.some((p) => p.includes('assumed-role/ci-deployer/build-42'))).toBe(true);
      expect(await page.locator('#remediation').innerText()).toContain('iam.policy.privesc');
      expect(await page.locator('#remediation ol.steps li').count()).toBeGreaterThan(3);
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('draws the chart across the page and wraps ARNs only at : and /, never mid-word', async () => {
    const { page } = await open(html, 'layout.html');
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      const main = await page.locator('main').evaluate((el) => el.clientWidth - 48);
      const chart = await page.locator('svg#chart').boundingBox();
      expect(chart?.width).toBeGreaterThanOrEqual(main - 2);
      await page.setViewportSize({ width: 420, height: 900 });
      // Where each line of a heading or badge ends: the character before every line break.
      // Written as page source: this test file is typed without the DOM.
      const breaks = (await page.evaluate(`(() => {
        const ends = [];
        for (const el of document.querySelectorAll('h3.principal, .sev, #by-resource td:first-child')) {
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          let previous;
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent ?? '';
            for (let index = 0; index < text.length; index++) {
              const range = document.createRange();
              range.setStart(node, index);
              range.setEnd(node, index + 1);
              const rect = range.getClientRects()[0];
              // A break at a space is a break between words: remember the space, not the letter before it.
              if (/\\s/.test(text[index])) {
                if (previous) previous.char = ' ';
                continue;
              }
              if (!rect) continue;
              if (previous && rect.top > previous.top + 2) ends.push(previous.char);
              previous = { top: rect.top, char: text[index] };
            }
          }
        }
        return ends;
      })()`)) as string[];
      expect(breaks.length).toBeGreaterThan(0); // the narrow page does wrap them
      expect(breaks.filter((char) => !/[:/\s,]/.test(char))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it.each([
    ['with its Content-Security-Policy', html],
    [
      'with the policy removed (escaping alone)',
      html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''),
    ],
  ])('runs no <script> or onerror= from event fields, %s', async (_name, variant) => {
    expect(variant.includes('Content-Security-Policy')).toBe(_name.startsWith('with its'));
    const { page, dialogs, requests } = await open(variant, `xss-${variant.length}.html`);
    try {
      expect(await page.evaluate(() => (globalThis as unknown as { __xss?: string }).__xss)).toBeUndefined();
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('[onerror]').count()).toBe(0);
      const text = await page.locator('body').innerText();
      // The payloads are shown to the reader as the literal text they were.
      expect(text).toContain(PAYLOADS.script);
      expect(text).toContain(PAYLOADS.onerror);
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
