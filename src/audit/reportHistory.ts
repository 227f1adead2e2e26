import type { HistoryEntry, HistoryKind, TargetHistory } from './reportModel.js';
import type { AuditEvent, AuditEventType } from './types.js';

/**
 * A target's history as an auditor reads it: requests, rotations, failures, recoveries, out-of-sync,
 * reconciles and heartbeats. Steps and job starts are left out: they explain a rotation, they are not
 * part of the password's life.
 */
const kinds: Partial<Record<AuditEventType, HistoryKind>> = {
  'rotation.requested': 'request',
  'rotation.succeeded': 'rotation',
  'rotation.failed': 'failure',
  'rotation.recovered': 'recovery',
  'rotation.out_of_sync': 'out-of-sync',
  'rotation.reconciled': 'reconcile',
  'heartbeat.checked': 'heartbeat',
};

export function historyEntry(e: AuditEvent): HistoryEntry | undefined {
  const kind = kinds[e.type];
  if (!kind) return undefined;
  const version = e.detail?.version;
  const verified = e.detail?.verified;
  const reason = e.detail?.reason;
  return {
    time: e.time,
    kind,
    actor: e.actor,
    ...(e.outcome !== undefined ? { outcome: e.outcome } : {}),
    ...(e.errorCode !== undefined ? { errorCode: e.errorCode } : {}),
    ...(typeof version === 'number' ? { version } : {}),
    ...(typeof verified === 'boolean' ? { verified } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
  };
}

/** The newest `limit` entries of the period's events (oldest first in `events`), newest first. */
export function targetHistory(targetId: string, periodEvents: readonly AuditEvent[], limit: number): TargetHistory {
  const entries: HistoryEntry[] = [];
  for (const e of periodEvents) {
    const entry = historyEntry(e);
    if (entry) entries.push(entry);
  }
  entries.reverse();
  return { targetId, entries: entries.slice(0, limit), leftOut: Math.max(0, entries.length - limit) };
}
