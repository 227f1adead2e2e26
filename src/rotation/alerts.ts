import { got } from 'got';
import type { Logger } from '../observability/logger.js';

/** What an alert says. Ids, codes and a secret-free message — nothing else ever leaves. */
export interface Alert {
  event: 'rotation.failed' | 'rotation.out_of_sync' | 'heartbeat.drifted';
  targetId: string;
  kind: string;
  rotationId?: string;
  jobId?: string;
  errorCode: string;
  message: string;
  time: string;
}

export interface AlertSettings {
  url: string;
  /** @defaultValue 5000 */
  timeoutMs?: number;
  /** @defaultValue 3 */
  retries?: number;
  /** Extra headers (e.g. an Authorization taken from the environment by the config). */
  headers?: Record<string, string>;
}

export type Alerter = (alert: Omit<Alert, 'time'>) => Promise<void>;

/**
 * Posts each alert as JSON to a webhook, retrying on network errors and 5xx. An alert that cannot
 * be delivered is logged, never thrown: failing to alert must not fail the rotation's bookkeeping.
 */
export function makeWebhookAlerter(settings: AlertSettings | undefined, logger: Logger): Alerter {
  return async (alert) => {
    const body: Alert = { ...alert, time: new Date().toISOString() };
    logger.warn({ alert: body }, `alert ${body.event} ${body.targetId}`);
    if (!settings) return;
    try {
      await got.post(settings.url, {
        json: body,
        headers: settings.headers,
        timeout: { request: settings.timeoutMs ?? 5_000 },
        retry: { limit: settings.retries ?? 3, methods: ['POST'], statusCodes: [408, 429, 500, 502, 503, 504] },
      });
    } catch (err) {
      logger.error({ err, targetId: alert.targetId }, 'alert webhook could not be delivered');
    }
  };
}
