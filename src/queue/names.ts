/** Queue names below the configured prefix. */
export const rotateQueueName = 'rotate';

/** One BullMQ job id per target and request kind, so a second request joins the first (dedupe). */
export function rotationJobId(targetId: string): string {
  return `rotate.${targetId}`;
}
