import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { silentLogger } from '../../src/observability/logger.js';
import type { RotationQueue } from '../../src/queue/enqueueRotation.js';
import { rotateQueueName } from '../../src/queue/names.js';
import { scheduleQueueName } from '../../src/queue/scheduleNames.js';
import { readStatus } from '../../src/scheduling/statusReport.js';
import type { ScheduleQueue } from '../../src/scheduling/syncSchedules.js';
import { startScheduler, type RotorScheduler } from '../../src/scheduling/startScheduler.js';
import { makeMassFixture, until, type MassFixture } from './massRotationFixture.js';

const hour = 3_600_000;
const day = 24 * hour;

describe('onboarding 200 targets whose passwords are already in Vault', () => {
  let fx: MassFixture;
  const running: RotorScheduler[] = [];

  beforeAll(async () => {
    fx = await makeMassFixture(200, { maxAge: '90d' });
  });
  afterAll(async () => {
    for (const s of running) await s.close().catch(() => undefined);
    await fx?.close();
  });

  const start = async (options: Parameters<typeof startScheduler>[1] = {}) => {
    const deps = { config: fx.config, logger: silentLogger, store: fx.rotor.store, audit: fx.rotor.audit };
    const scheduler = await startScheduler(deps, options);
    running.push(scheduler);
    return scheduler;
  };
  const ids = () => fx.config.targets.map((t) => t.id);

  it('verifies each once on the first run and changes nothing; the later sweep spreads their rotations over the window', async () => {
    const first = await start();
    const sweep = await first.sweep();
    expect(sweep).toMatchObject({ due: 0, enqueued: [] });
    expect(new Set(sweep.onboarding.map((o) => o.targetId))).toEqual(new Set(ids()));

    const records = async () => Promise.all(ids().map((id) => fx.rotor.heartbeats.get(id)));
    await until(async () => (await records()).every((r) => r?.result === 'verified'), 60_000, '200 verifications');
    expect(fx.changesPerUser().size).toBe(0);
    expect(fx.sim.requests('iam.changePassword')).toHaveLength(0);
    expect(fx.sim.requests('iam.token').filter((r) => r.status === 201)).toHaveLength(200);
    // rotor status: never rotated, onboarded, next due when the stored password reaches 90 days.
    const queues = [rotateQueueName, scheduleQueueName].map(
      (name) => new Queue(name, { connection: fx.redis, prefix: fx.config.redis.prefix }),
    );
    const rows = await readStatus({
      targets: fx.config.targets,
      store: fx.rotor.store,
      redis: fx.redis,
      prefix: fx.config.redis.prefix,
      rotateQueue: queues[0] as RotationQueue,
      scheduleQueue: queues[1] as ScheduleQueue,
      scheduling: fx.config.scheduling,
    });
    for (const q of queues) await q.close();
    for (const row of rows) {
      expect(row).toMatchObject({
        state: 'never rotated',
        storedAt: expect.any(String),
        heartbeat: { result: 'verified' },
      });
      expect(Date.parse(row.nextDue ?? '')).toBeGreaterThan(Date.now() + 89 * day);
    }

    // Seen now: the next sweep counts their age from when Vault's secret was written, and none is due.
    expect(await first.sweep()).toMatchObject({ due: 0, enqueued: [], onboarding: [] });
    await first.close();
    running.pop();

    // Years on (past every maxAge), with a nightly window: all are overdue, and their starts spread over it.
    const later = Date.parse('2030-03-05T12:00:00Z');
    const windowOpens = Date.parse('2030-03-06T01:00:00Z');
    const second = await start({
      now: () => later,
      scheduling: {
        maintenanceWindow: { days: ['tue', 'wed'], start: '01:00', end: '05:00', tz: 'UTC' },
        jitter: 4 * hour,
      },
    });
    // Vault's times are real ones: move "now" past the secrets' age by 91 days.
    expect(later - Date.now()).toBeGreaterThan(91 * day);
    const overdue = await second.sweep();
    expect(overdue.onboarding).toEqual([]);
    expect(overdue.due).toBe(200);
    const starts = overdue.enqueued.map((e) => later + e.delayMs);
    for (const t of starts) {
      expect(t).toBeGreaterThanOrEqual(windowOpens);
      expect(t).toBeLessThan(windowOpens + 4 * hour);
    }
    // Eight half-hour slices of the window each take a share (25 expected), none takes the crowd.
    const slices = Array.from(
      { length: 8 },
      (_, i) => starts.filter((t) => Math.floor((t - windowOpens) / (hour / 2)) === i).length,
    );
    for (const n of slices) {
      expect(n).toBeGreaterThanOrEqual(10);
      expect(n).toBeLessThanOrEqual(45);
    }
    expect(fx.sim.requests('iam.changePassword')).toHaveLength(0);
  }, 120_000);
});
