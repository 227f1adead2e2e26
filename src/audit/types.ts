/**
 * An audit event: what happened, to which target, on whose behalf. Never a secret — only ids,
 * steps, outcomes and error codes (`assertNoSecret` refuses the rest before anything is written).
 */
export type AuditEventType =
  | 'rotation.requested'
  | 'rotation.started'
  | 'rotation.step'
  | 'rotation.succeeded'
  /** `outcome`: `retry_scheduled` (another attempt will follow) or `failed` (final). */
  | 'rotation.failed'
  | 'rotation.recovered'
  | 'rotation.out_of_sync'
  | 'rotation.reconciled'
  | 'job.rejected'
  | 'schedule.changed'
  | 'config.loaded'
  /**
   * A heartbeat logged in with the password Vault holds: `outcome` `ok`, or `drifted` when it no longer
   * works (changed outside rotor). The report knows it (status `drifted`, history, last verified);
   * written by rotation/heartbeat.ts.
   */
  | 'heartbeat.checked';

export interface AuditEvent {
  type: AuditEventType;
  time: string;
  /** Who caused it: `scheduler`, `cli:<user>`, `api:<caller>`, `worker`. */
  actor: string;
  targetId?: string;
  kind?: string;
  rotationId?: string;
  jobId?: string;
  attempt?: number;
  step?: string;
  outcome?: string;
  errorCode?: string;
  durationMs?: number;
  /** Free-form, secret-free facts (e.g. `verified: false, reason: "no verify API"`). */
  detail?: Record<string, string | number | boolean>;
}

export interface AuditSink {
  /**
   * Appends in call order. `time` is when it happened, when that was earlier than the append (a
   * rotation's steps are written together); the sink's clock otherwise.
   */
  append(event: Omit<AuditEvent, 'time'> & { time?: string }): Promise<void>;
}

/**
 * An event as stored in the hash chain. `hash` = sha256 (hex) of the canonical JSON of every other
 * field, `prevHash` included, so changing, removing or moving any event breaks every later link.
 */
export interface ChainedAuditEvent extends AuditEvent {
  /** 1, 2, 3, ... without gaps across the whole log (trimmed events included). */
  seq: number;
  /** `hash` of the event with `seq - 1`; 64 zeros for seq 1. */
  prevHash: string;
  hash: string;
}

/** Where a verifiable stretch of the chain starts: the last event before it (seq 0 = the beginning). */
export interface ChainAnchor {
  seq: number;
  hash: string;
}
