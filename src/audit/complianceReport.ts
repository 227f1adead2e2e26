import type { AuditEvent } from './types.js';

/**
 * The compliance report: per target, was its password rotated within its maximum age, what failed,
 * who asked for what. A pure function of the config, the audit events and what Vault says, so the
 * figures can be checked against a known history.
 */
export type ComplianceStatus = 'compliant' | 'overdue' | 'failing' | 'out-of-sync' | 'never-rotated';

/** Most severe first: a target has the first status that applies. */
export const complianceStatuses: readonly ComplianceStatus[] = [
  'out-of-sync',
  'never-rotated',
  'overdue',
  'failing',
  'compliant',
];

export interface ReportTarget {
  id: string;
  kind: string;
  /** Maximum password age in ms; without it a target cannot be overdue. */
  maxAge?: number;
}

/** What Vault's custom_metadata says about the current password. */
export interface LastRotation {
  rotatedAt: Date;
  version: number;
}

export interface ComplianceInput {
  targets: readonly ReportTarget[];
  /** Every event available, not only the period's: status depends on what happened before it. */
  events: readonly AuditEvent[];
  /**
   * Vault's view, which wins over the audit log for the password's age. A target mapped to
   * `undefined` has no rotor stamp (never rotated); a target missing from the map falls back to its
   * last `rotation.succeeded` event.
   */
  lastRotation: ReadonlyMap<string, LastRotation | undefined>;
  now: Date;
  since: Date;
  until: Date;
}

export interface OnDemandRequest {
  time: string;
  actor: string;
  reason?: string;
}

export interface TargetCompliance {
  targetId: string;
  kind: string;
  status: ComplianceStatus;
  lastSuccess?: string;
  /** KV version holding the current password, when known. */
  version?: number;
  ageMs?: number;
  maxAgeMs?: number;
  /** Rotations that succeeded within the period. */
  rotations: number;
  /** Failed attempts within the period (retries included). */
  failures: number;
  lastFailure?: { time: string; outcome?: string; errorCode?: string };
  /** Last time the new password was proven to log in. */
  lastVerified?: string;
  outOfSyncSince?: string;
  onDemandRequests: OnDemandRequest[];
}

export interface OutcomeBucket {
  /** Start of the bucket (UTC date). */
  start: string;
  succeeded: number;
  failed: number;
  outOfSync: number;
}

export interface ComplianceReport {
  generatedAt: string;
  period: { since: string; until: string };
  summary: {
    targets: number;
    compliant: number;
    /** compliant / targets (1 when there are no targets). */
    shareCompliant: number;
    byStatus: Record<ComplianceStatus, number>;
    overdue: Array<{ targetId: string; ageMs: number; maxAgeMs: number }>;
    failing: string[];
    outOfSync: string[];
    neverRotated: string[];
  };
  targets: TargetCompliance[];
  /** Outcomes over time: one bucket per day (per week beyond 92 days). */
  outcomes: { bucketDays: number; buckets: OutcomeBucket[] };
}

const dayMs = 86_400_000;

export function buildComplianceReport(input: ComplianceInput): ComplianceReport {
  const since = input.since.getTime();
  const until = input.until.getTime();
  const inPeriod = (e: AuditEvent) => {
    const t = Date.parse(e.time);
    return t >= since && t <= until;
  };
  const byTarget = groupByTarget(input.events);
  const targets = input.targets.map((t) => assessTarget(t, byTarget.get(t.id) ?? [], input, inPeriod));

  const byStatus = Object.fromEntries(complianceStatuses.map((s) => [s, 0])) as Record<ComplianceStatus, number>;
  for (const t of targets) byStatus[t.status] += 1;
  const ids = (status: ComplianceStatus) => targets.filter((t) => t.status === status).map((t) => t.targetId);
  return {
    generatedAt: input.now.toISOString(),
    period: { since: input.since.toISOString(), until: input.until.toISOString() },
    summary: {
      targets: targets.length,
      compliant: byStatus.compliant,
      shareCompliant: targets.length === 0 ? 1 : byStatus.compliant / targets.length,
      byStatus,
      overdue: targets
        .filter((t) => t.status === 'overdue')
        .map((t) => ({ targetId: t.targetId, ageMs: t.ageMs as number, maxAgeMs: t.maxAgeMs as number })),
      failing: ids('failing'),
      outOfSync: ids('out-of-sync'),
      neverRotated: ids('never-rotated'),
    },
    targets,
    outcomes: bucketOutcomes(input.events.filter(inPeriod), since, until),
  };
}

