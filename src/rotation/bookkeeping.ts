import type { Logger } from '../observability/logger.js';
import type { TargetLock } from './targetLock.js';
import { failureCode, type Fate } from './fate.js';
import type { RotationAudit, RotationDeps, RotationOutcome, RotationAttempt } from './rotationContext.js';

/**
 * What the world learns about an attempt, success or failure, side by side: the target's status
 * (`rotor status`), the audit chain, the log, the metrics and, for a final failure, the alert.
 */

export async function recordSuccess(
  deps: RotationDeps,
  audit: RotationAudit,
  log: Logger,
  outcome: RotationOutcome,
  started: number,
  lock?: TargetLock,
): Promise<RotationOutcome> {
  const durationMs = Date.now() - started;
  audit.event('rotation.succeeded', outcome.rotationId, {
    outcome: 'succeeded',
    durationMs,
    detail: { version: outcome.version, verified: outcome.verified, recovered: outcome.recovered },
  });
  // The status (with the lock's release) and the attempt's held audit events, written side by side;
  // the attempt returns once both are.
  const handover = lock?.handOver();
  const status = deps.status.succeeded(deps.target.id, new Date(), handover).catch((err: unknown) => {
    handover?.undo(); // not written: the attempt's own release still runs
    throw err;
  });
  await Promise.all([status, audit.flush()]);
  deps.countRotation?.('succeeded');
  deps.observeStep?.('total', durationMs / 1000);
  // targetId, kind, jobId and attempt are bound by the logger: passing them again would repeat them.
  log.info(
    {
      rotationId: outcome.rotationId,
      outcome: 'succeeded',
      durationMs,
      version: outcome.version,
      verified: outcome.verified,
      recovered: outcome.recovered,
    },
    'rotation succeeded',
  );
  return outcome;
}

export interface FailedAttempt {
  run: RotationAttempt & { attempt: number };
  /** Tries the job has in all (`rotation.attempts`). */
  attempts: number;
  err: unknown;
  fate: Fate;
  started: number;
  log: Logger;
}

/**
 * Records a failed attempt according to its fate. A park is no failure: one line, nothing else.
 * Returns the code and message the queue reports.
 */
export async function recordFailure(
  deps: RotationDeps,
  failure: FailedAttempt,
): Promise<{ code: string; message: string }> {
  const { run, err, fate, log } = failure;
  const { target } = deps;
  const code = failureCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const durationMs = Date.now() - failure.started;
  if (fate.action === 'park') {
    log.info(
      {
        errorCode: code,
        outcome: 'parked',
        retryInMs: fate.delayMs,
        nextAttemptAt: new Date(Date.now() + fate.delayMs).toISOString(),
      },
      'rotation parked: nothing failed, it waits and tries again',
    );
    return { code, message };
  }
  const retrying = fate.action === 'retry';
  const outcome = retrying ? 'retry_scheduled' : 'failed';
  deps.countRotation?.(fate.action === 'out-of-sync' ? 'out_of_sync' : outcome);
  if (retrying) {
    const nextAttemptAt = new Date(Date.now() + fate.delayMs).toISOString();
    log.warn(
      { err, errorCode: code, outcome, durationMs, retryInMs: fate.delayMs, nextAttemptAt },
      `rotation attempt ${run.attempt} of ${failure.attempts} failed (${code}); retrying at ${nextAttemptAt}`,
    );
  } else {
    log.error({ err, errorCode: code, outcome, durationMs }, `rotation failed for good (${code})`);
  }
  await deps.audit.append({
    actor: run.actor,
    targetId: target.id,
    kind: target.kind,
    jobId: run.jobId,
    attempt: run.attempt,
    type: 'rotation.failed',
    errorCode: code,
    outcome,
    durationMs,
    ...(retrying ? { detail: { retryInMs: fate.delayMs } } : {}),
  });
  // Out of sync keeps the status it was given where it was found (rotation/outOfSync.ts).
  if (fate.action !== 'out-of-sync') await deps.status.failed(target.id, 'failing', code, message);
  if (fate.action === 'fail' && fate.alert) {
    await deps.alert({
      event: 'rotation.failed',
      targetId: target.id,
      kind: target.kind,
      jobId: run.jobId,
      errorCode: code,
      message,
    });
  }
  return { code, message };
}
