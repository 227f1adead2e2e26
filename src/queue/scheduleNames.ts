/**
 * Names of the scheduling side, below the configured prefix. Schedules fire *trigger* jobs on their
 * own queue; a scheduler process turns each into a rotation job, delayed for jitter, cooldown and
 * maintenance window. The rotate queue thus holds only real requests, one job per target.
 */
export const scheduleQueueName = 'schedule';

/** The Job Scheduler of one target's `schedule:` (no ":" — BullMQ uses it as a separator). */
export function targetSchedulerId(targetId: string): string {
  return `target.${targetId}`;
}

export function targetIdOfScheduler(schedulerId: string): string | undefined {
  return schedulerId.startsWith('target.') ? schedulerId.slice('target.'.length) : undefined;
}

/** The Job Scheduler of the max-age sweep. */
export const sweepSchedulerId = 'sweep';

/** Dry runs get their own job id: a dry run must never join a real rotation, nor a rotation a dry run. */
export function dryRunJobId(targetId: string): string {
  return `dryrun.${targetId}`;
}

/** Redis keys of the scheduling side (all below the prefix, so a `{hash tag}` keeps them in one slot). */
export const schedulingKeys = (prefix: string) => ({
  /** Lock held while one scheduler process syncs schedules. */
  syncLock: `${prefix}:scheduler:lock`,
  /** Hash: scheduler id → digest of the spec last written. */
  specs: `${prefix}:scheduler:specs`,
  /** Digest of the whole desired set, for the cheap "nothing changed" check. */
  digest: `${prefix}:scheduler:digest`,
  /** A mass rotation run: hash of its facts, set of targets done. */
  run: (runId: string) => `${prefix}:run:${runId}`,
  runDone: (runId: string) => `${prefix}:run:${runId}:done`,
  /** The open (unfinished) run of one selection of targets, to resume it. */
  openRun: (selection: string) => `${prefix}:runs:open:${selection}`,
  /** The engine's per-target status hash (state, lastError, lastAttemptAt). */
  status: (targetId: string) => `${prefix}:status:${targetId}`,
});
