import { reportDigest } from './reportDigest.js';
import { esc, statusColors, when } from './reportFormat.js';
import { chainHtml, controlsHtml, generatorHtml, policiesHtml, schedulesHtml } from './reportHtmlEvidence.js';
import {
  distributionsHtml,
  exceptionsHtml,
  historyHtml,
  requestsHtml,
  summaryHtml,
  targetsHtml,
} from './reportHtmlSections.js';
import { complianceStatuses, type ComplianceReport } from './reportModel.js';
import { reportCsp, reportScript } from './reportScript.js';

export { reportCsp } from './reportScript.js';

const statusCss = complianceStatuses
  .map((s) => `.st-${s} td:nth-child(3), .st-${s} .st { color: ${statusColors[s]}; }`)
  .join('\n');

const css = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #212121; margin: 16px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 2px; } h2 { font-size: 17px; margin: 26px 0 8px; } h3 { font-size: 14px; margin: 12px 0 6px; }
h2 small, h1 small { font-weight: 400; color: #616161; font-size: 13px; margin-left: 6px; }
.meta { color: #616161; margin: 0 0 10px; font-size: 13px; }
#summary { display: flex; gap: 28px; align-items: center; border: 1px solid #e0e0e0; border-radius: 8px; padding: 12px 16px; }
#share { font-size: 40px; font-weight: 700; white-space: nowrap; } #share small { display: block; font-size: 13px; font-weight: 400; color: #616161; }
.badges { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
.badges button, .more button { font: inherit; background: none; border: 0; padding: 2px; cursor: pointer; color: inherit; }
.more button { color: #1565c0; text-decoration: underline; }
#chain-status { margin: 6px 0 0; } #chain-status a { color: inherit; } .ok { color: #2e7d32; } .bad { color: #c62828; } .unknown { color: #757575; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; }
.exc-head, .exc > summary { display: grid; grid-template-columns: minmax(0, 2.2fr) 1fr 1.3fr 1.2fr 1.3fr; gap: 8px; padding: 3px 8px; }
.exc-head { font-weight: 600; border-bottom: 2px solid #e0e0e0; }
.exc > summary { cursor: pointer; border-bottom: 1px solid #eee; list-style: none; }
.exc > summary span, td, th { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.exc > summary::before { content: "▸"; position: absolute; margin-left: -12px; color: #9e9e9e; } .exc[open] > summary::before { content: "▾"; }
.exc .st { font-weight: 600; } .exc[open] { background: #fafafa; }
.hist { margin: 4px 0 10px 16px; font-size: 13px; } table.hist { width: calc(100% - 16px); }
svg text { font: 12px system-ui, sans-serif; fill: #212121; } svg text.axis { fill: #757575; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; } th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eee; }
th { font-weight: 600; } #targets th { cursor: pointer; user-select: none; } th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
#targets td:nth-child(3) { font-weight: 600; }
.scroll { overflow-x: auto; } .group > summary { cursor: pointer; padding: 6px 0; }
#targets table { min-width: 980px; font-size: 13px; }
#targets th:nth-child(1) { width: 17%; } #targets th:nth-child(2) { width: 9%; } #targets th:nth-child(3) { width: 9%; }
#targets th:nth-child(4), #targets th:nth-child(5) { width: 10%; } #targets th:nth-child(6) { width: 8%; }
#targets th:nth-child(7), #targets th:nth-child(8) { width: 4%; } #targets th:nth-child(9) { width: 12%; }
table.heat { font-size: 12px; max-width: 900px; table-layout: auto; } table.heat td, table.heat thead th { text-align: right; } table.heat th:first-child { width: 24%; text-align: left; }
table.heat td.over { box-shadow: inset 0 -3px 0 #c62828; }
table.facts { table-layout: auto; } table.facts th { width: 180px; vertical-align: top; } table.facts td { white-space: normal; overflow-wrap: anywhere; }
table.wide { table-layout: auto; } table.wide td, table.wide th { white-space: normal; }
.heats button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: #1565c0; }
.control table { table-layout: auto; } .control td { white-space: normal; } .req { color: #424242; margin: 0 0 6px; }
.legend span { margin-right: 14px; } .note { color: #616161; font-size: 13px; } code { font-size: 12px; }
.search input { width: 320px; font: inherit; padding: 3px 6px; }
${statusCss}
`;

/**
 * A self-contained page: inline CSS and SVG, one inline script (search and sort), and a CSP that
 * forbids every request, so opening it fetches nothing even if a value smuggled markup past escaping.
 * Exceptions come first, then distributions whose size does not grow with the number of targets,
 * then the targets table (grouped by kind), the evidence and the control mapping.
 */
export function renderReportHtml(report: ComplianceReport): string {
  const digest = reportDigest(report);
  const scope = report.scope ? ` for target ${esc(report.scope.targetId)}` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${reportCsp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="rotor-report-digest" content="${digest}">
<title>rotor compliance report${scope} ${esc(report.period.since.slice(0, 10))} – ${esc(report.period.until.slice(0, 10))}</title>
<style>${css}</style>
</head>
<body>
<h1>rotor compliance report${scope}</h1>
<p class="meta">Period ${when(report.period.since)} to ${when(report.period.until)} · generated ${when(report.generatedAt)} · rotor ${esc(report.generator.rotorVersion)} · <a href="#generator">digest ${esc(digest.slice(0, 19))}…</a></p>
${summaryHtml(report)}
${report.history.scope === 'target' ? targetHistoryHtml(report) : ''}
${exceptionsHtml(report)}
${distributionsHtml(report)}
${targetsHtml(report)}
${requestsHtml(report)}
${policiesHtml(report)}
${schedulesHtml(report)}
${chainHtml(report)}
${generatorHtml(report, digest)}
${controlsHtml(report)}
<script>${reportScript}</script>
</body>
</html>
`;
}

/** `--target`: the one target's whole history in the period, right after the summary. */
function targetHistoryHtml(report: ComplianceReport): string {
  const history = report.history.targets[0];
  return `<section id="history"><h2>History of ${esc(report.scope?.targetId ?? '')} <small>newest first</small></h2>${historyHtml(history)}</section>`;
}
