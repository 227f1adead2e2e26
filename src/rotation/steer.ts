import { isRotorError } from './errors.js';

/**
 * What the queue should do with a rotation that threw. The error itself carries the decision
 * (as Temporal's failures do): the job processor only carries it out.
 * - retry: count an attempt and try again after `delayMs` (BullMQ backoff).
 * - park:  move the job to delayed until `delayMs` from now without counting an attempt
 *          (a cooldown, a throttle, a busy lock: nothing failed).
 * - stop:  never retry (BullMQ UnrecoverableError); alert when `alert`.
 */
export type Steering =
  { action: 'retry'; delayMs: number } | { action: 'park'; delayMs: number } | { action: 'stop'; alert: boolean };

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

export function steer(err: unknown, attempt: number, settings: BackoffSettings = defaultBackoff): Steering {
  if (err instanceof Error && err.name === 'LockLost')
    return { action: 'retry', delayMs: backoffDelay(attempt, settings) };
  if (!isRotorError(err)) return { action: 'retry', delayMs: backoffDelay(attempt, settings) };
  switch (err.code) {
    case 'TargetUnchanged':
    case 'Unavailable':
    case 'Conflict':
      return { action: 'retry', delayMs: backoffDelay(attempt, settings) };
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
      // Alerted once where it was found (rotation/outOfSync.ts); later attempts stop quietly.
      return { action: 'stop', alert: false };
    case 'BadJob':
    case 'NotFound':
      return { action: 'stop', alert: false };
  }
}