function assessTarget(
  target: ReportTarget,
  events: AuditEvent[],
  input: ComplianceInput,
  inPeriod: (e: AuditEvent) => boolean,
): TargetCompliance {
  const lastOf = (match: (e: AuditEvent) => boolean) => events.filter(match).at(-1);
  const succeeded = lastOf((e) => e.type === 'rotation.succeeded');
  const failed = lastOf((e) => e.type === 'rotation.failed');
  const outOfSync = lastOf((e) => e.type === 'rotation.out_of_sync');
  const resolved = lastOf((e) => e.type === 'rotation.reconciled' || e.type === 'rotation.succeeded');
  const verified = lastOf(
    (e) =>
      (e.type === 'rotation.succeeded' || (e.type === 'rotation.step' && e.step === 'verify')) &&
      e.detail?.verified === true,
  );

  let lastSuccess: { time: number; version?: number } | undefined;
  if (input.lastRotation.has(target.id)) {
    const vault = input.lastRotation.get(target.id);
    if (vault) lastSuccess = { time: vault.rotatedAt.getTime(), version: vault.version };
  } else if (succeeded) {
    const version = succeeded.detail?.version;
    lastSuccess = { time: Date.parse(succeeded.time), version: typeof version === 'number' ? version : undefined };
  }
  const ageMs = lastSuccess ? Math.max(0, input.now.getTime() - lastSuccess.time) : undefined;
  const after = (a: AuditEvent | undefined, b: AuditEvent | undefined) =>
    a !== undefined && (b === undefined || Date.parse(a.time) > Date.parse(b.time));

  let status: ComplianceStatus = 'compliant';
  if (after(outOfSync, resolved)) status = 'out-of-sync';
  else if (!lastSuccess) status = 'never-rotated';
  else if (target.maxAge !== undefined && (ageMs as number) > target.maxAge) status = 'overdue';
  else if (after(failed, succeeded)) status = 'failing';

  const periodEvents = events.filter(inPeriod);
  return {
    targetId: target.id,
    kind: target.kind,
    status,
    lastSuccess: lastSuccess ? new Date(lastSuccess.time).toISOString() : undefined,
    version: lastSuccess?.version,
    ageMs,
    maxAgeMs: target.maxAge,
    rotations: periodEvents.filter((e) => e.type === 'rotation.succeeded').length,
    failures: periodEvents.filter((e) => e.type === 'rotation.failed').length,
    lastFailure: failed ? { time: failed.time, outcome: failed.outcome, errorCode: failed.errorCode } : undefined,
    lastVerified: verified?.time,
    outOfSyncSince: status === 'out-of-sync' ? outOfSync?.time : undefined,
    onDemandRequests: periodEvents
      .filter((e) => e.type === 'rotation.requested' && e.actor !== 'scheduler')
      .map((e) => {
        const reason = e.detail?.reason;
        return { time: e.time, actor: e.actor, reason: typeof reason === 'string' ? reason : undefined };
      }),
  };
}

/** Events per target, oldest first (writers' clocks differ slightly, so chain order is not time order). */
function groupByTarget(events: readonly AuditEvent[]): Map<string, AuditEvent[]> {
  const sorted = [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const out = new Map<string, AuditEvent[]>();
  for (const e of sorted) {
    if (e.targetId === undefined) continue;
    const list = out.get(e.targetId) ?? [];
    list.push(e);
    out.set(e.targetId, list);
  }
  return out;
}

function bucketOutcomes(events: AuditEvent[], since: number, until: number): ComplianceReport['outcomes'] {
  const bucketDays = until - since > 92 * dayMs ? 7 : 1;
  const size = bucketDays * dayMs;
  const first = Math.floor(since / dayMs) * dayMs;
  const buckets: OutcomeBucket[] = [];
  for (let start = first; start <= until; start += size) {
    buckets.push({ start: new Date(start).toISOString().slice(0, 10), succeeded: 0, failed: 0, outOfSync: 0 });
  }
  for (const e of events) {
    const bucket = buckets[Math.floor((Date.parse(e.time) - first) / size)];
    if (!bucket) continue;
    if (e.type === 'rotation.succeeded') bucket.succeeded += 1;
    else if (e.type === 'rotation.failed') bucket.failed += 1;
    else if (e.type === 'rotation.out_of_sync') bucket.outOfSync += 1;
  }
  return { bucketDays, buckets };
}
