import type { ComplianceReport, ComplianceStatus, TargetCompliance } from './complianceReport.js';
import { complianceStatuses } from './complianceReport.js';
import { ageChart, escapeHtml as esc, outcomeChart, outcomeColors, statusColors } from './reportCharts.js';

/**
 * A self-contained HTML page: inline CSS and SVG, no script, and a CSP that forbids every fetch,
 * so opening it makes no network request even if a value were to smuggle markup past escaping.
 */
export function renderReportHtml(report: ComplianceReport): string {
  const s = report.summary;
  const pct = `${Math.round(s.shareCompliant * 1000) / 10}%`;
  const badges = complianceStatuses
    .map(
      (st) =>
        `<li class="badge" data-status="${st}"><span class="dot" style="background:${statusColors[st]}"></span>${label(st)}: <b>${s.byStatus[st]}</b></li>`,
    )
    .join('');
  const overdue =
    s.overdue.length === 0
      ? '<p id="overdue-list">No target is overdue.</p>'
      : `<ul id="overdue-list">${s.overdue.map((o) => `<li>${esc(o.targetId)}: ${days(o.ageMs)} old, max ${days(o.maxAgeMs)}</li>`).join('')}</ul>`;
  const requests = report.targets.flatMap((t) => t.onDemandRequests.map((r) => ({ ...r, targetId: t.targetId })));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rotor compliance report ${esc(report.period.since.slice(0, 10))} – ${esc(report.period.until.slice(0, 10))}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #212121; margin: 24px auto; max-width: 960px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: #616161; margin: 0 0 16px; }
#summary { display: flex; gap: 32px; align-items: center; border: 1px solid #e0e0e0; border-radius: 8px; padding: 16px; }
#share { font-size: 40px; font-weight: 700; } #share small { display: block; font-size: 13px; font-weight: 400; color: #616161; }
.badges { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 8px 18px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; }
svg text { font: 12px system-ui, sans-serif; fill: #212121; } svg text.axis, svg text.note { fill: #757575; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; }
td.status { font-weight: 600; } .legend span { margin-right: 14px; }
</style>
</head>
<body>
<h1>rotor compliance report</h1>
<p class="meta">Period ${when(report.period.since)} to ${when(report.period.until)} · generated ${when(report.generatedAt)}</p>
<section id="summary" aria-label="Summary">
<div id="share">${pct}<small>${s.compliant} of ${s.targets} targets compliant</small></div>
<div><ul class="badges">${badges}</ul><h2>Overdue</h2>${overdue}</div>
</section>
<h2>Password age against max age</h2>
${ageChart(report.targets)}
<h2>Rotation outcomes over time (per ${report.outcomes.bucketDays === 1 ? 'day' : 'week'})</h2>
<p class="legend">${(['succeeded', 'failed', 'outOfSync'] as const).map((k) => `<span><span class="dot" style="background:${outcomeColors[k]}"></span>${k === 'outOfSync' ? 'out of sync' : k}</span>`).join('')}</p>
${outcomeChart(report.outcomes)}
<h2>Targets</h2>
<table id="targets"><thead><tr><th>Target</th><th>Kind</th><th>Status</th><th>Last success</th><th>Age / max</th><th>Rotations</th><th>Failures</th><th>Last verified</th></tr></thead>
<tbody>${report.targets.map(row).join('\n')}</tbody></table>
<h2>On-demand requests</h2>
${
  requests.length === 0
    ? '<p>None in this period.</p>'
    : `<table id="requests"><thead><tr><th>Time</th><th>Target</th><th>Asked by</th><th>Reason</th></tr></thead><tbody>${requests
        .map(
          (r) =>
            `<tr><td>${when(r.time)}</td><td>${esc(r.targetId)}</td><td>${esc(r.actor)}</td><td>${esc(r.reason ?? '')}</td></tr>`,
        )
        .join('')}</tbody></table>`
}
</body>
</html>
`;
}

function row(t: TargetCompliance): string {
  const age = t.ageMs === undefined ? '–' : `${days(t.ageMs)} / ${t.maxAgeMs ? days(t.maxAgeMs) : 'none'}`;
  return (
    `<tr data-target="${esc(t.targetId)}"><td>${esc(t.targetId)}</td><td>${esc(t.kind)}</td>` +
    `<td class="status" style="color:${statusColors[t.status]}">${label(t.status)}</td><td>${t.lastSuccess ? when(t.lastSuccess) : 'never'}</td>` +
    `<td>${age}</td><td>${t.rotations}</td><td>${t.failures}</td><td>${t.lastVerified ? when(t.lastVerified) : '–'}</td></tr>`
  );
}

/** `2025-03-25 09:00 UTC`, with the exact ISO time on hover. */
function when(iso: string): string {
  const short = /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
  return `<time datetime="${esc(iso)}" title="${esc(iso)}">${esc(short)}</time>`;
}

function label(status: ComplianceStatus): string {
  return status.replace(/-/g, ' ');
}

function days(ms: number): string {
  return `${(ms / 86_400_000).toFixed(1)} d`;
}
