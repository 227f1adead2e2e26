/**
 * The retry delay decided for a failed attempt, handed from the processor to the worker's backoff
 * strategy. The processor decides once (rotation/fate.ts), audits that delay, and records it here on
 * the error it throws; BullMQ passes that same error object to the backoff strategy, which only reads
 * it back. So the delay in the audit is the delay BullMQ waits, jitter included.
 */
const decided = new WeakMap<object, number>();

export function recordRetryDelay(err: object, delayMs: number): void {
  decided.set(err, delayMs);
}

export function decidedRetryDelay(err: unknown): number | undefined {
  return err !== null && typeof err === 'object' ? decided.get(err) : undefined;
}

/**
 * The worker's `rotor` backoff strategy (queue/names.ts): the delay the processor decided for this
 * very error. An error without one did not come through the processor's decision (its bookkeeping
 * failed first): it is tried again after a short fixed pause.
 */
export function rotationBackoffStrategy(_attemptsMade: number, _type?: string, err?: Error): number {
  return decidedRetryDelay(err) ?? undecidedRetryDelayMs;
}

export const undecidedRetryDelayMs = 2_000;
