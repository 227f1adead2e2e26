import { niceTicks, tickLabel } from './reportAxis.js';
import { escapeHtml } from './reportFormat.js';
import type { ComplianceReport } from './reportModel.js';

export { escapeHtml, statusColors } from './reportFormat.js';

/**
 * Inline SVG charts for the HTML report: drawn on the server, their size fixed whatever the number of
 * targets, no fonts or images fetched, so the page renders the same offline or behind a strict CSP.
 */
export const outcomeColors = { succeeded: '#2e7d32', failed: '#c62828', outOfSync: '#6a1b9a' } as const;
export const ageColors = { within: '#2e7d32', over: '#c62828', never: '#9e9e9e' } as const;

const width = 760;
const height = 230;
const left = 52;
const right = 12;
const top = 14;
const bottom = 34;
const plotW = width - left - right;
const plotH = height - top - bottom;

interface Series {
  key: string;
  color: string;
  label: string;
  values: readonly number[];
}

function svgOpen(id: string, label: string): string {
  return (
    `<svg id="${id}" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`
  );
}

/** Horizontal grid lines with round tick labels on the y axis, from `bottom` to `topValue`. */
function yAxis(ticks: readonly number[], topValue: number, unit: '' | '%' = '', bottom = 0): string {
  return ticks
    .map((v) => {
      const y = (top + plotH - ((v - bottom) / (topValue - bottom)) * plotH).toFixed(1);
      return (
        `<line class="grid" x1="${left}" x2="${width - right}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>` +
        `<text class="axis tick" x="${left - 6}" y="${y}" dy="4" text-anchor="end">${tickLabel(v, unit)}</text>`
      );
    })
    .join('');
}

/** Category labels under the plot, thinned to about `most` so they never overlap. */
function xLabels(categories: readonly string[], slot: number, most = 12): string {
  const every = Math.max(1, Math.ceil(categories.length / most));
  return categories
    .map((c, i) =>
      i % every === 0
        ? `<text class="axis" x="${(left + i * slot + slot / 2).toFixed(1)}" y="${height - 12}" text-anchor="middle">${escapeHtml(c)}</text>`
        : '',
    )
    .join('');
}

/** Stacked columns, one per category; each series a colour. */
function stackedColumns(id: string, label: string, categories: readonly string[], series: readonly Series[]): string {
  const totals = categories.map((_, i) => series.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const { top: topValue, ticks } = niceTicks(Math.max(0, ...totals));
  const slot = plotW / Math.max(1, categories.length);
  const barW = Math.max(1, slot * 0.72);
  const parts: string[] = [];
  categories.forEach((c, i) => {
    const x = (left + i * slot + (slot - barW) / 2).toFixed(1);
    let y = top + plotH;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v === 0) continue;
      const h = (v / topValue) * plotH;
      y -= h;
      parts.push(
        `<rect class="col ${s.key}" x="${x}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" ` +
          `fill="${s.color}"><title>${escapeHtml(c)}: ${v.toLocaleString('en-US')} ${escapeHtml(s.label)}</title></rect>`,
      );
    }
  });
  return `${svgOpen(id, label)}${yAxis(ticks, topValue)}${parts.join('')}${xLabels(categories, slot)}</svg>`;
}

/** How many passwords fall in each age bin: within their max age, past it, never rotated. */
export function ageChart(d: ComplianceReport['distributions']): string {
  const bins = [...d.ageBins.map((b) => b.label), 'never'];
  const n = d.ageBins.length;
  return stackedColumns('age-chart', 'Targets per password age', bins, [
    { key: 'within', color: ageColors.within, label: 'within max age', values: [...d.ageAll.within, 0] },
    { key: 'over', color: ageColors.over, label: 'past max age', values: [...d.ageAll.over, 0] },
    {
      key: 'never',
      color: ageColors.never,
      label: 'never rotated',
      values: [...Array.from({ length: n }, () => 0), d.ageAll.neverRotated],
    },
  ]);
}

/** Stacked columns per day (or week): succeeded, failed and out-of-sync events. */
export function outcomeChart(outcomes: ComplianceReport['distributions']['outcomes']): string {
  const b = outcomes.buckets;
  return stackedColumns(
    'outcome-chart',
    'Rotations and failures over time',
    b.map((x) => x.start.slice(5)),
    [
      { key: 'succeeded', color: outcomeColors.succeeded, label: 'succeeded', values: b.map((x) => x.succeeded) },
      { key: 'failed', color: outcomeColors.failed, label: 'failed', values: b.map((x) => x.failed) },
      { key: 'outOfSync', color: outcomeColors.outOfSync, label: 'out of sync', values: b.map((x) => x.outOfSync) },
    ],
  );
}

/**
 * The share of targets compliant at the end of each day (or week) of the period. The axis starts at a
 * round number below the lowest share (labelled), so a drop from 99% to 96% is visible at all.
 */
export function complianceChart(over: ComplianceReport['distributions']['complianceOverTime']): string {
  const points = over.points;
  const slot = plotW / Math.max(1, points.length);
  const lowest = Math.min(100, ...points.map((p) => p.share * 100));
  const { bottom, top: topValue, ticks } = niceTicks(100, { target: 5, min: Math.max(0, lowest - 2) });
  const xy = points.map((p, i) => ({
    x: left + i * slot + slot / 2,
    y: top + plotH - ((p.share * 100 - bottom) / (topValue - bottom)) * plotH,
    p,
  }));
  const line = xy.map(({ x, y }) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const dots = xy
    .map(
      ({ x, y, p }) =>
        `<circle class="point" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${ageColors.within}">` +
        `<title>${p.time.slice(0, 10)}: ${p.compliant.toLocaleString('en-US')} of ${p.targets.toLocaleString('en-US')} compliant (${(p.share * 100).toFixed(1)}%)</title></circle>`,
    )
    .join('');
  return (
    svgOpen('compliance-chart', 'Share of targets compliant over time') +
    yAxis(ticks, topValue, '%', bottom) +
    `<polyline fill="none" stroke="${ageColors.within}" stroke-width="2" points="${line}"/>` +
    dots +
    xLabels(
      // A point closes its day (or week): label it with the day it closes, not the next midnight.
      points.map((p) => new Date(Date.parse(p.time) - 1).toISOString().slice(5, 10)),
      slot,
    ) +
    `</svg>`
  );
}
