/** The event types rotor announces, as CloudEvents `type` values without the `io.rotor.` prefix. */
export const cloudEventTypes = [
  'rotation.succeeded',
  'rotation.failed',
  'rotation.recovered',
  'target.out_of_sync',
  'target.reconciled',
  'target.drifted',
] as const;

export type RotorEventType = (typeof cloudEventTypes)[number];

/** The CloudEvents `type` prefix (reverse-DNS, as the spec recommends). */
export const typePrefix = 'io.rotor.';

/**
 * Audit event type → announced type. The append script (src/audit/appendScript.ts) uses the same
 * mapping (final failures only) to decide what goes into the outbox.
 */
export const announcedAuditTypes: Record<string, RotorEventType> = {
  'rotation.succeeded': 'rotation.succeeded',
  'rotation.failed': 'rotation.failed',
  'rotation.recovered': 'rotation.recovered',
  'rotation.out_of_sync': 'target.out_of_sync',
  'rotation.reconciled': 'target.reconciled',
  // Only drifted heartbeats reach the outbox (audit/appendScript.ts).
  'heartbeat.checked': 'target.drifted',
};

/** What `data` of every rotor CloudEvent holds: ids, versions and codes, never a secret. */
export interface RotorEventData {
  targetId: string;
  kind?: string;
  secretPath?: string;
  /** KV version of the secret holding the live password (succeeded, recovered, reconciled). */
  version?: number;
  rotationId?: string;
  outcome?: string;
  errorCode?: string;
  attempt?: number;
  /** The audit event this announces (its place in the hash chain). */
  auditSeq: number;
}

/** Where one subscriber stands with one event. */
export interface DeliveryState {
  subscriber: string;
  eventId: string;
  type: string;
  rotationId?: string;
  state: 'pending' | 'delivered' | 'dead';
  tries: number;
  deliveredAt?: string;
  lastError?: string;
  updatedAt: string;
}
