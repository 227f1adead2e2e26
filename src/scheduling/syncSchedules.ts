import { createHash, randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { AuditSink } from '../audit/types.js';
import type { SchedulingConfig } from '../config/schedulingSchema.js';
import type { TargetConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { RedisClient } from '../types/redis.js';
import { mapLimit } from '../queue/mapLimit.js';
import { schedulingKeys, sweepSchedulerId, targetIdOfScheduler, targetSchedulerId } from '../queue/scheduleNames.js';

/** A trigger names its target; the sweep needs nothing. */
export interface ScheduleJobData {
  targetId?: string;
}
export type ScheduleQueue = Queue<ScheduleJobData>;

/** One BullMQ Job Scheduler as rotor wants it. */
export interface ScheduleSpec {
  id: string;
  name: 'trigger' | 'sweep';
  repeat: { pattern: string; tz: string } | { every: number };
  data: ScheduleJobData;
}

/** Trigger jobs are cheap and their outcome lives on in the rotation job: keep few of them. */
const templateOpts = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 1_000 },
};

/** The schedules the config asks for: one per target with `schedule:`, plus the max-age sweep. */
export function desiredSchedules(
  targets: readonly TargetConfig[],
  scheduling: Pick<SchedulingConfig, 'sweepEvery'>,
): ScheduleSpec[] {
  const specs: ScheduleSpec[] = [
    { id: sweepSchedulerId, name: 'sweep', repeat: { every: scheduling.sweepEvery }, data: {} },
  ];
  for (const t of targets) {
    if (!t.schedule) continue;
    const repeat = 'cron' in t.schedule ? { pattern: t.schedule.cron, tz: t.schedule.tz } : { every: t.schedule.every };
    specs.push({ id: targetSchedulerId(t.id), name: 'trigger', repeat, data: { targetId: t.id } });
  }
  return specs;
}

export function describeRepeat(repeat: ScheduleSpec['repeat']): string {
  return 'pattern' in repeat ? `cron "${repeat.pattern}" ${repeat.tz}` : `every ${repeat.every} ms`;
}

function digestOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

export interface SyncContext {
  queue: ScheduleQueue;
  redis: RedisClient;
  prefix: string;
  audit: AuditSink;
  logger: Logger;
  /** How long to wait for another scheduler process that is syncing. @defaultValue 30000 */
  lockWaitMs?: number;
}

export interface SyncResult {
  created: string[];
  changed: string[];
  removed: string[];
  /** True when Redis already held exactly these schedules (nothing was written). */
  upToDate: boolean;
}

const releaseScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Job Schedulers written at once: enough to keep Redis busy, few enough to leave room for everyone else. */
const inFlight = 32;
/** Schedules whose digests are recorded in one `HSET` / `HDEL`, once their writes are done. */
const batchSize = 1_000;

/**
 * Makes Redis hold exactly the schedules in `specs`: upserts what is new or changed, removes what the
 * config no longer has. Safe to call from every scheduler process at start-up and periodically: a
 * digest of the whole set answers "nothing to do" with two reads, and a Redis lock keeps two
 * processes from interleaving. An emptied Redis (no persistence) has no digest: everything is rebuilt.
 */
export async function syncSchedules(ctx: SyncContext, specs: readonly ScheduleSpec[]): Promise<SyncResult> {
  const keys = schedulingKeys(ctx.prefix);
  const digest = digestOf(specs.map((s) => [s.id, s.name, s.repeat, s.data]));
  const upToDate = async () =>
    (await ctx.redis.get(keys.digest)) === digest && (await ctx.queue.getJobSchedulersCount()) === specs.length;
  const nothing: SyncResult = { created: [], changed: [], removed: [], upToDate: true };
  if (await upToDate()) return nothing;

  const token = randomUUID();
  const deadline = Date.now() + (ctx.lockWaitMs ?? 30_000);
  while ((await ctx.redis.set(keys.syncLock, token, 'PX', 30_000, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new Error('another scheduler has held the schedule sync lock for too long');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    // The process that held the lock may have just written the same set.
    if (await upToDate()) return nothing;
    const result = await apply(ctx, specs, keys);
    await ctx.redis.set(keys.digest, digest);
    return result;
  } finally {
    await ctx.redis.eval(releaseScript, 1, keys.syncLock, token);
  }
}

/**
 * Writes what differs, `inFlight` Job Schedulers at a time, and records each batch's spec digests in
 * one `HSET` once the batch is written — so a crash leaves at worst schedules written without their
 * digest, which the next sync writes again (an upsert is idempotent). One audit event tells the run.
 */
async function apply(
  ctx: SyncContext,
  specs: readonly ScheduleSpec[],
  keys: ReturnType<typeof schedulingKeys>,
): Promise<SyncResult> {
  const stored = await ctx.redis.hgetall(keys.specs);
  const existing = new Set((await ctx.queue.getJobSchedulers(0, -1)).map((s) => s.key));
  const result: SyncResult = { created: [], changed: [], removed: [], upToDate: false };
  const wanted = new Set(specs.map((s) => s.id));

  const writes: { spec: ScheduleSpec; digest: string }[] = [];
  for (const spec of specs) {
    const digest = digestOf([spec.name, spec.repeat, spec.data]);
    if (stored[spec.id] === digest && existing.has(spec.id)) continue;
    writes.push({ spec, digest });
  }
  for (let i = 0; i < writes.length; i += batchSize) {
    const batch = writes.slice(i, i + batchSize);
    await mapLimit(batch, inFlight, ({ spec }) =>
      ctx.queue.upsertJobScheduler(spec.id, spec.repeat, { name: spec.name, data: spec.data, opts: templateOpts }),
    );
    await ctx.redis.hset(keys.specs, Object.fromEntries(batch.map(({ spec, digest }) => [spec.id, digest])));
    for (const { spec } of batch) {
      result[stored[spec.id] && existing.has(spec.id) ? 'changed' : 'created'].push(spec.id);
    }
  }
  const removals = [...new Set([...existing, ...Object.keys(stored)])].filter((id) => !wanted.has(id));
  for (let i = 0; i < removals.length; i += batchSize) {
    const batch = removals.slice(i, i + batchSize);
    await mapLimit(batch, inFlight, (id) => ctx.queue.removeJobScheduler(id));
    await ctx.redis.hdel(keys.specs, ...batch);
    result.removed.push(...batch);
  }
  const changes = result.created.length + result.changed.length + result.removed.length;
  if (changes > 0) {
    ctx.logger.info(
      { created: result.created.length, changed: result.changed.length, removed: result.removed.length },
      'schedules synced with the config',
    );
    await auditSync(ctx, result);
  }
  return result;
}

/**
 * One `schedule.changed` event per sync that changed anything: the counts, and the ids — target ids,
 * or the scheduler's own id for the sweep — comma-separated per action.
 */
async function auditSync(ctx: SyncContext, result: SyncResult): Promise<void> {
  const ids = (schedulerIds: string[]) => schedulerIds.map((id) => targetIdOfScheduler(id) ?? id).join(',');
  await ctx.audit.append({
    type: 'schedule.changed',
    actor: 'scheduler',
    outcome: 'synced',
    detail: {
      created: result.created.length,
      changed: result.changed.length,
      removed: result.removed.length,
      createdIds: ids(result.created),
      changedIds: ids(result.changed),
      removedIds: ids(result.removed),
    },
  });
}
