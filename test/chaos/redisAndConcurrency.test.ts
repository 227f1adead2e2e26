import { afterEach, describe, expect, it } from '@jest/globals';
import { startOwnRedis } from '../helpers/ownRedis.js';
import { itWithOwnRedis } from '../helpers/redisServer.js';
import { chaosTargets, makeChaosFixture, type ChaosFixture } from './chaosFixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rotation across Redis restarts and competing workers', () => {
  let fx: ChaosFixture | undefined;
  let redis: Awaited<ReturnType<typeof startOwnRedis>> | undefined;
  afterEach(async () => {
    await fx?.close().catch(() => undefined);
    await redis?.stop();
    fx = undefined;
    redis = undefined;
  });

  itWithOwnRedis(
    'a Redis restart in the middle of a run: the worker reconnects and finishes, no pending record left',
    async () => {
      redis = await startOwnRedis();
      fx = await makeChaosFixture({
        targets: chaosTargets(30, ['huawei-iam-user', 'huawei-meeting-user', 'huawei-cbh-admin'], 'redis'),
        redisUrl: redis.url,
      });
      for (const route of ['iam.changePassword', 'meeting.changePassword', 'cbh.changePassword']) {
        fx.sim.inject({ route, kind: 'latency', ms: 150, times: Infinity });
      }
      const worker = fx.spawnWorker({ ROTOR_REDIS_URL: redis.url });
      await fx.enqueueAll();
      const deadline = Date.now() + 20_000;
      while (fx.sim.requests('iam.changePassword').length === 0 && Date.now() < deadline) await sleep(20);
      await redis.kill();
      await sleep(1_000);
      await redis.restart();
      fx.sim.clearFaults();
      await fx.waitInSync(60_000);
      expect(worker.child.exitCode).toBeNull();
    },
    120_000,
  );

  it('two workers, 100 targets, three requests each at once: no two rotations of a target overlap', async () => {
    // Meeting's 5-minute cooldown would park the 2nd and 3rd requests for minutes; IAM and CBH have none.
    fx = await makeChaosFixture({ targets: chaosTargets(100, ['huawei-iam-user', 'huawei-cbh-admin'], 'race') });
    fx.spawnWorker();
    fx.spawnWorker();
    await Promise.all([fx.enqueueAll(), fx.enqueueAll(), fx.enqueueAll()]);
    const ids = fx.config.targets.map((t) => t.id);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const counts = await fx.queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
      if ((counts.completed ?? 0) + (counts.failed ?? 0) === ids.length * 3) break;
      if (Date.now() > deadline) throw new Error(`jobs still open: ${JSON.stringify(counts)}`);
      await sleep(250);
    }
    expect(await fx.queue.getJobCounts('failed')).toEqual({ failed: 0 });
    await fx.waitInSync(10_000);

    const events = (await fx.rotor.audit.read?.()) ?? [];
    expect(events.filter((e) => e.type === 'rotation.failed')).toEqual([]);
    for (const target of fx.config.targets) {
      // Every request rotated: three versions on top of the seed.
      expect((await fx.rotor.store.readSecret(target.secretPath))?.version).toBe(4);
      const mine = events.filter((e) => e.targetId === target.id);
      const intervals: [number, number][] = [];
      let open: number | undefined;
      for (const e of mine) {
        if (e.type === 'rotation.started') {
          expect(open).toBeUndefined();
          open = Date.parse(e.time);
        } else if ((e.type === 'rotation.succeeded' || e.type === 'rotation.failed') && open !== undefined) {
          intervals.push([open, Date.parse(e.time)]);
          open = undefined;
        }
      }
      expect(intervals).toHaveLength(3);
    }
    // IAM demands the old password on each change: all accepted means the changes ran one after another.
    const iamChanges = fx.sim.requests('iam.changePassword');
    expect(iamChanges).toHaveLength(150);
    expect(iamChanges.every((r) => r.status === 204)).toBe(true);
  }, 180_000);
});
