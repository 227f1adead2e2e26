import { z } from 'zod';

/**
 * Why a rotation job sits delayed and until when: written by the processor into the job's progress
 * when it parks the job (a cooldown, a throttle, another rotation of the target holding its lock),
 * read by whoever waits for the job (`rotor rotate --wait`). Error codes and rotor's own error
 * messages only — they never carry a secret.
 */
export interface WaitingReason {
  /** The rotor error code that parked the job: CooldownActive, Throttled, TargetBusy. */
  code: string;
  /** When the job runs again (ms since the epoch). */
  until: number;
  message: string;
}

const waitingSchema = z.object({
  waiting: z.object({ code: z.string().max(64), until: z.number().finite(), message: z.string().max(500) }),
});

/** The job progress value that records `reason`. */
export function waitingProgress(reason: WaitingReason): { waiting: WaitingReason } {
  return { waiting: { code: reason.code, until: Math.round(reason.until), message: reason.message.slice(0, 500) } };
}

/**
 * The reason a job's progress records, if it still applies at `now`: a reason whose time has passed
 * belongs to an earlier park (the job has run since), not to the current wait.
 */
export function readWaitingReason(progress: unknown, now: number): WaitingReason | undefined {
  const parsed = waitingSchema.safeParse(progress);
  if (!parsed.success || parsed.data.waiting.until <= now) return undefined;
  return parsed.data.waiting;
}
