import type { ComplianceReport } from './reportModel.js';

const columns = [
  'target_id',
  'kind',
  'status',
  'last_success',
  'version',
  'age_days',
  'max_age_days',
  'rotations',
  'failures',
  'last_failure',
  'last_failure_code',
  'last_verified',
  'out_of_sync_since',
  'on_demand_requests',
  'requested_by',
  'tags',
  'status_since',
  'policy',
  'schedule',
  'last_heartbeat',
  'last_heartbeat_outcome',
  'old_key_in_use_since',
] as const;

/**
 * One row per target (the same model as the JSON and HTML forms), RFC 4180 quoting. A cell that a spreadsheet would run as a formula (starting
 * with = + - @) is prefixed with a quote: report cells carry actor names and reasons typed by people.
 */
export function renderReportCsv(report: ComplianceReport): string {
  const rows = report.targets.map((t) => [
    t.targetId,
    t.kind,
    t.status,
    t.lastSuccess ?? '',
    t.version ?? '',
    days(t.ageMs),
    days(t.maxAgeMs),
    t.rotations,
    t.failures,
    t.lastFailure?.time ?? '',
    t.lastFailure?.errorCode ?? '',
    t.lastVerified ?? '',
    t.outOfSyncSince ?? '',
    t.onDemandRequests.length,
    [...new Set(t.onDemandRequests.map((r) => r.actor))].join(' '),
    t.tags.join(' '),
    t.statusSince ?? '',
    t.policy ?? '',
    t.schedule ?? '',
    t.lastHeartbeat?.time ?? '',
    t.lastHeartbeat?.outcome ?? '',
    t.oldKeyInUseSince ?? '',
  ]);
  return [columns, ...rows].map((row) => row.map((cell) => csvCell(String(cell))).join(',')).join('\r\n') + '\r\n';
}

function days(ms: number | undefined): string {
  return ms === undefined ? '' : (ms / 86_400_000).toFixed(1);
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
