import type { ComplianceReport, ComplianceStatus, TargetCompliance } from './complianceReport.js';

/**
 * Inline SVG charts for the HTML report: drawn on the server, no script, no fonts or images fetched,
 * so the page renders the same offline, in a mail attachment or behind a strict CSP.
 */
export const statusColors: Record<ComplianceStatus, string> = {
  compliant: '#2e7d32',
  overdue: '#c62828',
  failing: '#ef6c00',
  'out-of-sync': '#6a1b9a',
  'never-rotated': '#757575',
};
export const outcomeColors = { succeeded: '#2e7d32', failed: '#c62828', outOfSync: '#6a1b9a' } as const;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const dayMs = 86_400_000;
const fmtDays = (ms: number) => `${(ms / dayMs).toFixed(1)} d`;

/** One bar per target: its password's age as a share of its max age, with the max age as a dashed line. */
export function ageChart(targets: readonly TargetCompliance[]): string {
  const width = 760;
  const labelW = 190;
  const plotW = 480;
  const rowH = 26;
  const top = 24;
  const height = top + Math.max(1, targets.length) * rowH + 16;
  const ratios = targets.map((t) => (t.ageMs !== undefined && t.maxAgeMs ? t.ageMs / t.maxAgeMs : 0));
  const axisMax = Math.min(3, Math.max(1.5, ...ratios.map((r) => r * 1.05)));
  const x = (ratio: number) => labelW + (Math.min(ratio, axisMax) / axisMax) * plotW;
  const rows = targets.map((t, i) => {
    const y = top + i * rowH;
    const label = `<text x="${labelW - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(t.targetId)}</text>`;
    if (t.ageMs === undefined) {
      return `${label}<text class="note" x="${labelW + 4}" y="${y + 17}">never rotated</text>`;
    }
    if (!t.maxAgeMs) {
      return `${label}<text class="note" x="${labelW + 4}" y="${y + 17}">${fmtDays(t.ageMs)} old, no max age</text>`;
    }
    const ratio = t.ageMs / t.maxAgeMs;
    const w = Math.max(2, x(ratio) - labelW);
    const title = `${t.targetId}: ${fmtDays(t.ageMs)} of ${fmtDays(t.maxAgeMs)} (${Math.round(ratio * 100)}%), ${t.status}`;
    return (
      `${label}<rect class="bar" data-target="${escapeHtml(t.targetId)}" data-status="${t.status}" x="${labelW}" ` +
      `y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${statusColors[t.status]}">` +
      `<title>${escapeHtml(title)}</title></rect>` +
      `<text class="value" x="${(labelW + w + 6).toFixed(1)}" y="${y + 17}">${Math.round(ratio * 100)}%${ratio > axisMax ? ' ▶' : ''}</text>`
    );
  });
  const maxX = x(1).toFixed(1);
  return (
    `<svg id="age-chart" role="img" aria-label="Password age against max age per target" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<text class="axis" x="${labelW}" y="14">0%</text><text class="axis" x="${maxX}" y="14" text-anchor="middle">max age</text>` +
    rows.join('') +
    `<line class="max-age" x1="${maxX}" x2="${maxX}" y1="18" y2="${height - 8}" stroke="#212121" stroke-width="1.5" stroke-dasharray="4 3"/>` +
    `</svg>`
  );
}

/** Stacked columns per day (or week): succeeded, failed and out-of-sync events. */
export function outcomeChart(outcomes: ComplianceReport['outcomes']): string {
  const width = 760;
  const height = 220;
  const left = 40;
  const bottom = 30;
  const plotH = height - bottom - 16;
  const buckets = outcomes.buckets;
  const maxTotal = Math.max(1, ...buckets.map((b) => b.succeeded + b.failed + b.outOfSync));
  const slot = (width - left - 10) / Math.max(1, buckets.length);
  const barW = Math.max(1, slot * 0.7);
  const labelEvery = Math.ceil(buckets.length / 10);
  const parts: string[] = [];
  buckets.forEach((b, i) => {
    const bx = (left + i * slot + (slot - barW) / 2).toFixed(1);
    let y = 16 + plotH;
    for (const key of ['succeeded', 'failed', 'outOfSync'] as const) {
      if (b[key] === 0) continue;
      const h = (b[key] / maxTotal) * plotH;
      y -= h;
      parts.push(
        `<rect class="outcome ${key}" x="${bx}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" ` +
          `fill="${outcomeColors[key]}"><title>${b.start}: ${b[key]} ${key}</title></rect>`,
      );
    }
    if (i % labelEvery === 0) {
      const lx = (left + i * slot + slot / 2).toFixed(1);
      parts.push(`<text class="axis" x="${lx}" y="${height - 10}" text-anchor="middle">${b.start.slice(5)}</text>`);
    }
  });
  const ticks = [0, Math.ceil(maxTotal / 2), maxTotal]
    .filter((v, i, all) => all.indexOf(v) === i)
    .map((v) => {
      const ty = (16 + plotH - (v / maxTotal) * plotH).toFixed(1);
      return `<text class="axis" x="${left - 6}" y="${ty}" text-anchor="end">${v}</text><line x1="${left}" x2="${width - 10}" y1="${ty}" y2="${ty}" stroke="#e0e0e0"/>`;
    });
  return (
    `<svg id="outcome-chart" role="img" aria-label="Rotation outcomes over time" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    ticks.join('') +
    parts.join('') +
    `</svg>`
  );
}
