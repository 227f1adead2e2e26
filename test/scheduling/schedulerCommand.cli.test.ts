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

  it('sweeps the targets never rotated into the queue, and the worker rotates each once', async () => {
    const run = fx.cli(['scheduler', '--once']);
    expect(await run.exited).toBe(0);
    const [sweep] = run.events as { due: number; enqueued: { targetId: string; why: string }[] }[];
    expect(sweep?.due).toBe(3);
    expect(sweep?.enqueued.map((e) => e.why)).toEqual(['never-rotated', 'never-rotated', 'never-rotated']);
    await until(() => fx.changesPerUser().size === 3, 15_000, 'three rotations');

    // Sweeping again finds nothing due: Vault now says every password is fresh.
    const again = fx.cli(['scheduler', '--once']);
    expect(await again.exited).toBe(0);
    expect(again.events[0]).toMatchObject({ due: 0, enqueued: [] });
    expect([...fx.changesPerUser().values()]).toEqual([1, 1, 1]);
  });
});
