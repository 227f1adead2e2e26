import type { ComplianceStatus } from './reportModel.js';
import type { AuditEvent } from './types.js';

/** What Vault's custom_metadata says about the current password. */
export interface LastRotation {
  rotatedAt: Date;
  version: number;
}

/** Vault's answer for one target: not asked (`asked: false`), no rotor stamp, or the stamp. */
export type VaultView = { asked: false } | { asked: true; last: LastRotation | undefined };

export interface TargetState {
  status: ComplianceStatus;
  statusSince?: string;
  lastSuccess?: { time: number; version?: number };
  ageMs?: number;
  lastFailure?: AuditEvent;
  lastVerified?: string;
  outOfSyncSince?: string;
  lastHeartbeat?: AuditEvent;
}

export interface TargetTimeline {
  /** Applies every event up to and including `time` (ms); call with growing times. */
  advanceTo(time: number): void;
  /** The target's status at `at` (ms), from the events applied so far and Vault's view. */
  stateAt(at: number, maxAge: number | undefined, vault: VaultView): TargetState;
}

/**
 * One target's events replayed in time order, so the same rules give both the status now and the
 * status at any earlier moment (the compliance-over-time figure). `events` must be sorted by time.
 */
export function makeTargetTimeline(events: readonly AuditEvent[]): TargetTimeline {
  let next = 0;
  let lastSucceeded: AuditEvent | undefined;
  let firstFailure: AuditEvent | undefined;
  let lastFailure: AuditEvent | undefined;
  let outOfSyncSince: string | undefined;
  let driftSince: string | undefined;
  let lastVerified: string | undefined;
  let lastHeartbeat: AuditEvent | undefined;

  function apply(e: AuditEvent): void {
    switch (e.type) {
      case 'rotation.succeeded':
        lastSucceeded = e;
        firstFailure = undefined;
        outOfSyncSince = undefined;
        driftSince = undefined;
        if (e.detail?.verified === true) lastVerified = e.time;
        break;
      case 'rotation.step':
        if (e.step === 'verify' && e.detail?.verified === true) lastVerified = e.time;
        break;
      case 'rotation.failed':
        lastFailure = e;
        firstFailure ??= e;
        break;
      case 'rotation.out_of_sync':
        outOfSyncSince ??= e.time;
        break;
      case 'rotation.reconciled':
        outOfSyncSince = undefined;
        driftSince = undefined;
        break;
      case 'heartbeat.checked':
        lastHeartbeat = e;
        if (e.outcome === 'drifted') driftSince ??= e.time;
        else if (e.outcome === 'ok') {
          driftSince = undefined;
          lastVerified = e.time;
        }
        break;
      default:
        break;
    }
  }

  return {
    advanceTo(time) {
      while (next < events.length && Date.parse((events[next] as AuditEvent).time) <= time) {
        apply(events[next] as AuditEvent);
        next += 1;
      }
    },

    stateAt(at, maxAge, vault) {
      const fromEvents = lastSucceeded && {
        time: Date.parse(lastSucceeded.time),
        version: typeof lastSucceeded.detail?.version === 'number' ? lastSucceeded.detail.version : undefined,
      };
      // Vault's stamp is what consumers read, so it wins from the moment it was written; before that
      // moment (an earlier point of the period) the audit events are all there is.
      let lastSuccess = fromEvents;
      if (vault.asked) {
        const stamp = vault.last;
        if (!stamp) lastSuccess = undefined;
        else if (stamp.rotatedAt.getTime() <= at)
          lastSuccess = { time: stamp.rotatedAt.getTime(), version: stamp.version };
      }
      const ageMs = lastSuccess ? Math.max(0, at - lastSuccess.time) : undefined;
      const base = { lastSuccess, ageMs, lastFailure, lastVerified, outOfSyncSince, lastHeartbeat };
      if (outOfSyncSince) return { ...base, status: 'out-of-sync', statusSince: outOfSyncSince };
      if (driftSince) return { ...base, status: 'drifted', statusSince: driftSince };
      if (!lastSuccess) return { ...base, status: 'never-rotated' };
      if (maxAge !== undefined && (ageMs as number) > maxAge) {
        return { ...base, status: 'overdue', statusSince: new Date(lastSuccess.time + maxAge).toISOString() };
      }
      if (firstFailure) return { ...base, status: 'failing', statusSince: firstFailure.time };
      return { ...base, status: 'compliant' };
    },
  };
}
