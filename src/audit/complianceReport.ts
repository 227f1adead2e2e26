import { ageDistributions, bucketOutcomes, bucketStarts } from './reportDistributions.js';
import { targetHistory } from './reportHistory.js';
import {
  complianceStatuses,
  reportFormatId,
  type ChainEvidence,
  type ComplianceReport,
  type ComplianceStatus,
  type ControlEvidence,
  type ExceptionStatus,
  type PolicyEvidence,
  type ReportException,
  type ReportTarget,
  type TargetCompliance,
} from './reportModel.js';
import { makeTargetTimeline, type LastRotation, type VaultView } from './targetTimeline.js';
import type { AuditEvent } from './types.js';

export { complianceStatuses } from './reportModel.js';
export type { ComplianceReport, ComplianceStatus, ReportTarget, TargetCompliance } from './reportModel.js';
export type { LastRotation } from './targetTimeline.js';

/**
 * The compliance report: per target, was its password rotated within its maximum age, what failed,
 * who asked for what; then the exceptions, the distributions and the evidence. A pure function of its
 * inputs, so the figures can be checked against a known history.
 */
export interface ComplianceInput {
  targets: readonly ReportTarget[];
  /** Effective policies, keyed as `ReportTarget.policy`. */
  policies?: Readonly<Record<string, PolicyEvidence>>;
  /** Every event available up to `until`, not only the period's: status depends on what happened before. */
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
  generator?: ComplianceReport['generator'];
  chain?: ChainEvidence;
  controls?: readonly ControlEvidence[];
  /** Report this one target, with its whole history in the period. */
  targetId?: string;
}

/** History shown for the exceptions: enough to see what went wrong, bounded at any scale. */
export const historyLimits = { targets: 200, entriesPerTarget: 20, forOneTarget: 10_000 };

const notChecked: ChainEvidence = { checked: false, anchors: { status: 'not-checked', checked: 0, problems: [] } };

