import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Rotor } from '../src/app/makeRotor.js';
import { BadJob } from '../src/rotation/errors.js';
import { rotateTarget, type RotationOutcome } from '../src/rotation/rotateTarget.js';

/** The only payload rotor enqueues. Anything else was not put there by rotor and is refused. */
export const rotateJobSchema = z
  .object({
    targetId: z.string().min(1).max(128),
    reason: z.string().max(200).optional(),
    requestedBy: z.string().max(200).optional(),
  })
  .strict();

export type RotateJobData = z.infer<typeof rotateJobSchema>;

/** The BullMQ processor for the `rotate` queue: validates the payload, then runs one rotation. */
export function makeRotateProcessor(rotor: Rotor) {
  return async function rotate(job: Job<unknown>): Promise<RotationOutcome> {
    const parsed = rotateJobSchema.safeParse(job.data);
    const target = parsed.success ? rotor.target(parsed.data.targetId) : undefined;
    if (!parsed.success || !target) {
      // Field names only: a bad payload may itself hold something secret.
      const why = !parsed.success
        ? parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.code}`).join('; ')
        : `unknown target "${parsed.data.targetId}"`;
      await rotor.audit.append({
        type: 'job.rejected',
        actor: 'worker',
        jobId: job.id,
        errorCode: 'BadJob',
        detail: { why },
      });
      throw new UnrecoverableError(new BadJob(`job ${job.id}: not a rotor rotation job (${why})`).message);
    }
    return rotateTarget(rotor.rotationDeps(target), {
      jobId: job.id,
      attempt: job.attemptsMade + 1,
      actor: parsed.data.requestedBy ?? 'scheduler',
    });
  };
}
