import { CloudEvent, HTTP } from 'cloudevents';
import type { ChainedAuditEvent } from '../audit/types.js';
import type { TargetConfig } from '../config/schema.js';
import { announcedAuditTypes, typePrefix, type RotorEventData, type RotorEventType } from './types.js';

/** One outbox entry made ready to send: the CloudEvent and what selectors look at. */
export interface OutgoingEvent {
  /** The outbox stream id. */
  entryId: string;
  type: RotorEventType;
  cloudEvent: CloudEvent<RotorEventData>;
  /** The structured-mode JSON body, the same bytes for every subscriber and every try. */
  body: string;
  /** `application/cloudevents+json; charset=utf-8`: CloudEvents HTTP binding, structured mode. */
  contentType: string;
  data: RotorEventData;
}

/**
 * The CloudEvent announcing one audited outcome. Its `id` is the audit event's chain hash: the same
 * on every try and every subscriber, so a receiver drops duplicates by id. Only ids, versions and
 * codes go in — the audit event never held a secret, and the target config adds its path and kind.
 */
export function toCloudEvent(
  entryId: string,
  record: ChainedAuditEvent,
  target: TargetConfig | undefined,
  source: string,
): OutgoingEvent | undefined {
  const type = announcedAuditTypes[record.type];
  if (!type || !record.targetId) return undefined;
  const version = record.detail?.version;
  const data: RotorEventData = {
    targetId: record.targetId,
    kind: record.kind ?? target?.kind,
    secretPath: target?.secretPath,
    version: typeof version === 'number' ? version : undefined,
    rotationId: record.rotationId,
    outcome: record.outcome,
    errorCode: record.errorCode,
    attempt: record.attempt,
    auditSeq: record.seq,
  };
  for (const key of Object.keys(data) as Array<keyof RotorEventData>) if (data[key] === undefined) delete data[key];
  const cloudEvent = new CloudEvent<RotorEventData>({
    specversion: '1.0',
    id: record.hash,
    source,
    type: `${typePrefix}${type}`,
    subject: record.targetId,
    time: record.time,
    datacontenttype: 'application/json',
    data,
  });
  const message = HTTP.structured(cloudEvent);
  const contentType = String(message.headers['content-type'] ?? 'application/cloudevents+json; charset=utf-8');
  return { entryId, type, cloudEvent, body: String(message.body), contentType, data };
}

/** Reads an outbox entry's record; undefined when it is not one rotor wrote. */
export function parseRecord(fields: string[]): ChainedAuditEvent | undefined {
  const text = fields[fields.indexOf('e') + 1];
  if (fields.indexOf('e') < 0 || typeof text !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object') return undefined;
    const r = value as Partial<ChainedAuditEvent>;
    return typeof r.type === 'string' && typeof r.hash === 'string' && typeof r.seq === 'number'
      ? (r as ChainedAuditEvent)
      : undefined;
  } catch {
    return undefined;
  }
}
