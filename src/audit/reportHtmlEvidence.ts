import { count, days, esc, percent, when } from './reportFormat.js';
import type { ComplianceReport, FigureId } from './reportModel.js';

/**
 * The evidence half of the HTML report: the rules each target is held to (policies, schedules, max
 * ages), whether the audit chain the figures come from is intact, what produced the report, and
 * which figure answers which control.
 */

/** Where each figure is on the page, and its value in this report, for the control mapping. */
export const figures: Record<FigureId, { anchor: string; title: string; value: (r: ComplianceReport) => string }> = {
  'share-compliant': {
    anchor: 'summary',
    title: 'Share compliant',
    value: (r) => `${percent(r.summary.shareCompliant)} (${count(r.summary.compliant)} of ${count(r.summary.targets)})`,
  },
  exceptions: {
    anchor: 'exceptions',
    title: 'Exceptions',
    value: (r) =>
      `${count(r.exceptions.length)}: ${count(r.summary.byStatus.overdue)} overdue, ${count(r.summary.byStatus['never-rotated'])} never rotated, ` +
      `${count(r.summary.byStatus.failing)} failing, ${count(r.summary.byStatus['out-of-sync'])} out of sync, ${count(r.summary.byStatus.drifted)} drifted`,
  },
  'age-histogram': {
    anchor: 'age-histogram',
    title: 'Password age',
    value: (r) => `${count(r.distributions.ageAll.over.reduce((a, b) => a + b, 0))} past their max age`,
  },
  'compliance-over-time': {
    anchor: 'compliance-over-time',
    title: 'Compliance over time',
    value: (r) => {
      const shares = r.distributions.complianceOverTime.points.map((p) => p.share);
      return shares.length ? `lowest ${percent(Math.min(...shares))} in the period` : 'no points';
    },
  },
  outcomes: {
    anchor: 'outcomes',
    title: 'Rotations and failures',
    value: (r) => {
      const b = r.distributions.outcomes.buckets;
      const sum = (k: 'succeeded' | 'failed') => b.reduce((n, x) => n + x[k], 0);
      return `${count(sum('succeeded'))} rotations, ${count(sum('failed'))} failed attempts in the period`;
    },
  },
  'targets-table': { anchor: 'targets-table', title: 'Targets', value: (r) => `${count(r.targets.length)} targets` },
  policies: {
    anchor: 'policies',
    title: 'Effective policies',
    value: (r) => {
      const lengths = Object.values(r.policies).map((p) => p.length);
      return lengths.length ? `length ${Math.min(...lengths)} or more` : 'none';
    },
  },
  schedules: {
    anchor: 'schedules',
    title: 'Schedules and max ages',
    value: (r) => `${count(r.targets.filter((t) => t.maxAgeMs !== undefined).length)} targets with a max age`,
  },
  history: {
    anchor: 'exceptions',
    title: 'Per-target history',
    value: (r) => `for ${count(r.history.targets.length)} targets here; any target with rotor audit report --target`,
  },
  'on-demand': {
    anchor: 'on-demand',
    title: 'On-demand requests',
    value: (r) => `${count(r.targets.reduce((n, t) => n + t.onDemandRequests.length, 0))} in the period`,
  },
  chain: { anchor: 'chain', title: 'Audit chain verification', value: (r) => chainSentence(r) },
  generator: {
    anchor: 'generator',
    title: 'Report provenance',
    value: (r) => `rotor ${r.generator.rotorVersion}, generated ${r.generatedAt}`,
  },
};

function chainSentence(r: ComplianceReport): string {
  const c = r.evidence.chain;
  if (!c.checked) return 'not checked';
  if (!c.intact) return `broken: ${c.problem ?? 'unknown problem'}`;
  return `intact to seq ${c.head?.seq ?? 0}; anchors ${c.anchors.status}`;
}

export function policiesHtml(report: ComplianceReport): string {
  const rows = Object.entries(report.policies).map(([key, p]) => {
    const targets = report.targets.filter((t) => t.policy === key).length;
    if (p.problem)
      return `<tr><td>${esc(p.name)}</td><td>${esc(p.kind)}</td><td colspan="6">${esc(p.problem)}</td><td>${count(targets)}</td></tr>`;
    const len = p.minLength === p.maxLength ? `${p.length}` : `${p.length} (accepts ${p.minLength}–${p.maxLength})`;
    const c = p.classes;
    return (
      `<tr><td>${esc(p.name)}</td><td>${esc(p.kind)}</td><td>${len}</td><td>${c.lower} / ${c.upper} / ${c.digits} / ${c.special}</td>` +
      `<td>${p.minClasses}</td><td>${p.maxRun ?? '–'}</td><td>${p.historyCount}</td><td><code>${esc(p.specialChars)}</code></td><td>${count(targets)}</td></tr>`
    );
  });
  return (
    `<section id="policies"><h2>Effective password policies <small>what each password is generated to; never a password</small></h2>` +
    (rows.length === 0
      ? '<p>No policy information in this report.</p>'
      : `<div class="scroll"><table class="wide"><thead><tr><th>Policy</th><th>Kind</th><th>Length</th><th>Min lower / upper / digits / special</th><th>Min classes</th><th>Max run</th><th>Not last N</th><th>Specials allowed</th><th>Targets</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>` +
        `<p class="note">IAM's account password policy, read at each rotation, can only make these stricter.</p>`) +
    `</section>`
  );
}

