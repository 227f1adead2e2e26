import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { TargetConfig } from '../../src/config/schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { rotationJobId } from '../../src/queue/names.js';
import { jitterOffsetMs } from '../../src/scheduling/jitter.js';
import { startScheduler, type RotorScheduler, type SchedulerOptions } from '../../src/scheduling/startScheduler.js';
import { iamTarget, makeSchedulingFixture, type SchedulingFixture } from './schedulingFixture.js';

const hour = 3_600_000;
const day = 24 * hour;

describe('the scheduler process on real Redis and the Vault emulator', () => {
  let fx: SchedulingFixture;
  const running: RotorScheduler[] = [];
  const ids = ['overdue', 'fresh', 'never', 'no-max-age', 'windowed', 'ticking', 'meeting'];

  beforeAll(async () => {
    fx = await makeSchedulingFixture(ids);
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await s.close();
    await deleteKeysWithPrefix(fx.redis, `${fx.prefix}:`);
    fx.audit.events.length = 0;
  });
  afterAll(async () => {
    await fx?.close();
  });

  async function start(targets: unknown[], options: SchedulerOptions = {}) {
    const config = fx.config(targets);
    const scheduler = await startScheduler({ config, logger: silentLogger, store: fx.store, audit: fx.audit }, options);
    running.push(scheduler);
    return { config, scheduler };
  }
  const target = (config: { targets: TargetConfig[] }, id: string) =>
    config.targets.find((t) => t.id === id) as TargetConfig;

  it('enqueues, in its first sweep, the targets older than maxAge and those never rotated — and no others', async () => {
    const targets = [
      iamTarget('overdue', { maxAge: '1d' }),
      iamTarget('fresh', { maxAge: '1d' }),
      iamTarget('never', { maxAge: '1d', onboard: 'rotate' }),
      iamTarget('no-max-age'),
    ];
    const config = fx.config(targets);
    await fx.stampRotatedAt(target(config, 'overdue'), new Date(Date.now() - 2 * day));
    await fx.stampRotatedAt(target(config, 'fresh'), new Date(Date.now() - hour));
    await fx.stampRotatedAt(target(config, 'no-max-age'), new Date(Date.now() - 400 * day));

    await start(targets); // the sweep's schedule fires right away
    await waitFor(async () => (await fx.rotateQueue.getJobCounts('waiting')).waiting === 2);
    const overdue = await fx.rotateQueue.getJob(rotationJobId('overdue'));
    const never = await fx.rotateQueue.getJob(rotationJobId('never'));
    expect(overdue?.data).toMatchObject({ requestedBy: 'scheduler', reason: 'max-age sweep: older than maxAge' });
    expect(never?.data).toMatchObject({ reason: 'max-age sweep: never rotated' });
    expect(await fx.rotateQueue.getJob(rotationJobId('fresh'))).toBeUndefined();
    expect(await fx.rotateQueue.getJob(rotationJobId('no-max-age'))).toBeUndefined();
  });

  it('respects a maintenance window: a sweep outside it delays the job to the next opening', async () => {
    const targets = [
      iamTarget('windowed', {
        maxAge: '1d',
        onboard: 'rotate',
        maintenanceWindow: { days: ['sat', 'sun'], start: '02:00', end: '04:00', tz: 'Europe/Berlin' },
      }),
    ];
    // A controlled clock: Wednesday noon in Berlin; the next opening is Saturday 02:00 CEST.
    const now = Date.parse('2024-05-08T10:00:00Z');
    const { scheduler } = await start(targets, { now: () => now });
    await waitFor(async () => (await fx.rotateQueue.getJob(rotationJobId('windowed'))) !== undefined);
    const job = await fx.rotateQueue.getJob(rotationJobId('windowed'));
    expect(await job?.getState()).toBe('delayed');
    expect(job?.delay).toBe(Date.parse('2024-05-11T00:00:00Z') - now);
    // Sweeping again joins the waiting job rather than adding or moving it.
    const again = await scheduler.sweep();
    expect(again.enqueued).toEqual([expect.objectContaining({ targetId: 'windowed', state: 'joined' })]);
    expect((await fx.rotateQueue.getJob(rotationJobId('windowed')))?.delay).toBe(job?.delay);
  });

  it('turns a schedule’s firing into a rotation job delayed by the target’s fixed jitter offset', async () => {
    const targets = [iamTarget('ticking', { schedule: { every: '1s' }, jitter: '10m' })];
    await start(targets);
    await waitFor(async () => (await fx.rotateQueue.getJob(rotationJobId('ticking'))) !== undefined);
    const job = await fx.rotateQueue.getJob(rotationJobId('ticking'));
    expect(job?.data).toMatchObject({ targetId: 'ticking', requestedBy: 'scheduler' });
    expect(job?.delay).toBe(jitterOffsetMs('ticking', 10 * 60_000));
    // Later firings join the job that is waiting.
    await waitFor(async () =>
      fx.audit.events.some(
        (e) => e.type === 'rotation.requested' && e.targetId === 'ticking' && e.outcome === 'joined',
      ),
    );
    expect(await fx.rotateQueue.getDelayedCount()).toBe(1);
  });

  it('waits out a connector’s cooldown: a Meeting user changed a minute ago rotates four minutes later', async () => {
    const meeting = {
      id: 'meeting',
      kind: 'huawei-meeting-user',
      endpoint: 'http://127.0.0.1:9',
      account: 'bob@acme.com',
      secretPath: 'huawei/iam/meeting',
      schedule: { every: '1h' },
    };
    const config = fx.config([meeting]);
    await fx.stampRotatedAt(target(config, 'meeting'), new Date(Date.now() - 60_000));
    await start([meeting]);
    await waitFor(async () => (await fx.rotateQueue.getJob(rotationJobId('meeting'))) !== undefined);
    const job = await fx.rotateQueue.getJob(rotationJobId('meeting'));
    expect(job?.delay).toBeGreaterThan(3.9 * 60_000);
    expect(job?.delay).toBeLessThanOrEqual(4 * 60_000);
    expect(job?.data.reason).toBe('schedule (waits for cooldown)');
  });

  it('rebuilds every schedule from the config when it restarts against an emptied Redis', async () => {
    const targets = Array.from({ length: 300 }, (_, i) =>
      iamTarget(`t${i}`, { schedule: { cron: `${i % 60} 3 * * *`, tz: 'UTC' } }),
    );
    const first = await start(targets);
    expect(await first.scheduler.queue.getJobSchedulersCount()).toBe(301);
    await first.scheduler.close();
    running.splice(0);
    await deleteKeysWithPrefix(fx.redis, `${fx.prefix}:`);
    const second = await start(targets);
    expect(await second.scheduler.queue.getJobSchedulersCount()).toBe(301);
    const next = new Map((await second.scheduler.queue.getJobSchedulers()).map((s) => [s.key, s.next]));
    expect(next.get('target.t7')).toBe(nextDailyAt(3, 7));
  });
});

/** The next UTC time at hh:mm from now. */
function nextDailyAt(h: number, m: number): number {
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m);
  return today > now.getTime() ? today : today + 86_400_000;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
