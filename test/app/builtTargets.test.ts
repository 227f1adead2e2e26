import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { builtTargetsKept, makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import type { TargetConfig } from '../../src/config/schema.js';
import { rotateTarget } from '../../src/rotation/rotateTarget.js';
import { silentLogger } from '../../src/observability/logger.js';
import { makeRotorFixture, type RotorFixture } from '../helpers/rotorFixture.js';

/**
 * A long-lived worker rotates every target in turn: it keeps the rotation parts (connector, logger,
 * password maker) of the targets it used lately, not of every target it ever rotated.
 */
let fx: RotorFixture;
let rotor: Rotor;
let real: TargetConfig;
let others: TargetConfig[];

beforeAll(async () => {
  fx = await makeRotorFixture({ iamUsers: 1, logger: silentLogger });
  real = fx.config.targets.find((t) => t.id === fx.users[0]!.id)!;
  // Targets that are only built, never rotated: copies of the real one under other ids.
  others = Array.from({ length: builtTargetsKept + 5 }, (_, i) => ({ ...real, id: `copy-${i}` }));
  rotor = await makeRotor({ ...fx.config, targets: [...fx.config.targets, ...others] }, silentLogger);
});
afterAll(async () => {
  await rotor.close();
  await fx.close();
});

describe('the targets a rotor keeps built', () => {
  it('are the most recently used ones, and a target let go of is built again and rotates', async () => {
    const first = rotor.rotationDeps(real);
    await rotateTarget(first, { actor: 'test' });
    expect(rotor.rotationDeps(real)).toBe(first);

    const recent = rotor.rotationDeps(others[0]!);
    for (const t of others.slice(1, builtTargetsKept)) rotor.rotationDeps(t);
    // Used again just now: kept while the older ones make room.
    expect(rotor.rotationDeps(others[0]!)).toBe(recent);
    for (const t of others.slice(builtTargetsKept)) rotor.rotationDeps(t);

    expect(rotor.rotationDeps(others[0]!)).toBe(recent);
    const again = rotor.rotationDeps(real);
    expect(again).not.toBe(first);
    await expect(rotateTarget(again, { actor: 'test' })).resolves.toMatchObject({ targetId: real.id, version: 3 });
    expect(fx.sim.iam.livePassword(fx.users[0]!.userId)).toBe(
      (await rotor.store.readSecret(real.secretPath))?.password,
    );
  });
});
