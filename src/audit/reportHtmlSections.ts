import { ageChart, ageColors, complianceChart, outcomeChart, outcomeColors } from './reportCharts.js';
import { count, days, esc, percent, shortTime, statusColors, statusLabel, when } from './reportFormat.js';
import {
  complianceStatuses,
  exceptionStatuses,
  type AgeRow,
  type ComplianceReport,
  type ReportException,
  type TargetCompliance,
  type TargetHistory,
} from './reportModel.js';

/** Exceptions listed one by one (with their history); beyond it, counts and a filter per status. */
export const exceptionsShown = 200;
/** On-demand requests listed (newest first); the JSON and CSV hold them all. */
export const requestsShown = 200;

export function summaryHtml(report: ComplianceReport): string {
  const s = report.summary;
  const badges = complianceStatuses
    .map(
      (st) =>
        `<li class="badge" data-status="${st}"><button type="button" data-filter="status:${st}">` +
        `<span class="dot" style="background:${statusColors[st]}"></span>${statusLabel(st)}: <b>${count(s.byStatus[st])}</b></button></li>`,
    )
    .join('');
  const chain = report.evidence.chain;
  const [cls, text] = !chain.checked
    ? ['unknown', 'audit chain not checked for this report']
    : chain.intact && (chain.anchors.status === 'ok' || chain.anchors.status === 'none-yet')
      ? ['ok', `audit chain intact, head seq ${chain.head?.seq ?? 0}`]
      : ['bad', `audit chain: ${chain.problem ?? chain.anchors.problems[0] ?? `anchors ${chain.anchors.status}`}`];
  return (
    `<section id="summary" aria-label="Summary"><div id="share">${percent(s.shareCompliant)}` +
    `<small>${count(s.compliant)} of ${count(s.targets)} targets compliant</small></div>` +
    `<div><ul class="badges">${badges}</ul><p id="chain-status" class="${cls}"><a href="#chain">${esc(text)}</a></p></div></section>`
  );
}

export function exceptionsHtml(report: ComplianceReport): string {
  const list = report.exceptions;
  if (list.length === 0) {
    return '<section id="exceptions"><h2>Exceptions</h2><p>None: every target is compliant.</p></section>';
  }
  const histories = new Map(report.history.targets.map((h) => [h.targetId, h]));
  const rows = list.slice(0, exceptionsShown).map((x) => exceptionRow(x, histories.get(x.targetId)));
  const rest = list.slice(exceptionsShown);
  const more =
    rest.length === 0
      ? ''
      : `<p class="more">${count(rest.length)} more: ${exceptionStatuses
          .map((st) => [st, rest.filter((x) => x.status === st).length] as const)
          .filter(([, n]) => n > 0)
          .map(([st, n]) => `<button type="button" data-filter="status:${st}">${count(n)} ${statusLabel(st)}</button>`)
          .join(' ')} (in the targets table below)</p>`;
  return (
    `<section id="exceptions"><h2>Exceptions <small>${count(list.length)} of ${count(report.summary.targets)} targets need attention, most severe first</small></h2>` +
    `<div class="exc-head"><span>Target</span><span>Status</span><span>Since</span><span>Error</span><span>Age / max age</span></div>` +
    rows.join('') +
    more +
    `</section>`
  );
}

function exceptionRow(x: ReportException, history: TargetHistory | undefined): string {
  const age = x.ageMs === undefined ? 'never rotated' : `${days(x.ageMs)} / ${x.maxAgeMs ? days(x.maxAgeMs) : 'none'}`;
  return (
    `<details class="exc st-${x.status}" data-target="${esc(x.targetId)}"><summary>` +
    `<span title="${esc(x.targetId)} (${esc(x.kind)})">${esc(x.targetId)}</span><span class="st">${statusLabel(x.status)}</span>` +
    `<span>${x.since ? when(x.since) : '–'}</span><span>${esc(x.errorCode ?? '–')}</span><span>${age}</span></summary>` +
    historyHtml(history) +
    `</details>`
  );
}

