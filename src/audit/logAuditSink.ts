import type { Logger } from '../observability/logger.js';
import type { AuditEvent, AuditSink } from './types.js';

/** Writes each audit event as one log line (`audit: true`). The durable, hash-chained sink replaces it. */
export function makeLogAuditSink(logger: Logger): AuditSink & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return {
    events,
    async append(event) {
      const full: AuditEvent = { ...event, time: event.time ?? new Date().toISOString() };
      events.push(full);
      if (events.length > 1000) events.shift();
      logger.info({ audit: full }, `audit ${full.type}${full.targetId ? ` ${full.targetId}` : ''}`);
    },
  };
}
