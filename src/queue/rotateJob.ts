import type { Job } from 'bullmq';
import { z } from 'zod';
import type { DryRunReport } from '../rotation/dryRun.js';
import type { HeartbeatOutcome } from '../rotation/heartbeat.js';
import type { RotationOutcome } from '../rotation/rotationContext.js';
import type { RotateJobData } from '../types/job.js';

export type { RotateJobData } from '../types/job.js';

/** The only payload rotor enqueues. Anything else was not put there by rotor and is refused. */
export const rotateJobSchema = z
  .object({
    targetId: z.string().min(1).max(128),
    reason: z.string().max(200).optional(),
    requestedBy: z.string().max(200).optional(),
    /** Authenticate, generate, validate, check Vault access — change nothing. */
    dryRun: z.boolean().optional(),
    /** A mass rotation's id (`rotor rotate --all`), to resume it after a crash. */
    runId: z.string().max(100).optional(),
  })
  .strict() satisfies z.ZodType<RotateJobData>;

export type RotateJobResult = RotationOutcome | DryRunReport;

/** A BullMQ processor of the `rotate` queue (`jobs/rotate.ts`); the worker factory is handed one. */
export type RotateProcessor = (job: Job<unknown>, token?: string) => Promise<RotateJobResult | HeartbeatOutcome>;
