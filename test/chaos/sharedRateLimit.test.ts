import { afterEach, describe, expect, it } from '@jest/globals';
import { chaosTargets, makeChaosFixture, type ChaosFixture } from './chaosFixture.js';

/** The most requests that arrived within any one second. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] as number) - (sorted[i] as number) >= 1000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('the per-endpoint rate limit', () => {
  let fx: ChaosFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('is one limit for every worker process sharing a Redis, not one per process', async () => {
    const perSecond = 30;
    const targets = chaosTargets(30, ['huawei-iam-user'], 'rate').map((t) => ({
      ...t,
      http: { ratePerSecond: perSecond, rateBurst: 1 },
    }));
    fx = await makeChaosFixture({ targets });
    fx.spawnWorker();
    fx.spawnWorker();
    await new Promise((r) => setTimeout(r, 1_500));
    const started = Date.now();
    await fx.enqueueAll();
    await fx.waitInSync(60_000);
    const times = fx.sim.requestLog.filter((r) => r.at >= started).map((r) => r.at);
    expect(times.length).toBeGreaterThanOrEqual(targets.length * 3);
    // Paced by Redis's clock, timed at the simulator: allow for the spread of response times.
    // Two workers pacing alone would reach twice the limit.
    expect(busiestSecond(times)).toBeLessThanOrEqual(perSecond * 1.25);
  }, 90_000);
});
