import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Rotor } from '../src/app/makeRotor.js';
import { assertNoSecret } from '../src/audit/secretGuard.js';
import { BadJob, isRotorError } from '../src/rotation/errors.js';
import { dryRunTarget, type DryRunReport } from '../src/rotation/dryRun.js';
import { rotateTarget, type RotationOutcome } from '../src/rotation/rotateTarget.js';
import { steer } from '../src/rotation/steer.js';
import { waitingProgress } from '../src/queue/waitingReason.js';

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
  .strict();

export type RotateJobData = z.infer<typeof rotateJobSchema>;
export type RotateJobResult = RotationOutcome | DryRunReport;

/** A payload value shaped like a credential (rotor never enqueues one): names the field, not the value. */
function secretProblem(data: RotateJobData): string | undefined {
  try {
    assertNoSecret(data, 'payload');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^audit: refused /, '') : 'a value looks like a secret';
  }
}

/**
 * The BullMQ processor for the `rotate` queue. It validates the payload, runs one rotation, and
 * carries out what the error says (rotation/steer.ts): retry with backoff, park without counting an
 * attempt (cooldown, throttle, busy target), or stop for good and alert.
 */
export function makeRotateProcessor(rotor: Rotor) {
  return async function rotate(job: Job<unknown>, token?: string): Promise<RotateJobResult> {
    const parsed = rotateJobSchema.safeParse(job.data);
    const target = parsed.success ? rotor.target(parsed.data.targetId) : undefined;
    const secretLike = parsed.success ? secretProblem(parsed.data) : undefined;
    if (!parsed.success || !target || secretLike) {
      // Field names and codes only: a bad payload may itself hold something secret.
      const why = !parsed.success
        ? parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.code}`).join('; ')
        : (secretLike ?? `unknown target "${parsed.data.targetId}"`);
      await rotor.audit.append({
        type: 'job.rejected',
        actor: 'worker',
        jobId: job.id,
        errorCode: 'BadJob',
        detail: { why },
      });
      throw new UnrecoverableError(new BadJob(`job ${job.id}: not a rotor rotation job (${why})`).message);
    }
    const data = parsed.data;
    const deps = rotor.rotationDeps(target);
    if (data.dryRun) return dryRunTarget(deps);

    const attempt = job.attemptsMade + 1;
    const started = Date.now();
    try {
      const outcome = await rotateTarget(deps, {
        actor: data.requestedBy ?? 'scheduler',
        jobId: job.id,
        attempt,
        reason: data.reason,
      });
      rotor.metrics?.countRotation(target.kind, 'succeeded');
      rotor.metrics?.observeStep(target.kind, 'total', (Date.now() - started) / 1000);
      return outcome;
    } catch (err) {
      const steering = steer(err, attempt);
      const code = isRotorError(err) ? err.code : err instanceof Error ? err.name : 'Error';
      const message = err instanceof Error ? err.message : String(err);
      if (steering.action === 'park') {
        const until = Date.now() + steering.delayMs;
        // Why it waits and until when, for whoever waits on the job (`rotor rotate --wait`); a failure
        // to record it must not stop the park.
        await job.updateProgress(waitingProgress({ code, until, message })).catch(() => undefined);
        await job.moveToDelayed(until, token);
        throw new DelayedError(`${code}: parked for ${steering.delayMs} ms`);
      }
      const final = steering.action === 'stop' || attempt >= (job.opts.attempts ?? 1);
      rotor.metrics?.countRotation(
        target.kind,
        final ? (code === 'OutOfSync' ? 'out_of_sync' : 'failed') : 'retry_scheduled',
      );
      const base = {
        actor: data.requestedBy ?? 'scheduler',
        targetId: target.id,
        kind: target.kind,
        jobId: job.id,
        attempt,
      };
      await rotor.audit.append({
        ...base,
        type: 'rotation.failed',
        errorCode: code,
        outcome: final ? 'failed' : 'retry_scheduled',
        durationMs: Date.now() - started,
        ...(steering.action === 'retry' && !final ? { detail: { retryInMs: steering.delayMs } } : {}),
      });
      if (code !== 'OutOfSync') await rotor.status.failed(target.id, 'failing', code, message);
      if (final && (steering.action === 'retry' || steering.alert)) {
        await rotor.alert({
          event: 'rotation.failed',
          targetId: target.id,
          kind: target.kind,
          jobId: job.id,
          errorCode: code,
          message,
        });
      }
      if (steering.action === 'stop') throw new UnrecoverableError(message);
      throw err;
    }
  };
}
