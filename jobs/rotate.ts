import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Rotor } from '../src/app/makeRotor.js';
import { auditDigest, auditText } from '../src/audit/freeText.js';
import { assertNoSecret } from '../src/audit/secretGuard.js';
import { BadJob, isRotorError } from '../src/rotation/errors.js';
import { dryRunTarget, type DryRunReport } from '../src/rotation/dryRun.js';
import { attemptLogger } from '../src/observability/rotationLog.js';
import { stepSpans } from '../src/observability/tracing.js';
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
 * The retry delay the processor chose for a failed attempt, for the worker's backoff strategy
 * (queue/startWorker.ts): the delay logged and audited is then the one BullMQ waits, jitter included.
 */
const chosenRetryDelays = new WeakMap<object, number>();

export function chosenRetryDelay(err: unknown): number | undefined {
  return err !== null && typeof err === 'object' ? chosenRetryDelays.get(err) : undefined;
}

/**
 * The BullMQ processor for the `rotate` queue. It validates the payload, runs one rotation, and
 * carries out what the error says (rotation/steer.ts): retry with backoff, park without counting an
 * attempt (cooldown, throttle, busy target), or stop for good and alert.
 */
export function makeRotateProcessor(rotor: Rotor) {
  return async function rotate(job: Job<unknown>, token?: string): Promise<RotateJobResult> {
    // BullMQ lets whoever adds a job choose its id: it reaches the audit chain checked like free text.
    const jobId = job.id === undefined ? undefined : auditText(job.id);
    const parsed = rotateJobSchema.safeParse(job.data);
    const target = parsed.success ? rotor.target(parsed.data.targetId) : undefined;
    const secretLike = parsed.success ? secretProblem(parsed.data) : undefined;
    if (!parsed.success || !target || secretLike) {
      // Field names, codes and digests only: a bad payload may itself hold something secret, and
      // what reaches the audit chain stays there for good (audit/freeText.ts).
      const why = !parsed.success
        ? parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.code}`).join('; ')
        : (secretLike ?? `unknown target ${auditDigest(parsed.data.targetId)}`);
      await rotor.audit.append({ type: 'job.rejected', actor: 'worker', jobId, errorCode: 'BadJob', detail: { why } });
      rotor.logger.warn({ jobId, errorCode: 'BadJob', why }, 'job rejected: not a rotor rotation job');
      throw new UnrecoverableError(new BadJob(`job ${jobId}: not a rotor rotation job (${why})`).message);
    }
    const data = parsed.data;
    const spans = stepSpans(target, job.attemptsMade + 1, jobId);
    const deps = {
      ...rotor.rotationDeps(target),
      observeStep: (step: string, seconds: number) => {
        rotor.metrics?.observeStep(target.kind, step, seconds);
        spans.observe(step, seconds);
      },
    };
    if (data.dryRun) return dryRunTarget(deps);

    // Who asked is free text from the payload: checked like any text bound for the audit chain.
    const actor = data.requestedBy === undefined ? 'scheduler' : auditText(data.requestedBy);
    const attempt = job.attemptsMade + 1;
    const started = Date.now();
    const log = attemptLogger(deps.logger, { jobId, attempt });
    try {
      const outcome = await rotateTarget(deps, {
        actor,
        jobId,
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
      const durationMs = Date.now() - started;
      spans.failed(steering.action, code);
      if (steering.action === 'park') {
        const until = Date.now() + steering.delayMs;
        // Why it waits and until when, for whoever waits on the job (`rotor rotate --wait`); a failure
        // to record it must not stop the park.
        await job.updateProgress(waitingProgress({ code, until, message })).catch(() => undefined);
        await job.moveToDelayed(until, token);
        log.info(
          {
            errorCode: code,
            outcome: 'parked',
            retryInMs: steering.delayMs,
            nextAttemptAt: new Date(until).toISOString(),
          },
          'rotation parked: nothing failed, it waits and tries again',
        );
        throw new DelayedError(`${code}: parked for ${steering.delayMs} ms`);
      }
      const final = steering.action === 'stop' || attempt >= (job.opts.attempts ?? 1);
      const outcome = final ? 'failed' : 'retry_scheduled';
      rotor.metrics?.countRotation(
        target.kind,
        final ? (code === 'OutOfSync' ? 'out_of_sync' : 'failed') : 'retry_scheduled',
      );
      if (steering.action === 'retry' && !final) {
        if (err !== null && typeof err === 'object') chosenRetryDelays.set(err, steering.delayMs);
        const nextAttemptAt = new Date(Date.now() + steering.delayMs).toISOString();
        log.warn(
          { err, errorCode: code, outcome, durationMs, retryInMs: steering.delayMs, nextAttemptAt },
          `rotation attempt ${attempt} of ${job.opts.attempts ?? 1} failed (${code}); retrying at ${nextAttemptAt}`,
        );
      } else {
        log.error({ err, errorCode: code, outcome, durationMs }, `rotation failed for good (${code})`);
      }
      const base = {
        actor,
        targetId: target.id,
        kind: target.kind,
        jobId,
        attempt,
      };
      await rotor.audit.append({
        ...base,
        type: 'rotation.failed',
        errorCode: code,
        outcome,
        durationMs,
        ...(steering.action === 'retry' && !final ? { detail: { retryInMs: steering.delayMs } } : {}),
      });
      if (code !== 'OutOfSync') await rotor.status.failed(target.id, 'failing', code, message);
      if (final && (steering.action === 'retry' || steering.alert)) {
        await rotor.alert({
          event: 'rotation.failed',
          targetId: target.id,
          kind: target.kind,
          jobId,
          errorCode: code,
          message,
        });
      }
      if (steering.action === 'stop') throw new UnrecoverableError(message);
      throw err;
    }
  };
}
