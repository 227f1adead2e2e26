/** Queue names below the configured prefix. */
export const rotateQueueName = 'rotate';

/** One BullMQ job id per target and request kind, so a second request joins the first (dedupe). */
export function rotationJobId(targetId: string): string {
  return `rotate.${targetId}`;
}

/**
 * Options every rotation job gets, wherever it is enqueued (CLI, scheduler, sweep, API): the
 * `rotor` backoff type waits the delay the processor decided for the failed attempt (queue/retryDelay.ts).
 */
export const rotationJobOptions = {
  attempts: 8,
  backoff: { type: 'rotor' },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
} as const;
