import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Rotor } from '../src/app/makeRotor.js';
import { auditText } from '../src/audit/freeText.js';
import { BadJob } from '../src/errors/index.js';
import { heartbeatActor, heartbeatJobSchema } from '../src/queue/heartbeatJob.js';
import { waitingProgress } from '../src/queue/waitingReason.js';
import { decideFate, failureCode } from '../src/rotation/fate.js';
import { heartbeatTarget, type HeartbeatOutcome } from '../src/rotation/heartbeat.js';

/**
 * The processor of `heartbeat` jobs on the rotate queue (src/queue/heartbeatJob.ts). A busy target
 * (its rotation holds the lock) or a throttled login is parked, counting no try; anything else ends
 * the job: a heartbeat is never sent twice for one request.
 */
export function makeHeartbeatProcessor(rotor: Rotor) {
  return async function heartbeat(job: Job<unknown>, token?: string): Promise<HeartbeatOutcome> {
    const jobId = job.id === undefined ? undefined : auditText(job.id);
    const parsed = heartbeatJobSchema.safeParse(job.data);
    const target = parsed.success ? rotor.target(parsed.data.targetId) : undefined;
    if (!parsed.success || !target) {
      const why = parsed.success
        ? 'unknown target'
        : parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.code}`).join('; ');
      await rotor.audit.append({ type: 'job.rejected', actor: 'worker', jobId, errorCode: 'BadJob', detail: { why } });
      throw new UnrecoverableError(new BadJob(`job ${jobId}: not a rotor heartbeat job (${why})`).message);
    }
    const deps = {
      ...rotor.rotationDeps(target),
      heartbeats: rotor.heartbeats,
      countHeartbeat: (result: HeartbeatOutcome['result']) => rotor.metrics?.countHeartbeat?.(target.kind, result),
    };
    try {
      return await heartbeatTarget(deps, heartbeatActor(parsed.data));
    } catch (err) {
      const fate = decideFate(err, 1, 1);
      const code = failureCode(err);
      const message = err instanceof Error ? err.message : String(err);
      if (fate.action === 'park') {
        const until = Date.now() + fate.delayMs;
        await job.updateProgress(waitingProgress({ code, until, message })).catch(() => undefined);
        await job.moveToDelayed(until, token);
        throw new DelayedError(`${code}: parked for ${fate.delayMs} ms`);
      }
      rotor.metrics?.countHeartbeat?.(target.kind, 'failed');
      deps.logger.warn({ err, errorCode: code, jobId }, `heartbeat failed (${code}); the next heartbeat tries again`);
      throw new UnrecoverableError(message);
    }
  };
}
