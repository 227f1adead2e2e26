import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeMassFixture, until, type MassFixture } from './massRotationFixture.js';

describe('rotor scheduler --once', () => {
  let fx: MassFixture;

  beforeAll(async () => {
    fx = await makeMassFixture(3);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('onboards the targets never rotated with one heartbeat each, then leaves them to their max age', async () => {
    const run = fx.cli(['scheduler', '--once']);
    expect(await run.exited).toBe(0);
    const [sweep] = run.events as { due: number; enqueued: unknown[]; onboarding: { targetId: string }[] }[];
    expect(sweep).toMatchObject({ due: 0, enqueued: [] });
    expect(sweep?.onboarding.map((o) => o.targetId).sort()).toEqual(['iam-0', 'iam-1', 'iam-2']);
    const logins = () => fx.sim.requests('iam.token').filter((r) => r.status === 201).length;
    await until(() => logins() === 3, 15_000, 'three verifying logins');

    // Sweeping again: the targets are seen, and their secrets (written just now) are far from 90d old.
    await until(
      async () =>
        (await Promise.all(['iam-0', 'iam-1', 'iam-2'].map((id) => fx.rotor.heartbeats.get(id)))).every(Boolean),
      15_000,
      'three heartbeat records',
    );
    const again = fx.cli(['scheduler', '--once']);
    expect(await again.exited).toBe(0);
    expect(again.events[0]).toMatchObject({ due: 0, enqueued: [], onboarding: [] });
    expect(fx.changesPerUser().size).toBe(0);
    expect(logins()).toBe(3);
  });
});
