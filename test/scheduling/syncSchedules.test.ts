import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { scheduleQueueName } from '../../src/queue/scheduleNames.js';
import { silentLogger } from '../../src/observability/logger.js';
import {
  desiredSchedules,
  syncSchedules,
  type ScheduleQueue,
  type SyncContext,
} from '../../src/scheduling/syncSchedules.js';
import { iamTarget, makeConfig, memoryAudit, redisUrl } from './schedulingFixture.js';

const hour = 3_600_000;
const opened: { queue: ScheduleQueue; redis: Redis }[] = [];
const prefixes: string[] = [];

function schedulerProcess(prefix: string): SyncContext & { audit: ReturnType<typeof memoryAudit>; plain: Redis } {
  const redis = makeRedisConnection(redisUrl);
  const queue: ScheduleQueue = new Queue(scheduleQueueName, { connection: redis, prefix });
  opened.push({ queue, redis });
  return { queue, redis, plain: redis, prefix, audit: memoryAudit(), logger: silentLogger };
}

function freshPrefix(): string {
  const prefix = `test-${randomUUID()}`;
  prefixes.push(prefix);
  return prefix;
}

const specsFor = (prefix: string, targets: unknown[]) =>
  desiredSchedules(makeConfig({ prefix, targets }).targets, { sweepEvery: 15 * 60_000 });

afterEach(async () => {
  for (const { queue, redis } of opened.splice(0)) {
    await queue.close();
    await redis.quit();
  }
});
afterAll(async () => {
  const redis = makeRedisConnection(redisUrl);
  for (const prefix of prefixes) await deleteKeysWithPrefix(redis, `${prefix}:`);
  await redis.quit();
});

describe('syncSchedules on real Redis', () => {
  it('creates, changes and removes schedules as the config does, and audits each change', async () => {
    const prefix = freshPrefix();
    const ctx = schedulerProcess(prefix);
    const v1 = specsFor(prefix, [
      iamTarget('a', { schedule: { cron: '0 3 * * 0', tz: 'Europe/Berlin' } }),
      iamTarget('b', { schedule: { every: '1h' } }),
      iamTarget('c'),
    ]);
    expect(await syncSchedules(ctx, v1)).toMatchObject({ created: ['sweep', 'target.a', 'target.b'], upToDate: false });
    const byKey = new Map((await ctx.queue.getJobSchedulers()).map((s) => [s.key, s]));
    expect(byKey.get('target.a')).toMatchObject({ pattern: '0 3 * * 0', tz: 'Europe/Berlin', name: 'trigger' });
    expect(byKey.get('target.b')).toMatchObject({ every: hour, template: { data: { targetId: 'b' } } });
    expect(byKey.get('sweep')).toMatchObject({ every: 15 * 60_000, name: 'sweep' });

    const v2 = specsFor(prefix, [
      iamTarget('a', { schedule: { cron: '0 4 * * 0', tz: 'Europe/Berlin' } }),
      iamTarget('b'),
      iamTarget('c', { schedule: { every: '2h' } }),
    ]);
    expect(await syncSchedules(ctx, v2)).toEqual({
      created: ['target.c'],
      changed: ['target.a'],
      removed: ['target.b'],
      upToDate: false,
    });
    const after = new Map((await ctx.queue.getJobSchedulers()).map((s) => [s.key, s]));
    expect([...after.keys()].sort()).toEqual(['sweep', 'target.a', 'target.c']);
    expect(after.get('target.a')?.pattern).toBe('0 4 * * 0');

    // Unchanged config: nothing written, nothing audited.
    const audited = ctx.audit.events.length;
    expect(await syncSchedules(ctx, v2)).toMatchObject({ upToDate: true });
    expect(ctx.audit.events.length).toBe(audited);
    // One event per sync that changed something: the counts and the ids (target ids; the sweep by its own).
    expect(ctx.audit.events.map((e) => [e.type, e.outcome, e.detail])).toEqual([
      [
        'schedule.changed',
        'synced',
        { created: 3, changed: 0, removed: 0, createdIds: 'sweep,a,b', changedIds: '', removedIds: '' },
      ],
      [
        'schedule.changed',
        'synced',
        { created: 1, changed: 1, removed: 1, createdIds: 'c', changedIds: 'a', removedIds: 'b' },
      ],
    ]);
  });

  it('writes each schedule once when several scheduler processes sync at the same moment', async () => {
    const prefix = freshPrefix();
    const targets = Array.from({ length: 50 }, (_, i) =>
      iamTarget(`t${i}`, { schedule: { cron: '0 3 * * *', tz: 'UTC' } }),
    );
    const specs = specsFor(prefix, targets);
    const processes = [schedulerProcess(prefix), schedulerProcess(prefix), schedulerProcess(prefix)];
    const results = await Promise.all(processes.map((p) => syncSchedules(p, specs)));
    expect(results.reduce((n, r) => n + r.created.length, 0)).toBe(specs.length);
    expect(results.filter((r) => r.upToDate)).toHaveLength(2);
    expect(await processes[0]?.queue.getJobSchedulersCount()).toBe(51);
    // One delayed trigger per target schedule, not one per process.
    expect(await processes[0]?.queue.getDelayedCount()).toBe(50);
  });

  it('rebuilds every schedule when Redis lost its data, and repairs a schedule removed behind its back', async () => {
    const prefix = freshPrefix();
    const ctx = schedulerProcess(prefix);
    const specs = specsFor(
      prefix,
      // More than one batch of digests (1,000), so that every batch is recorded.
      Array.from({ length: 1_200 }, (_, i) => iamTarget(`t${i}`, { schedule: { every: `${i + 1}h` } })),
    );
    await syncSchedules(ctx, specs);
    await deleteKeysWithPrefix(ctx.plain, `${prefix}:`);
    expect(await ctx.queue.getJobSchedulersCount()).toBe(0);
    const rebuilt = await syncSchedules(ctx, specs);
    expect(rebuilt.created).toHaveLength(1_201);
    expect(await ctx.queue.getJobSchedulersCount()).toBe(1_201);
    expect(await ctx.plain.hlen(`${prefix}:scheduler:specs`)).toBe(1_201);

    await ctx.queue.removeJobScheduler('target.t7');
    expect(await syncSchedules(ctx, specs)).toMatchObject({ created: ['target.t7'], changed: [], removed: [] });
  });
});