export function buildComplianceReport(input: ComplianceInput): ComplianceReport {
  const since = input.since.getTime();
  const until = input.until.getTime();
  const now = input.now.getTime();
  const scoped = input.targetId === undefined ? undefined : input.targets.filter((t) => t.id === input.targetId);
  if (scoped && scoped.length === 0) throw new RangeError(`no target with id "${input.targetId}" in the config`);
  const targets = scoped ?? input.targets;

  const byTarget = groupByTarget(input.events);
  const { bucketDays, starts } = bucketStarts(since, until);
  const pointTimes = starts.map((s) => Math.min(s + bucketDays * 86_400_000, until));
  const compliantAt = pointTimes.map(() => 0);
  const periodEvents = new Map<string, AuditEvent[]>();

  const assessed = targets.map((target) => {
    const events = byTarget.get(target.id) ?? [];
    const inPeriod = events.filter((e) => inRange(e, since, until));
    periodEvents.set(target.id, inPeriod);
    const vault: VaultView = input.lastRotation.has(target.id)
      ? { asked: true, last: input.lastRotation.get(target.id) }
      : { asked: false };
    const timeline = makeTargetTimeline(events);
    pointTimes.forEach((t, i) => {
      timeline.advanceTo(t);
      if (timeline.stateAt(t, target.maxAge, vault).status === 'compliant') compliantAt[i] = (compliantAt[i] ?? 0) + 1;
    });
    timeline.advanceTo(Number.POSITIVE_INFINITY);
    const state = timeline.stateAt(now, target.maxAge, vault);
    const result: TargetCompliance = {
      targetId: target.id,
      kind: target.kind,
      tags: [...(target.tags ?? [])],
      status: state.status,
      statusSince: state.statusSince,
      lastSuccess: state.lastSuccess ? new Date(state.lastSuccess.time).toISOString() : undefined,
      version: state.lastSuccess?.version,
      ageMs: state.ageMs,
      maxAgeMs: target.maxAge,
      policy: target.policy,
      schedule: target.schedule,
      rotations: inPeriod.filter((e) => e.type === 'rotation.succeeded').length,
      failures: inPeriod.filter((e) => e.type === 'rotation.failed').length,
      lastFailure: state.lastFailure && {
        time: state.lastFailure.time,
        outcome: state.lastFailure.outcome,
        errorCode: state.lastFailure.errorCode,
      },
      lastVerified: state.lastVerified,
      outOfSyncSince: state.outOfSyncSince,
      lastHeartbeat: state.lastHeartbeat && {
        time: state.lastHeartbeat.time,
        outcome: state.lastHeartbeat.outcome ?? 'unknown',
      },
      oldKeyInUseSince: state.oldKeyInUseSince,
      onDemandRequests: inPeriod
        .filter((e) => e.type === 'rotation.requested' && e.actor !== 'scheduler')
        .map((e) => {
          const reason = e.detail?.reason;
          return { time: e.time, actor: e.actor, reason: typeof reason === 'string' ? reason : undefined };
        }),
    };
    return result;
  });

  const byStatus = Object.fromEntries(complianceStatuses.map((s) => [s, 0])) as Record<ComplianceStatus, number>;
  for (const t of assessed) byStatus[t.status] += 1;
  const exceptions = exceptionsOf(assessed);
  const historyFor = scoped
    ? assessed.map((t) => targetHistory(t.targetId, periodEvents.get(t.targetId) ?? [], historyLimits.forOneTarget))
    : exceptions
        .slice(0, historyLimits.targets)
        .map((x) => targetHistory(x.targetId, periodEvents.get(x.targetId) ?? [], historyLimits.entriesPerTarget));
  const usedPolicies = new Set(assessed.map((t) => t.policy).filter((p): p is string => p !== undefined));

  return {
    format: reportFormatId,
    generatedAt: input.now.toISOString(),
    period: { since: input.since.toISOString(), until: input.until.toISOString() },
    generator: input.generator ?? { rotorVersion: 'unknown' },
    ...(scoped ? { scope: { targetId: input.targetId as string } } : {}),
    summary: {
      targets: assessed.length,
      compliant: byStatus.compliant,
      shareCompliant: assessed.length === 0 ? 1 : byStatus.compliant / assessed.length,
      byStatus,
    },
    exceptions,
    distributions: {
      ...ageDistributions(assessed),
      complianceOverTime: {
        bucketDays,
        points: pointTimes.map((t, i) => ({
          time: new Date(t).toISOString(),
          targets: assessed.length,
          compliant: compliantAt[i] as number,
          share: assessed.length === 0 ? 1 : (compliantAt[i] as number) / assessed.length,
        })),
      },
      outcomes: bucketOutcomes(
        scoped ? [...periodEvents.values()].flat() : input.events.filter((e) => inRange(e, since, until)),
        since,
        until,
      ),
    },
    targets: assessed,
    policies: Object.fromEntries(Object.entries(input.policies ?? {}).filter(([key]) => usedPolicies.has(key))),
    history: { scope: scoped ? 'target' : 'exceptions', targets: historyFor },
    evidence: { chain: input.chain ?? notChecked, controls: [...(input.controls ?? [])] },
  };
}

function inRange(e: AuditEvent, since: number, until: number): boolean {
  const t = Date.parse(e.time);
  return t >= since && t <= until;
}

/** Most severe first; within a status, the longest-standing first. */
function exceptionsOf(targets: readonly TargetCompliance[]): ReportException[] {
  const rank = (s: ComplianceStatus) => complianceStatuses.indexOf(s);
  return targets
    .filter((t) => t.status !== 'compliant')
    .map((t) => ({
      targetId: t.targetId,
      kind: t.kind,
      status: t.status as ExceptionStatus,
      since: t.statusSince,
      errorCode: errorCodeOf(t),
      ageMs: t.ageMs,
      maxAgeMs: t.maxAgeMs,
    }))
    .sort(
      (a, b) =>
        rank(a.status) - rank(b.status) ||
        (a.since ?? '\uffff').localeCompare(b.since ?? '\uffff') ||
        (a.targetId < b.targetId ? -1 : 1),
    );
}

function errorCodeOf(t: TargetCompliance): string | undefined {
  if (t.status === 'out-of-sync') return 'OutOfSync';
  if (t.status === 'failing') return t.lastFailure?.errorCode;
  return undefined;
}

/** Events per target, oldest first (writers' clocks differ slightly, so chain order is not time order). */
function groupByTarget(events: readonly AuditEvent[]): Map<string, AuditEvent[]> {
  const timed = events.map((e, i) => ({ e, t: Date.parse(e.time), i }));
  // Equal times keep chain order: the events of one rotation can share a millisecond.
  timed.sort((a, b) => a.t - b.t || a.i - b.i);
  const out = new Map<string, AuditEvent[]>();
  for (const { e } of timed) {
    if (e.targetId === undefined) continue;
    const list = out.get(e.targetId) ?? [];
    list.push(e);
    out.set(e.targetId, list);
  }
  return out;
}
