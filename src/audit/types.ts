/**
 * An audit event: what happened, to which target, on whose behalf. Never a secret — only ids,
 * steps, outcomes and error codes.
 */
export type AuditEventType =
  | 'rotation.requested'
  | 'rotation.started'
  | 'rotation.step'
  | 'rotation.succeeded'
  | 'rotation.failed'
  | 'rotation.recovered'
  | 'rotation.out_of_sync'
  | 'rotation.reconciled'
  | 'job.rejected'
  | 'schedule.changed'
  | 'config.loaded';

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
  append(event: Omit<AuditEvent, 'time'>): Promise<void>;
}
