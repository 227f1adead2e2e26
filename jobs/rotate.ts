import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Rotor } from '../src/app/makeRotor.js';
import { auditDigest, auditText } from '../src/audit/freeText.js';
import { assertNoSecret } from '../src/audit/secretGuard.js';
import { BadJob, isRotorError } from '../src/errors/index.js';
import { makeFollowUps } from '../src/queue/followUps.js';
import { recordRetryDelay } from '../src/queue/retryDelay.js';
import { rotateJobSchema, type RotateJobData, type RotateJobResult } from '../src/queue/rotateJob.js';
import { stepSpans } from '../src/observability/tracing.js';
import { waitingProgress } from '../src/queue/waitingReason.js';
import { recordFailure } from '../src/rotation/bookkeeping.js';
import { dryRunTarget } from '../src/rotation/dryRun.js';
import { decideFate } from '../src/rotation/fate.js';
import { retireIssued } from '../src/rotation/retireIssued.js';
import { rotateTarget } from '../src/rotation/rotateTarget.js';
import { withCurrentAccount } from '../src/rotation/alternating.js';
import { attemptLogger } from '../src/rotation/rotationLog.js';
import { heartbeatJobName } from '../src/queue/heartbeatJob.js';
import type { HeartbeatOutcome } from '../src/rotation/heartbeat.js';
import { makeHeartbeatProcessor } from './heartbeat.js';

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
 * The BullMQ processor for the `rotate` queue. It validates the payload, runs one rotation, and on a
 * failure carries out its fate (src/rotation/fate.ts), decided once: retry after the decided delay
 * (the worker's backoff strategy reads that same value), park without counting an attempt
 * (cooldown, throttle, busy target), or stop for good.
 */
export function makeRotateProcessor(rotor: Rotor) {
  const followUps = makeFollowUps(rotor.redis, rotor.config.redis.prefix);
  const heartbeat = makeHeartbeatProcessor(rotor);
  return async function rotate(job: Job<unknown>, token?: string): Promise<RotateJobResult | HeartbeatOutcome> {
    // Heartbeats share the queue (its workers and rate gates) under their own job name.
    if (job.name === heartbeatJobName) return heartbeat(job, token);
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
    const deps = Object.assign({}, rotor.rotationDeps(target), {
      observeStep: (step: string, seconds: number) => {
        rotor.metrics?.observeStep(target.kind, step, seconds);
        // `total` is the whole attempt, which the worker's process span already covers.
        if (step !== 'total') spans.observe(step, seconds);
      },
      countRotation: (outcome: Parameters<NonNullable<Rotor['metrics']>['countRotation']>[1]) =>
        rotor.metrics?.countRotation(target.kind, outcome),
    });
    if (data.dryRun) return dryRunTarget(await withCurrentAccount(deps));

    // Who asked is free text from the payload: checked like any text bound for the audit chain.
    const actor = data.requestedBy === undefined ? 'scheduler' : auditText(data.requestedBy);
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    const run = { actor, jobId, attempt, reason: data.reason };
    const started = Date.now();
    try {
      if (data.followUp === 'retire') {
        const issuer = deps.connector.issuer;
        const step = issuer
          ? await retireIssued(deps, run, issuer)
          : { done: true as const, result: 'nothing-to-retire' };
        if (!step.done) {
          // Resumable: the retirement's clock is in the pending record; this job only comes back to look.
          await job.moveToDelayed(Date.now() + step.checkAgainInMs, token);
          throw new DelayedError(`retire: ${step.result}, next look in ${step.checkAgainInMs} ms`);
        }
        return { targetId: target.id, followUp: 'retire', result: step.result };
      }
      const outcome = await rotateTarget(deps, run);
      if (outcome.followUp) {
        // The rotation itself succeeded; a follow-up that cannot be queued now is queued by the target's
        // next attempt, which waits for it (rotateIssued.ts) instead of being recorded as a failure here.
        await followUps.schedule(target.id, outcome.followUp).catch((err: unknown) => {
          deps.logger.warn(
            { err, followUp: outcome.followUp?.kind },
            'follow-up job not queued; the next attempt queues it',
          );
        });
      }
      return outcome;
    } catch (thrown) {
      if (thrown instanceof DelayedError) throw thrown;
      const err = thrown instanceof Error ? thrown : new Error(String(thrown));
      // A rotation waiting for the previous key's retirement makes sure a retirement job exists (a
      // worker killed between the promotion and scheduling it left none).
      if (deps.connector.issuer && isRotorError(err, 'CooldownActive') && data.followUp === undefined)
        await followUps.schedule(target.id, { kind: 'retire', afterMs: 0 }).catch(() => undefined);
      const fate = decideFate(err, attempt, attempts);
      const log = attemptLogger(deps.logger, run);
      const { code, message } = await recordFailure(deps, { run, attempts, err, fate, started, log });
      spans.failed(fate.action, code);
      switch (fate.action) {
        case 'park': {
          const until = Date.now() + fate.delayMs;
          // Why it waits and until when, for whoever waits on the job (`rotor rotate --wait`); a failure
          // to record it must not stop the park.
          await job.updateProgress(waitingProgress({ code, until, message })).catch(() => undefined);
          await job.moveToDelayed(until, token);
          throw new DelayedError(`${code}: parked for ${fate.delayMs} ms`);
        }
        case 'retry':
          recordRetryDelay(err, fate.delayMs);
          throw err;
        case 'fail':
          if (fate.unrecoverable) throw new UnrecoverableError(message);
          throw err;
        case 'out-of-sync':
          throw new UnrecoverableError(message);
      }
    }
  };
}