export function historyHtml(history: TargetHistory | undefined): string {
  if (!history || history.entries.length === 0) return '<p class="hist">No rotation events in the period.</p>';
  const rows = history.entries.map((e) => {
    const facts = [
      e.outcome,
      e.errorCode,
      e.version === undefined ? undefined : `v${e.version}`,
      e.verified === undefined ? undefined : e.verified ? 'verified' : 'not verified',
      e.reason === undefined ? undefined : `“${e.reason}”`,
    ].filter((f): f is string => f !== undefined);
    return `<tr><td>${when(e.time)}</td><td>${e.kind}</td><td>${esc(e.actor)}</td><td>${esc(facts.join(', '))}</td></tr>`;
  });
  const more =
    history.leftOut > 0 ? `<p class="hist">${count(history.leftOut)} earlier entries in the period.</p>` : '';
  return `<table class="hist"><thead><tr><th>Time</th><th>Event</th><th>By</th><th>Facts</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

export function distributionsHtml(report: ComplianceReport): string {
  const d = report.distributions;
  const unit = d.outcomes.bucketDays === 1 ? 'day' : 'week';
  const legend = (items: Array<[string, string]>) =>
    `<p class="legend">${items.map(([c, l]) => `<span><span class="dot" style="background:${c}"></span>${l}</span>`).join('')}</p>`;
  const tagNote = d.tagsLeftOut > 0 ? `<p class="note">${count(d.tagsLeftOut)} more tags not shown.</p>` : '';
  const heatNote =
    '<p class="note">Targets per age bin; the shade is the share of the row, a red line marks bins holding passwords past their max age (hover for how many).</p>';
  return (
    `<section id="distributions"><h2 id="age-histogram">Password age</h2>` +
    legend([
      [ageColors.within, 'within max age'],
      [ageColors.over, 'past max age'],
      [ageColors.never, 'never rotated'],
    ]) +
    ageChart(d) +
    `<div class="heats"><h3>By kind</h3>${heatTable('age-by-kind', d.ageBins, d.ageByKind)}` +
    `<h3>By tag</h3>${d.ageByTag.length ? heatTable('age-by-tag', d.ageBins, d.ageByTag, 'tag:') : '<p>No target has a tag.</p>'}${tagNote}${heatNote}</div>` +
    `<h2 id="compliance-over-time">Compliance over time <small>share compliant at the end of each ${unit}</small></h2>` +
    complianceChart(d.complianceOverTime) +
    `<h2 id="outcomes">Rotations and failures <small>per ${unit}</small></h2>` +
    legend([
      [outcomeColors.succeeded, 'succeeded'],
      [outcomeColors.failed, 'failed'],
      [outcomeColors.outOfSync, 'out of sync'],
    ]) +
    outcomeChart(d.outcomes) +
    `</section>`
  );
}

/** Targets per age bin, one row per kind or tag; the shade says the share of the row. */
function heatTable(
  id: string,
  bins: ComplianceReport['distributions']['ageBins'],
  rows: readonly AgeRow[],
  filter?: string,
): string {
  const head = `<tr><th></th>${bins.map((b) => `<th>${esc(b.label)}</th>`).join('')}<th>never</th><th>total</th></tr>`;
  const body = rows.map((r) => {
    const cell = (n: number, over: number) => {
      const a = r.targets === 0 ? 0 : Math.min(1, (n / r.targets) * 1.5);
      const past = over > 0 ? ` title="${over} past max age" class="over"` : '';
      return `<td${past} style="background:rgba(46,125,50,${a.toFixed(2)})">${n ? count(n) : ''}</td>`;
    };
    const cells = bins.map((_, i) => cell((r.within[i] ?? 0) + (r.over[i] ?? 0), r.over[i] ?? 0)).join('');
    const name = filter
      ? `<button type="button" data-filter="${filter}${esc(r.key)}">${esc(r.key)}</button>`
      : esc(r.key);
    return `<tr><th title="${esc(r.key)}">${name}</th>${cells}<td>${r.neverRotated ? count(r.neverRotated) : ''}</td><td>${count(r.targets)}</td></tr>`;
  });
  return `<table id="${id}" class="heat"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

const targetColumns = [
  'Target',
  'Tags',
  'Status',
  'Since',
  'Last success',
  'Age / max (d)',
  'Rot.',
  'Fail.',
  'Last failure',
  'Policy',
  'Schedule',
];

/** Grouped by kind, one closed section per kind when there are many; search and sort by the inline script. */
export function targetsHtml(report: ComplianceReport): string {
  const byKind = new Map<string, TargetCompliance[]>();
  for (const t of report.targets) {
    const list = byKind.get(t.kind);
    if (list) list.push(t);
    else byKind.set(t.kind, [t]);
  }
  const open = report.targets.length <= 500 ? ' open' : '';
  const head = `<thead><tr>${targetColumns.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead>`;
  const groups = [...byKind.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([kind, list]) => {
      const counts = complianceStatuses
        .map((st) => [st, list.filter((t) => t.status === st).length] as const)
        .filter(([, n]) => n > 0)
        .map(([st, n]) => `${count(n)} ${statusLabel(st)}`)
        .join(', ');
      return (
        `<details class="group" data-kind="${esc(kind)}"${open}><summary><b>${esc(kind)}</b>: ${count(list.length)} targets (${counts})</summary>` +
        `<div class="scroll"><table>${head}<tbody>${list.map(targetRow).join('\n')}</tbody></table></div></details>`
      );
    });
  return (
    `<section id="targets"><h2 id="targets-table">Targets</h2>` +
    `<p class="search"><label>Search <input id="q" type="search" placeholder="id, error code, tag:prod, status:overdue" autocomplete="off"></label> <span id="q-count"></span></p>` +
    groups.join('') +
    `</section>`
  );
}

function targetRow(t: TargetCompliance): string {
  const ageDays = t.ageMs === undefined ? undefined : (t.ageMs / 86_400_000).toFixed(1);
  const age = ageDays === undefined ? '–' : `${ageDays} / ${t.maxAgeMs ? Math.round(t.maxAgeMs / 86_400_000) : '–'}`;
  const failure = t.lastFailure
    ? `${t.lastFailure.errorCode ?? t.lastFailure.outcome ?? ''} ${shortTime(t.lastFailure.time)}`
    : '';
  const policy = t.policy?.split('/')[0] ?? '';
  return (
    `<tr class="st-${t.status}"><td>${esc(t.targetId)}</td><td>${esc(t.tags.join(' '))}</td><td>${statusLabel(t.status)}${oldKeyNote(t)}</td>` +
    `<td>${t.statusSince ? shortTime(t.statusSince) : ''}</td><td>${t.lastSuccess ? shortTime(t.lastSuccess) : 'never'}</td>` +
    `<td data-v="${ageDays ?? -1}">${age}</td><td>${t.rotations}</td><td>${t.failures}</td><td>${esc(failure)}</td>` +
    `<td>${esc(policy)}</td><td>${esc(t.schedule ?? '')}</td></tr>`
  );
}

/** A replaced access key a consumer still signs with: kept (not deleted) until its consumers move. */
function oldKeyNote(t: TargetCompliance): string {
  return t.oldKeyInUseSince
    ? `<br><small class="old-key">old key still in use since ${shortTime(t.oldKeyInUseSince)}</small>`
    : '';
}

export function requestsHtml(report: ComplianceReport): string {
  const all = report.targets
    .flatMap((t) => t.onDemandRequests.map((r) => ({ ...r, targetId: t.targetId })))
    .sort((a, b) => (a.time < b.time ? 1 : -1));
  if (all.length === 0)
    return '<section id="on-demand"><h2>On-demand requests</h2><p>None in this period.</p></section>';
  const shown = all.slice(0, requestsShown);
  const rest = all.length - shown.length;
  return (
    `<section id="on-demand"><h2>On-demand requests <small>${count(all.length)} in the period, newest first</small></h2>` +
    `<table id="requests"><thead><tr><th>Time</th><th>Target</th><th>Asked by</th><th>Reason</th></tr></thead><tbody>` +
    shown
      .map(
        (r) =>
          `<tr><td>${when(r.time)}</td><td>${esc(r.targetId)}</td><td>${esc(r.actor)}</td><td>${esc(r.reason ?? '')}</td></tr>`,
      )
      .join('') +
    `</tbody></table>${rest > 0 ? `<p class="note">${count(rest)} older requests are in the JSON and CSV forms.</p>` : ''}</section>`
  );
}
