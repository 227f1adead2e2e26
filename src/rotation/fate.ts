import { isRotorError, type RotorErrorCode } from '../errors/index.js';

/**
 * What becomes of a rotation attempt that threw. The error carries the decision (as Temporal's
 * failures do); `decideFate` is the one place that reads it, once per failure, and the job
 * processor only carries the result out:
 * - retry:       count an attempt and try again after `delayMs` (the delay audited is the delay used);
 * - park:        wait `delayMs` without counting an attempt (cooldown, throttle, busy lock: nothing failed);
 * - fail:        stop for good, alerting when `alert` (`unrecoverable`: retrying cannot help; otherwise
 *                the attempts are used up);
 * - out-of-sync: stop quietly; it was recorded and alerted where it was found (rotation/outOfSync.ts).
 */
export type Fate =
  | { action: 'retry'; delayMs: number }
  | { action: 'park'; delayMs: number }
  | { action: 'fail'; alert: boolean; unrecoverable: boolean }
  | { action: 'out-of-sync' };

export interface BackoffSettings {
  /** First retry delay; doubles per attempt. @defaultValue 2000 */
  baseMs: number;
  /** Longest retry delay. @defaultValue 300000 */
  maxMs: number;
}

export const defaultBackoff: BackoffSettings = { baseMs: 2_000, maxMs: 300_000 };

/** Exponential backoff with "equal jitter": half fixed, half random, so retries of many targets spread out. */
export function backoffDelay(
  attempt: number,
  settings: BackoffSettings = defaultBackoff,
  random = Math.random,
): number {
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The code a failure is known by in logs, audit and metrics. */
export function failureCode(err: unknown): string {
  return isRotorError(err) ? err.code : err instanceof Error ? err.name : 'Error';
}

type Steering =
  | { action: 'retry'; delayMs: number }
  | { action: 'park'; delayMs: number }
  | { action: 'stop'; alert: boolean }
  | { action: 'out-of-sync' };

function steeringOf(err: unknown, attempt: number, settings: BackoffSettings): Steering {
  const retry = { action: 'retry', delayMs: backoffDelay(attempt, settings) } as const;
  if (!isRotorError(err)) return retry; // LockLost and anything unforeseen: safe to try again
  const code: RotorErrorCode = err.code;
  switch (code) {
    case 'TargetUnchanged':
    case 'Unavailable':
    case 'Conflict':
      return retry;
    case 'OutcomeUnknown':
      // Recovery probes on the next attempt; a short pause lets a half-applied change settle.
      return { action: 'retry', delayMs: Math.min(settings.baseMs, 1_000) };
    case 'TargetBusy':
      return { action: 'park', delayMs: 1_000 + Math.round(Math.random() * 2_000) };
    case 'Throttled':
    case 'CooldownActive':
      return { action: 'park', delayMs: Math.max(err.details.retryAfterMs ?? settings.baseMs, 100) };
    case 'AuthFailed':
    case 'Misconfigured':
    case 'PermissionDenied':
    case 'PolicyRejected':
      return { action: 'stop', alert: true };
    case 'OutOfSync':
      return { action: 'out-of-sync' };
    case 'BadJob':
    case 'NotFound':
      return { action: 'stop', alert: false };
  }
}

/**
 * The fate of attempt `attempt` (1-based) of `attempts`. Random jitter is drawn here and only here:
 * the caller audits the delay and hands that same value to the queue.
 */
export function decideFate(
  err: unknown,
  attempt: number,
  attempts: number,
  settings: BackoffSettings = defaultBackoff,
): Fate {
  const steering = steeringOf(err, attempt, settings);
  switch (steering.action) {
    case 'park':
    case 'out-of-sync':
      return steering;
    case 'stop':
      return { action: 'fail', alert: steering.alert, unrecoverable: true };
    case 'retry':
      // The last attempt failed: the attempts are used up, which is always worth an alert.
      return attempt >= attempts ? { action: 'fail', alert: true, unrecoverable: false } : steering;
  }
}
