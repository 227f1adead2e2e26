import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeMassFixture, type MassFixture } from './massRotationFixture.js';

describe('rotor rotate --dry-run', () => {
  let fx: MassFixture;

  beforeAll(async () => {
    fx = await makeMassFixture(3);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('makes zero change calls and reports the problems it found, such as a wrong current password', async () => {
    const [broken] = fx.config.targets;
    if (!broken) throw new Error('no target');
    // Vault's copy no longer matches the live password: a real rotation would fail to log in.
    fx.vault.kvPut('secret', broken.secretPath, { password: 'Not-The-Live-Password-1' });
    const before = fx.sim.requestLog.length;

    const run = fx.cli(['rotate', '--all', '--dry-run', '--json']);
    expect(await run.exited).toBe(1);
    const reports = run.events.filter((e) => e.event === 'dry-run');
    expect(reports).toHaveLength(3);
    const byTarget = new Map(reports.map((e) => [e.targetId, e.report as { ok: boolean; problems: string[] }]));
    expect(byTarget.get(broken.id)?.ok).toBe(false);
    expect(byTarget.get(broken.id)?.problems.join('\n')).toMatch(/refused|AuthFailed/);
    expect(byTarget.get('iam-1')).toMatchObject({ ok: true, problems: [] });
    expect(run.events.at(-1)).toMatchObject({ event: 'summary', succeeded: 2, problems: 1, ok: false });

    const calls = fx.sim.requestLog.slice(before);
    expect(calls.filter((r) => r.route === 'iam.changePassword')).toEqual([]);
    // It did log in: the dry run tried the stored password for real.
    expect(calls.some((r) => r.route === 'iam.token')).toBe(true);
    // And nothing was written: Vault still holds version 2 (the seeded one, then the broken one).
    expect((await fx.rotor.store.readSecret(broken.secretPath))?.version).toBe(2);
  });

  it('exits 2 for a target the config does not have, before anything is queued', async () => {
    const run = fx.cli(['rotate', 'no-such-target', '--wait']);
    expect(await run.exited).toBe(2);
    expect(run.stderr.join('')).toMatch(/no target "no-such-target"/);
  });
});