export function schedulesHtml(report: ComplianceReport): string {
  const groups = new Map<string, number>();
  for (const t of report.targets) {
    const key = `${t.schedule ?? 'none (max-age sweep and on demand only)'}\u0000${t.maxAgeMs === undefined ? 'none' : days(t.maxAgeMs)}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const rows = [...groups.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => {
      const [schedule, maxAge] = key.split('\u0000');
      return `<tr><td>${esc(schedule ?? '')}</td><td>${esc(maxAge ?? '')}</td><td>${count(n)}</td></tr>`;
    });
  return (
    `<section id="schedules"><h2>Schedules and max ages</h2><table><thead><tr><th>Schedule</th><th>Max age</th><th>Targets</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table><p class="note">Each target's own schedule and max age are in the targets table.</p></section>`
  );
}

export function chainHtml(report: ComplianceReport): string {
  const c = report.evidence.chain;
  const a = c.anchors;
  const facts: Array<[string, string]> = [['Checked at generation', c.checked ? 'yes' : 'no (see below)']];
  if (c.checked) {
    facts.push(['Result', c.intact ? 'intact' : `<b class="bad">broken</b>: ${esc(c.problem ?? '')}`]);
    facts.push(['Head', c.head ? `seq ${c.head.seq}, <code>${c.head.hash}</code>` : '–']);
    facts.push([
      'Events checked',
      `${count(c.events ?? 0)}${c.keptFrom ? ` (kept from seq ${c.keptFrom + 1}; earlier ones trimmed)` : ''}`,
    ]);
  }
  const anchorText: Record<typeof a.status, string> = {
    ok: `the chain matches every anchor read (${a.checked})`,
    mismatch: 'the chain does not match its anchors',
    missing: 'anchors missing: the chain says they were written, Vault holds none',
    'none-yet': 'no anchor written yet',
    'not-checked': 'not checked',
  };
  facts.push(['Anchors in Vault', esc(anchorText[a.status])]);
  if (a.latest)
    facts.push(['Latest anchor', `seq ${a.latest.seq} at ${when(a.latest.time)} (version ${a.latest.version})`]);
  for (const p of a.problems) facts.push(['Anchor problem', `<b class="bad">${esc(p)}</b>`]);
  return `<section id="chain"><h2>Audit chain</h2>${factTable(facts)}</section>`;
}

export function generatorHtml(report: ComplianceReport, digest: string): string {
  const facts: Array<[string, string]> = [
    ['Generated', when(report.generatedAt)],
    ['Period', `${when(report.period.since)} to ${when(report.period.until)}`],
    ['rotor version', esc(report.generator.rotorVersion)],
    [
      'Config digest',
      report.generator.configDigest ? `<code>${esc(report.generator.configDigest)}</code>` : 'not recorded',
    ],
    [
      'Report digest',
      `<code id="report-digest">${esc(digest)}</code> (sha256 of the report's canonical JSON; a signature covers it)`,
    ],
  ];
  return `<section id="generator"><h2>Provenance</h2>${factTable(facts)}</section>`;
}

export function controlsHtml(report: ComplianceReport): string {
  const controls = report.evidence.controls;
  if (controls.length === 0)
    return '<section id="controls"><h2>Control mapping</h2><p>No control mapping configured.</p></section>';
  const items = controls.map((c) => {
    const rows = c.evidence.map((e) => {
      const f = figures[e.figure];
      return `<tr><td><a href="#${f.anchor}">${esc(f.title)}</a></td><td>${esc(e.shows)}</td><td>${esc(f.value(report))}</td></tr>`;
    });
    return (
      `<article class="control"><h3>${esc(c.framework)} ${esc(c.id)}: ${esc(c.title)}</h3><p class="req">${esc(c.requirement)}</p>` +
      `<table><thead><tr><th>Figure</th><th>What it shows</th><th>In this report</th></tr></thead><tbody>${rows.join('')}</tbody></table></article>`
    );
  });
  return `<section id="controls"><h2>Control mapping</h2>${items.join('')}</section>`;
}

function factTable(facts: ReadonlyArray<[string, string]>): string {
  return `<table class="facts"><tbody>${facts.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}
