import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildComplianceReport } from '../../src/audit/complianceReport.js';
import { outcomeColors, statusColors } from '../../src/audit/reportCharts.js';
import { renderReportHtml } from '../../src/audit/reportHtml.js';
import { browserRequired, findChromium, launchChromium, missingChromiumAdvice } from './browser.js';
import { countColour, decodePng } from './png.js';
import { scenarioInput } from './reportScenario.js';

const chromium = findChromium();
// A machine with only Node and Redis skips these tests with one line saying what to install; CI sets
// ROTOR_REQUIRE_BROWSER=1 so that a lost browser fails there instead of passing unnoticed.
if (!chromium.found) process.stderr.write(`${missingChromiumAdvice(chromium.why)}\n`);
const describeInBrowser = chromium.found || browserRequired ? describe : describe.skip;

describeInBrowser('the HTML compliance report in headless Chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  let dir: string;
  let url: string;
  const requests: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rotor-report-'));
    const file = join(dir, 'report.html');
    await writeFile(file, renderReportHtml(buildComplianceReport(scenarioInput)));
    url = pathToFileURL(file).href;
    if (!chromium.found) throw new Error(missingChromiumAdvice(chromium.why));
    browser = await launchChromium(chromium.path);
    const context = await browser.newContext({ viewport: { width: 1000, height: 1400 }, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the summary: share compliant, counts per status and the overdue targets', async () => {
    expect(await page.locator('#share').innerText()).toMatch(/^28\.6%\s+2 of 7 targets compliant$/);
    expect(await page.locator('.badge[data-status="overdue"] b').innerText()).toBe('2');
    expect(await page.locator('.badge[data-status="out-of-sync"] b').innerText()).toBe('1');
    expect(await page.locator('.badge[data-status="never-rotated"] b').innerText()).toBe('1');
    expect(await page.locator('#overdue-list li').allInnerTexts()).toEqual([
      'meeting-bob: 49.4 d old, max 30.0 d',
      'cbh-prod: 11.4 d old, max 7.0 d',
    ]);
    expect(await page.locator('#targets tbody tr').count()).toBe(7);
    expect(await page.locator('#requests tbody tr').allInnerTexts()).toEqual([
      expect.stringContaining('cli:alice\tquarterly review'),
      expect.stringContaining('api:ci-bot\tonboarding'),
    ]);
  });

  it('draws one age bar per rotated target with a max-age line, longer for older passwords', async () => {
    const bars = page.locator('#age-chart rect.bar');
    expect(await bars.count()).toBe(5); // dave was never rotated, frank has no max age
    const width = async (id: string) =>
      (await page.locator(`#age-chart rect[data-target="${id}"]`).boundingBox())?.width ?? 0;
    const maxAge = await page.locator('#age-chart line.max-age').boundingBox();
    const chart = await page.locator('#age-chart').boundingBox();
    expect(maxAge && chart && maxAge.x > chart.x).toBe(true);
    expect(await width('meeting-bob')).toBeGreaterThan(await width('iam-alice'));
    expect(await width('cbh-prod')).toBeGreaterThan(await width('iam-erin'));
    expect(await page.locator('#age-chart').innerHTML()).toContain('never rotated');
  });

  it('draws the outcomes over time as stacked columns', async () => {
    expect(await page.locator('#outcome-chart rect.outcome.succeeded').count()).toBe(5);
    expect(await page.locator('#outcome-chart rect.outcome.failed').count()).toBe(3);
    expect(await page.locator('#outcome-chart rect.outcome.outOfSync').count()).toBe(1);
  });

  it('paints the charts: the screenshots hold the status and outcome colours', async () => {
    const ages = decodePng(await page.locator('#age-chart').screenshot());
    expect(countColour(ages, statusColors.overdue)).toBeGreaterThan(1000);
    expect(countColour(ages, statusColors.compliant)).toBeGreaterThan(100);
    expect(countColour(ages, statusColors['out-of-sync'])).toBeGreaterThan(100);
    expect(countColour(ages, statusColors.failing)).toBeGreaterThan(100);
    const outcomes = decodePng(await page.locator('#outcome-chart').screenshot());
    expect(countColour(outcomes, outcomeColors.succeeded)).toBeGreaterThan(200);
    expect(countColour(outcomes, outcomeColors.failed)).toBeGreaterThan(200);
  });

  it('makes no network request: the only request is the page itself', () => {
    expect(requests).toEqual([url]);
  });
});
