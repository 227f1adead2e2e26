import { afterEach, describe, expect, it } from '@jest/globals';
import { chaosTargets, makeChaosFixture, type ChaosFixture } from './chaosFixture.js';

/**
 * The invariant, proven the hard way: a worker process is killed with SIGKILL at each boundary
 * between rotation steps, a fresh worker is started, and every target must end with its live
 * password in Vault, no pending record, and the recovery in the audit. 40 targets per boundary,
 * all three built-in kinds and the two `kind: http` examples (Meeting and IAM written as config),
 * 200 rotations across the file.
 */
const perBoundary = 40;
const kinds = ['huawei-iam-user', 'huawei-meeting-user', 'huawei-cbh-admin', 'http-meeting', 'http-iam'] as const;

describe('a worker killed at a step boundary', () => {
  let fx: ChaosFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  async function expectRecoveredRun(f: ChaosFixture): Promise<void> {
    const survivor = f.spawnWorker();
    await f.waitInSync(60_000);
    // Each target was changed exactly once more than it was seeded with: version 2, one live password.
    for (const t of f.config.targets) {
      expect((await f.rotor.store.readSecret(t.secretPath))?.version).toBe(2);
    }
    const events = await f.rotor.audit.read?.();
    const recovered = (events ?? []).filter(
      (e) => e.type === 'rotation.recovered' || (e.type === 'rotation.step' && e.step === 'recover'),
    );
    expect(recovered.length).toBeGreaterThan(0);
    // Each secret's stamp names the rotation that finished it (rotated_at is what compliance reads),
    // also when the worker was killed between the promotion and the stamp.
    for (const t of f.config.targets) {
      const finished = (events ?? []).filter((e) => e.targetId === t.id && e.type === 'rotation.succeeded');
      const stamp = (await f.rotor.store.readSecret(t.secretPath))?.customMetadata;
      expect({ target: t.id, rotationId: stamp?.rotation_id, stamped: Boolean(stamp?.rotated_at) }).toEqual({
        target: t.id,
        rotationId: finished[finished.length - 1]?.rotationId,
        stamped: true,
      });
    }
    // Recovery is for the crash, not for a fault of rotor's own: no attempt failed for any other reason.
    const failures = (events ?? []).filter((e) => e.type === 'rotation.failed' && e.errorCode !== 'OutcomeUnknown');
    expect(failures.map((e) => e.errorCode)).toEqual([]);
    expect((await f.rotor.audit.verify?.())?.ok).toBe(true);
    const passwords = await Promise.all(f.config.targets.map((t) => f.rotor.store.readSecret(t.secretPath)));
    const logText = survivor.output.join('\n');
    for (const p of passwords) expect(logText).not.toContain(p?.password as string);
  }

  it.each(['pending-written', 'changed', 'verified', 'promoted'] as const)(
    'at "%s" is finished by the next worker, with Vault holding every live password',
    async (boundary) => {
      fx = await makeChaosFixture({ targets: chaosTargets(perBoundary, [...kinds], boundary.replace('-', '')) });
      const doomed = fx.spawnWorker({ ROTOR_TEST_CRASH_AT: boundary });
      await fx.enqueueAll();
      const death = await doomed.exited;
      expect(death.signal).toBe('SIGKILL');
      await expectRecoveredRun(fx);
    },
    90_000,
  );

  it('during the change call is finished by the next worker', async () => {
    fx = await makeChaosFixture({ targets: chaosTargets(perBoundary, [...kinds], 'during') });
    for (const route of ['iam.changePassword', 'meeting.changePassword', 'cbh.changePassword']) {
      fx.sim.inject({ route, kind: 'latency', ms: 400, times: Infinity });
    }
    const doomed = fx.spawnWorker();
    await fx.enqueueAll();
    // Kill while change calls are in the air: after the first pending record exists, mid-latency.
    const deadline = Date.now() + 20_000;
    const firstTarget = () =>
      Promise.all(fx!.config.targets.map((t) => fx!.rotor.store.readPending(t.id))).then((p) => p.some(Boolean));
    while (!(await firstTarget()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    fx.sim.clearFaults();
    await expectRecoveredRun(fx);
  }, 90_000);
});
