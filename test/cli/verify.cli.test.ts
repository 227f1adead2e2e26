import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeMassFixture, type MassFixture } from '../scheduling/massRotationFixture.js';

describe('rotor verify', () => {
  let fx: MassFixture;

  beforeAll(async () => {
    fx = await makeMassFixture(3);
  });
  afterAll(async () => {
    await fx?.close();
  });

  const userIdOf = (id: string) =>
    (fx.config.targets.find((t) => t.id === id) as { userId: string } | undefined)?.userId ?? '';

  it('prints each target’s heartbeat and exits 0 when every stored password logs in', async () => {
    const run = fx.cli(['verify', '--all', '--json']);
    expect(await run.exited).toBe(0);
    expect(run.events.map((e) => [e.targetId, e.result]).sort()).toEqual([
      ['iam-0', 'verified'],
      ['iam-1', 'verified'],
      ['iam-2', 'verified'],
    ]);
  });

  it('exits 1 when a password was changed behind rotor’s back, naming the target and the fix', async () => {
    const user = fx.sim.iam.state.users.get(userIdOf('iam-1')) as { password: string };
    user.password = 'Set-By-Hand-7!';
    const run = fx.cli(['verify', 'iam-1', 'iam-2', '--json']);
    expect(await run.exited).toBe(1);
    expect(run.events).toHaveLength(2);
    expect(run.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          targetId: 'iam-1',
          result: 'drifted',
          message: expect.stringContaining('rotor reconcile iam-1'),
        }),
        expect.objectContaining({ targetId: 'iam-2', result: 'verified' }),
      ]),
    );
    expect(fx.sim.requests('iam.token').filter((r) => r.status === 401)).toHaveLength(1);
    expect(run.stderr.join('')).not.toContain('Set-By-Hand-7!');
  });

  it('refuses a command line without targets', async () => {
    const run = fx.cli(['verify']);
    expect(await run.exited).toBe(2);
    expect(run.stderr.join('')).toContain('verify: name targets: ids or --all');
  });
});
