import { OutOfSync, TargetBusy } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { enterCredentialGate } from './credentialGate.js';
import { auditFor, type RotationAudit, type RotationAttempt, type RotationDeps } from './rotationContext.js';
import { attemptLogger, flushBeforeFailure, withStepLines } from './rotationLog.js';
import type { TargetLock } from './targetLock.js';

/** What a locked attempt works with: its lock (with the target's status), audit, log lines and start time. */
export interface LockedAttempt {
  lock: TargetLock;
  audit: RotationAudit;
  log: Logger;
  started: number;
}

/**
 * The frame every kind of rotation attempt runs in (single account, alternating accounts, issued
 * credentials): lock → credential gate → out-of-sync check → body → (on failure, the held audit events first) → release.
 * One frame, so no strategy can skip the gate or leave its events unwritten.
 */
export async function withLockedAttempt<T>(
  deps: RotationDeps,
  run: RotationAttempt,
  body: (attempt: LockedAttempt) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const log = attemptLogger(deps.logger, run);
  const audit = withStepLines(auditFor(deps, run), log, started);
  // lock: one rotation per target, whichever job asked for it; the target's status comes with it.
  const lock = await deps.acquireLock();
  if (!lock) throw new TargetBusy(`target ${deps.target.id}: another rotation of this target is in progress`);
  const gate = await enterCredentialGate(deps, lock);
  try {
    // The status came with the lock: a target out of sync waits for `rotor reconcile`, whatever the strategy.
    const status = lock.status;
    if (status?.state === 'out-of-sync') {
      const { id } = deps.target;
      throw new OutOfSync(`target ${id} is out of sync since ${status.since}; run rotor reconcile ${id}`);
    }
    return await body({ lock, audit, log, started });
  } catch (err) {
    await flushBeforeFailure(audit, log);
    throw err;
  } finally {
    // release
    await gate().catch(() => undefined);
    await lock.release().catch(() => undefined);
  }
}
