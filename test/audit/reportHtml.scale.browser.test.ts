import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildComplianceReport, type ComplianceReport } from '../../src/audit/complianceReport.js';
import { renderReportHtml } from '../../src/audit/reportHtml.js';
import { browserRequired, findChromium, launchChromium, missingChromiumAdvice } from './browser.js';
import { largeScenario } from './largeScenario.js';

const chromium = findChromium();
if (!chromium.found) process.stderr.write(`${missingChromiumAdvice(chromium.why)}\n`);
const describeInBrowser = chromium.found || browserRequired ? describe : describe.skip;

/** Where the screenshot is kept for a person to look at: test-artifacts/ unless ROTOR_TEST_ARTIFACTS says. */
const artifacts = process.env.ROTOR_TEST_ARTIFACTS ?? fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** 0, s, 2s, ... (or from a round bottom) with s = 1, 2 or 5 times a power of ten. */
function isRoundScale(values: number[]): boolean {
  if (values.length < 2) return false;
  const step = Number(((values[1] as number) - (values[0] as number)).toPrecision(12));
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  if (![1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9)) return false;
  return values.every(
    (v, i) => Math.abs(v / step - Math.round(v / step)) < 1e-9 && Math.abs(v - (values[0] as number) - i * step) < 1e-9,
  );
}

/** Waits (the search is debounced) until `selector`'s text is `text`; the page's CSP forbids eval'd predicates. */
async function untilText(page: Page, selector: string, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await page.locator(selector).innerText();
    if (seen === text) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${selector} says "${seen}", expected "${text}"`);
}

describeInBrowser('the HTML report of 10,000 targets in headless Chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  let dir: string;
  let file: string;
  let report: ComplianceReport;
  const requests: string[] = [];

  beforeAll(async () => {
    report = buildComplianceReport(largeScenario(10_000));
    dir = await mkdtemp(join(tmpdir(), 'rotor-report-10k-'));
    file = join(dir, 'report.html');
    await writeFile(file, renderReportHtml(report));
    if (!chromium.found) throw new Error(missingChromiumAdvice(chromium.why));
    browser = await launchChromium(chromium.path);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is under 5 MB and loads in under 3 s', async () => {
    expect((await stat(file)).size).toBeLessThan(5 * 1024 * 1024);
    // The page's own navigation timing: from the start of the navigation to the end of its load event.
    const loadMs = (await page.evaluate(
      "(() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; })()",
    )) as number;
    expect(loadMs).toBeGreaterThan(0);
    expect(loadMs).toBeLessThan(3000);
  });

  it('shows the compliance rate and the first exceptions on the first screen, and keeps a screenshot', async () => {
    const share = await page.locator('#share').boundingBox();
    const firstException = await page.locator('#exceptions details.exc').first().boundingBox();
    expect(share && share.y + share.height <= 800).toBe(true);
    expect(firstException && firstException.y + firstException.height <= 800).toBe(true);
    const pct = `${Math.round(report.summary.shareCompliant * 1000) / 10}%`;
    expect(await page.locator('#share').innerText()).toContain(pct);
    const first = report.exceptions[0];
    expect(await page.locator('#exceptions details.exc').first().getAttribute('data-target')).toBe(first?.targetId);
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'report-10000-targets.png') });
  });

  it('lists the first 200 exceptions with their history, and counts the rest per status', async () => {
    expect(report.exceptions.length).toBeGreaterThan(200);
    expect(await page.locator('#exceptions details.exc').count()).toBe(200);
    const more = await page.locator('#exceptions .more button').allInnerTexts();
    const counted = more.reduce((n, text) => n + Number(text.split(' ')[0]?.replace(/,/g, '')), 0);
    expect(counted).toBe(report.exceptions.length - 200);
  });

  it('labels every chart axis with round numbers', async () => {
    for (const chart of ['#age-chart', '#compliance-chart', '#outcome-chart']) {
      const labels = await page.locator(`${chart} text.tick`).allTextContents();
      const values = labels.map((l) => Number(l.replace(/[,%]/g, '')));
      expect({ chart, labels, round: isRoundScale(values) }).toEqual({ chart, labels, round: true });
    }
  });

  it('finds a target among 10,000 by search, and by status', async () => {
    const id = report.targets[4321]?.targetId as string;
    await page.fill('#q', id);
    await untilText(page, '#q-count', '1 of 10000 targets match');
    const visible = page.locator('#targets tbody tr:not([hidden])');
    expect(await visible.count()).toBe(1);
    expect(await visible.first().locator('td').first().innerText()).toBe(id);
    await page.fill('#q', 'status:overdue');
    await untilText(page, '#q-count', `${report.summary.byStatus.overdue} of 10000 targets match`);
  });

  it('sorts a group by password age when its column header is clicked', async () => {
    await page.fill('#q', '');
    const group = page.locator('#targets details.group').first();
    if ((await group.getAttribute('open')) === null) await group.locator('summary').click();
    const header = group.locator('th', { hasText: 'Age / max' });
    await header.click();
    await header.click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const texts = await group.locator('tbody tr td:nth-child(6)').allTextContents();
    const ages = texts.slice(0, 50).map((t) => Number.parseFloat(t));
    expect(ages).toEqual([...ages].sort((a, b) => b - a));
  });

  it('makes no network request: the only request is the page itself', () => {
    expect(requests).toEqual([pathToFileURL(file).href]);
  });
});
