import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildComplianceReport } from '../../src/audit/complianceReport.js';
import { ageColors, outcomeColors } from '../../src/audit/reportCharts.js';
import { loadControlMapping } from '../../src/audit/controlMapping.js';
import { reportDigest } from '../../src/audit/reportDigest.js';
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
  let digest: string;
  const requests: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rotor-report-'));
    const file = join(dir, 'report.html');
    const report = buildComplianceReport({
      ...scenarioInput,
      controls: await loadControlMapping(),
      generator: { rotorVersion: '0.1.0', configDigest: `sha256:${'c'.repeat(64)}` },
      chain: {
        checked: true,
        intact: true,
        head: { seq: 17, hash: 'a'.repeat(64) },
        events: 17,
        keptFrom: 0,
        anchors: { status: 'ok', checked: 1, problems: [] },
      },
    });
    digest = reportDigest(report);
    await writeFile(file, renderReportHtml(report));
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

  it('shows the summary: share compliant and counts per status', async () => {
    expect(await page.locator('#share').innerText()).toMatch(/^28\.6%\s+2 of 7 targets compliant$/);
    expect(await page.locator('.badge[data-status="overdue"] b').innerText()).toBe('2');
    expect(await page.locator('.badge[data-status="out-of-sync"] b').innerText()).toBe('1');
    expect(await page.locator('.badge[data-status="never-rotated"] b').innerText()).toBe('1');
    expect(await page.locator('.badge[data-status="failing"] b').innerText()).toBe('1');
    expect(await page.locator('#targets tbody tr').count()).toBe(7);
    expect(await page.locator('#requests tbody tr').allInnerTexts()).toEqual([
      expect.stringContaining('api:ci-bot\tonboarding'),
      expect.stringContaining('cli:alice\tquarterly review'),
    ]);
  });

  it('lists every exception, the failing one with its error code and since when', async () => {
    const rows = await page.locator('#exceptions details.exc > summary').allInnerTexts();
    expect(rows.map((r) => r.split(/\t|\n/).map((c) => c.trim()))).toEqual([
      ['iam-carol', 'out of sync', '2025-03-29 03:00', 'OutOfSync', '3.4 d / 30.0 d'],
      ['meeting-dave', 'never rotated', '–', '–', 'never rotated'],
      ['meeting-bob', 'overdue', '2025-03-12 03:00', '–', '49.4 d / 30.0 d'],
      ['cbh-prod', 'overdue', '2025-03-27 03:00', '–', '11.4 d / 7.0 d'],
      ['iam-erin', 'failing', '2025-03-30 03:00', 'PolicyRejected', '30.4 d / 90.0 d'],
    ]);
  });

  it("opens an exception's history on demand", async () => {
    const bob = page.locator('details.exc[data-target="meeting-bob"]');
    expect(await bob.locator('table.hist').isVisible()).toBe(false);
    await bob.locator('summary').click();
    expect(await bob.locator('table.hist tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/2025-03-16 03:00\tfailure\tscheduler\tfailed, AuthFailed/),
      expect.stringMatching(/2025-03-15 03:00\tfailure\tscheduler\tretry_scheduled, Throttled/),
    ]);
  });

  it('draws the password ages as a histogram: within max age, past it, never rotated', async () => {
    expect(await page.locator('#age-chart rect.col.within').count()).toBe(3); // bins 1–7, 30–60, 60–90 d
    expect(await page.locator('#age-chart rect.col.over').count()).toBe(2); // cbh (7–30 d), bob (30–60 d)
    expect(await page.locator('#age-chart rect.col.never').count()).toBe(1);
    expect(await page.locator('#age-by-kind tbody tr th').allInnerTexts()).toEqual([
      'huawei-cbh-admin',
      'huawei-iam-user',
      'huawei-meeting-user',
    ]);
  });

  it('draws the outcomes over time as stacked columns', async () => {
    expect(await page.locator('#outcome-chart rect.col.succeeded').count()).toBe(5);
    expect(await page.locator('#outcome-chart rect.col.failed').count()).toBe(3);
    expect(await page.locator('#outcome-chart rect.col.outOfSync').count()).toBe(1);
  });

  it('paints the charts: the screenshots hold the age and outcome colours', async () => {
    const ages = decodePng(await page.locator('#age-chart').screenshot());
    expect(countColour(ages, ageColors.within)).toBeGreaterThan(1000);
    expect(countColour(ages, ageColors.over)).toBeGreaterThan(1000);
    expect(countColour(ages, ageColors.never)).toBeGreaterThan(300);
    const outcomes = decodePng(await page.locator('#outcome-chart').screenshot());
    expect(countColour(outcomes, outcomeColors.succeeded)).toBeGreaterThan(200);
    expect(countColour(outcomes, outcomeColors.failed)).toBeGreaterThan(200);
  });

  it('shows the evidence: policies, chain verification, provenance with the digest, and the control mapping', async () => {
    expect(await page.locator('#chain-status').innerText()).toBe('audit chain intact, head seq 17');
    expect(await page.locator('#chain').innerText()).toContain(`seq 17, ${'a'.repeat(64)}`);
    expect(await page.locator('#report-digest').innerText()).toBe(digest);
    expect(await page.locator('meta[name="rotor-report-digest"]').getAttribute('content')).toBe(digest);
    expect(await page.locator('#generator').innerText()).toContain(`sha256:${'c'.repeat(64)}`);
    const controls = await page.locator('#controls article h3').allInnerTexts();
    expect(controls).toEqual([
      expect.stringMatching(/^PCI DSS v4\.0 8\.3\.9: /),
      expect.stringMatching(/^PCI DSS v4\.0 8\.6\.3: /),
      expect.stringMatching(/^NIST SP 800-53 Rev\. 5 IA-5\(1\): /),
      expect.stringMatching(/^ISO\/IEC 27001:2022 A\.5\.17: /),
    ]);
    const pci = page.locator('#controls article').first();
    expect(await pci.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      '#schedules',
      '#age-histogram',
      '#exceptions',
      '#compliance-over-time',
      '#chain',
    ]);
    // Each figure the mapping names is there to follow, with this report's value beside it.
    for (const href of ['#schedules', '#age-histogram', '#exceptions', '#compliance-over-time', '#chain']) {
      expect(await page.locator(href).count()).toBe(1);
    }
    expect(await pci.locator('tbody tr').nth(2).innerText()).toContain('5: 2 overdue, 1 never rotated');
  });

  it('makes no network request: the only request is the page itself', () => {
    expect(requests).toEqual([url]);
  });
});
