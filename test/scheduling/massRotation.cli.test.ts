import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TargetConfig } from '../../src/config/schema.js';
import { makeMassFixture, until, type MassFixture } from './massRotationFixture.js';

const ofType = (events: Record<string, unknown>[], type: string) => events.filter((e) => e.event === type);
const ids = (events: Record<string, unknown>[]) => events.map((e) => String(e.targetId));

describe('rotor rotate --all --wait over 200 simulator targets', () => {
  let fx: MassFixture;

  beforeAll(async () => {
    fx = await makeMassFixture(200);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('killed halfway and run again, rotates each target exactly once and reports every outcome', async () => {
    const args = ['rotate', '--all', '--wait', '--json', '--timeout', '120s', '--reason', 'breach drill'];
    const first = fx.cli(args);
    await until(() => ofType(first.events, 'succeeded').length >= 60, 60_000, '60 rotations in the first run');
    first.child.kill('SIGKILL');
    await first.exited;
    const firstRun = ofType(first.events, 'run')[0];
    expect(firstRun).toMatchObject({ resumed: false, targets: 200 });
    expect(ofType(first.events, 'queued')).toHaveLength(200);
    const doneFirst = ids(ofType(first.events, 'succeeded'));
    expect(doneFirst.length).toBeLessThan(200);

    const second = fx.cli(args);
    expect(await second.exited).toBe(0);
    const secondRun = ofType(second.events, 'run')[0];
    expect(secondRun).toMatchObject({ resumed: true, runId: firstRun?.runId });
    // Nothing is enqueued twice: targets still queued or rotating are joined, finished ones skipped.
    expect(ofType(second.events, 'queued').filter((e) => e.state === 'added')).toEqual([]);
    const skipped = ids(ofType(second.events, 'skipped'));
    expect(skipped).toEqual(expect.arrayContaining(doneFirst));
    const summary = ofType(second.events, 'summary')[0];
    expect(summary).toMatchObject({ total: 200, failed: 0, timedOut: 0, ok: true });
    expect(Number(summary?.succeeded) + Number(summary?.skipped)).toBe(200);
    // Every target has an outcome across the two runs.
    expect(new Set([...doneFirst, ...skipped, ...ids(ofType(second.events, 'succeeded'))]).size).toBe(200);

    // The simulator saw exactly one successful change per user, and Vault holds each live password.
    const changes = fx.changesPerUser();
    expect(changes.size).toBe(200);
    expect([...changes.values()].every((n) => n === 1)).toBe(true);
    for (const t of fx.config.targets.slice(0, 20) as (TargetConfig & { userId: string })[]) {
      const secret = await fx.rotor.store.readSecret(t.secretPath);
      expect(secret?.password).toBe(fx.sim.livePassword('huawei-iam-user', t.userId));
      expect(secret?.customMetadata.rotor_target).toBe(t.id);
    }
    // A succeeded event carries the rotation's outcome.
    expect(ofType(second.events, 'succeeded')[0] ?? ofType(first.events, 'succeeded')[0]).toMatchObject({
      outcome: { verified: true, version: 2 },
    });
    // Its own waits allow 60 s a phase: two CLI runs over 200 targets outlast the default 30 s on a busy machine.
  }, 150_000);

  it('rotor status reports every target with its last success from Vault', async () => {
    const status = fx.cli(['status', '--json']);
    expect(await status.exited).toBe(0);
    const rows = status.events[0] as unknown as { targetId: string; state: string; lastSuccess?: string }[];
    expect(rows).toHaveLength(200);
    expect(rows.every((r) => r.state === 'ok' && r.lastSuccess !== undefined)).toBe(true);
  });
});
