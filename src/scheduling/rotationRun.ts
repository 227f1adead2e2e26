import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from '../types/redis.js';
import { schedulingKeys } from '../queue/scheduleNames.js';

/**
 * A mass rotation (`rotor rotate --all`) as a resumable run: a record with its start time, and a set
 * of the targets done in it. Running the same selection again while the run is open resumes it: done
 * targets are skipped, so a crash halfway never rotates anything twice.
 */
export interface RotationRun {
  runId: string;
  startedAt: Date;
  /** Digest of the sorted target ids: the same command line finds its open run. */
  selection: string;
  targets: number;
  requestedBy: string;
  reason?: string;
  resumed: boolean;
  /** Targets already done in this run. */
  done: Set<string>;
}

export interface OpenRunOptions {
  targetIds: readonly string[];
  requestedBy: string;
  reason?: string;
  /** Resume exactly this run (fails when it is unknown or expired). */
  runId?: string;
  /** Start a new run even when one is open for the same targets. */
  fresh?: boolean;
  /** How long a run stays resumable. */
  ttlMs: number;
  now?: Date;
}

export class UnknownRun extends Error {
  constructor(runId: string) {
    super(`no mass rotation run "${runId}" (never started, or older than scheduling.runTtl)`);
    this.name = 'UnknownRun';
  }
}

export function selectionDigest(targetIds: readonly string[]): string {
  return createHash('sha256')
    .update([...targetIds].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

export function makeRunStore(redis: RedisClient, prefix: string) {
  const keys = schedulingKeys(prefix);

  async function load(runId: string, resumed: boolean): Promise<RotationRun | undefined> {
    const raw = await redis.hgetall(keys.run(runId));
    if (!raw.startedAt || !raw.selection) return undefined;
    const done = new Set(await redis.smembers(keys.runDone(runId)));
    return {
      runId,
      startedAt: new Date(Number(raw.startedAt)),
      selection: raw.selection,
      targets: Number(raw.targets ?? 0),
      requestedBy: raw.requestedBy ?? 'unknown',
      reason: raw.reason || undefined,
      resumed,
      done,
    };
  }

  return {
    /** Resumes the open run of these targets (or `runId`), else starts a new one. */
    async open(options: OpenRunOptions): Promise<RotationRun> {
      const selection = selectionDigest(options.targetIds);
      if (options.runId) {
        const run = await load(options.runId, true);
        if (!run) throw new UnknownRun(options.runId);
        return run;
      }
      if (!options.fresh) {
        const openId = await redis.get(keys.openRun(selection));
        const run = openId ? await load(openId, true) : undefined;
        if (run) return run;
      }
      const now = options.now ?? new Date();
      const runId = `${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
      await redis.hset(keys.run(runId), {
        startedAt: String(now.getTime()),
        selection,
        targets: String(options.targetIds.length),
        requestedBy: options.requestedBy,
        reason: options.reason ?? '',
      });
      await redis.pexpire(keys.run(runId), options.ttlMs);
      await redis.set(keys.openRun(selection), runId, 'PX', options.ttlMs);
      return {
        runId,
        startedAt: now,
        selection,
        targets: options.targetIds.length,
        requestedBy: options.requestedBy,
        reason: options.reason,
        resumed: false,
        done: new Set(),
      };
    },

    async markDone(run: RotationRun, targetIds: readonly string[], ttlMs: number): Promise<void> {
      if (targetIds.length === 0) return;
      for (const id of targetIds) run.done.add(id);
      await redis.sadd(keys.runDone(run.runId), ...targetIds);
      await redis.pexpire(keys.runDone(run.runId), ttlMs);
    },

    /** Every target is done: the next identical command starts a new run. */
    async finish(run: RotationRun): Promise<void> {
      if ((await redis.get(keys.openRun(run.selection))) === run.runId) await redis.del(keys.openRun(run.selection));
      await redis.hset(keys.run(run.runId), { finishedAt: String(Date.now()) });
    },
  };
}

export type RunStore = ReturnType<typeof makeRunStore>;
