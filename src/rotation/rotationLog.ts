import type { RotationAudit } from './rotationContext.js';
import type { Logger } from '../observability/logger.js';

/**
 * Log lines of one rotation attempt. The target's logger already binds `targetId` and `kind`; this
 * adds `jobId` and `attempt` once, so a line never repeats a key (pino writes a bound key and the same
 * key passed to the call both). Every other key (`rotationId`, `step`, `outcome`, `durationMs`) is
 * passed by the line it belongs to.
 */
export function attemptLogger(targetLogger: Logger, run: { jobId?: string; attempt?: number }): Logger {
  return targetLogger.child({ jobId: run.jobId, attempt: run.attempt });
}

/**
 * Wraps a rotation's audit helpers so each finished step is also a debug line with its duration
 * (time since the attempt started or since the previous step), for following a slow rotation.
 */
export function withStepLines(audit: RotationAudit, log: Logger, started = Date.now()): RotationAudit {
  let last = started;
  return {
    ...audit,
    step(step, rotationId, detail) {
      audit.step(step, rotationId, detail);
      const now = Date.now();
      // Built only when written: at the default level (info) these lines are dropped.
      if (log.isLevelEnabled('debug'))
        log.debug({ rotationId, step, durationMs: now - last }, `rotation step ${step} done`);
      last = now;
    },
  };
}

/**
 * What a failed attempt did before it failed goes into the chain before its failure is recorded; a
 * write that fails here is logged, never raised over the attempt's own error.
 */
export async function flushBeforeFailure(audit: RotationAudit, log: Logger): Promise<void> {
  await audit
    .flush()
    .catch((flushErr: unknown) => log.warn({ err: flushErr }, 'audit events of a failed attempt not written'));
}
