import { afterEach, describe, expect, it } from '@jest/globals';
import { makeChaosFixture, type ChaosFixture } from './chaosFixture.js';

/**
 * The access-key protocol proven the hard way: a worker killed with SIGKILL at each boundary (the
 * pending record written, the create reply received but not yet stored, stored, verified, promoted, and
 * in the retirement jobs), or a create reply lost on the wire; a fresh worker finishes. Every run ends
 * with exactly one key per user, active, held by Vault and signing requests; no user ever held more than
 * 2 keys; no orphan is left.
 */
const perRun = 6;

describe('access-key rotation with a worker killed at a boundary', () => {
  let fx: ChaosFixture | undefined;
  let sampler: NodeJS.Timeout | undefined;
  afterEach(async () => {
    clearInterval(sampler);
    await fx?.close();
    fx = undefined;
  });

  async function start(tag: string): Promise<{ f: ChaosFixture; mostKeys: () => number }> {
    const targets = Array.from({ length: perRun }, (_, i) => ({
      id: `ak-${tag}-${i}`,
      kind: 'huawei-iam-access-key',
      endpoint: 'SIM',
      userId: `k${tag}${i}`,
      secretPath: `chaos/${tag}/ak-${i}`,
      retirement: { quietPeriod: '600ms', deleteAfter: '300ms', maxWait: '1h', checkEvery: '200ms' },
    }));
    const f = await makeChaosFixture({ targets });
    fx = f;
    let most = 0;
    // Watches every user's key count for the whole run, not only at the end.
    sampler = setInterval(() => {
      for (const t of targets) most = Math.max(most, f.sim.iam.accessKeysOf(t.userId).length);
    }, 10);
    return { f, mostKeys: () => most };
  }

  /** One key per user, active, the one Vault holds, accepted for signing; no pending record left. */
  async function waitSettled(f: ChaosFixture, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(
        f.config.targets.map(async (t) => {
          if (t.kind !== 'huawei-iam-access-key') return false;
          const secret = await f.rotor.store.readSecret(t.secretPath);
          const keys = f.sim.iam.accessKeysOf(t.userId);
          const live = f.sim.iam.state.accessKeys.get(secret?.data.access_key as string);
          return (
            secret !== null &&
            secret.version === 2 &&
            keys.length === 1 &&
            keys[0]?.ak === secret.data.access_key &&
            keys[0]?.status === 'active' &&
            live?.sk === secret.data.secret_key &&
            (await f.rotor.store.readIssuePending(t.id)) === null
          );
        }),
      );
      if (states.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`not settled after ${timeoutMs} ms: ${states.join(',')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function expectSettled(f: ChaosFixture, mostKeys: () => number, survivorOutput: string[]): Promise<void> {
    await waitSettled(f, 80_000);
    expect(mostKeys()).toBeLessThanOrEqual(2);
    // No create was ever refused for the limit: rotor never tried to exceed it.
    expect(f.sim.requests('iam.createAccessKey').filter((r) => r.status === 400)).toEqual([]);
    // Each old key's retirement ended once: deleted, or found gone by the job that resumed a delete.
    // The job records the end just after it removes the pending record, so the last one may trail.
    const retiredTargets = async () => {
      const events = (await f.rotor.audit.read?.()) ?? [];
      const ends = events.filter(
        (e) =>
          e.type === 'rotation.step' &&
          e.step === 'retire' &&
          ['deleted', 'already-gone'].includes(String(e.detail?.result)),
      );
      return new Set(ends.map((e) => e.targetId)).size;
    };
    const endsBy = Date.now() + 10_000;
    while ((await retiredTargets()) < perRun && Date.now() < endsBy) await new Promise((r) => setTimeout(r, 100));
    expect(await retiredTargets()).toBe(perRun);
    expect((await f.rotor.audit.verify?.())?.ok).toBe(true);
    const text = survivorOutput.join('\n');
    for (const s of f.sim.secrets()) expect(text).not.toContain(s);
  }

  it.each([
    'pending-written',
    'issued',
    'changed',
    'verified',
    'promoted',
    'retire-deactivated',
    'retire-deleted',
  ] as const)(
    'at "%s" is finished by the next worker',
    async (boundary) => {
      const { f, mostKeys } = await start(boundary.replace('-', ''));
      const doomed = f.spawnWorker({ ROTOR_TEST_CRASH_AT: boundary });
      await f.enqueueAll();
      expect((await doomed.exited).signal).toBe('SIGKILL');
      const survivor = f.spawnWorker();
      await expectSettled(f, mostKeys, survivor.output);
      if (!boundary.startsWith('retire')) {
        const events = (await f.rotor.audit.read?.()) ?? [];
        expect(events.some((e) => e.type === 'rotation.step' && e.step === 'recover')).toBe(true);
      }
    },
    120_000,
  );

  it('with create replies lost on the wire deletes the orphans and promotes fresh keys', async () => {
    const { f, mostKeys } = await start('dropped');
    f.sim.inject({ kind: 'applyThenDrop', route: 'iam.createAccessKey', times: perRun });
    const worker = f.spawnWorker();
    await f.enqueueAll();
    await expectSettled(f, mostKeys, worker.output);
    const events = (await f.rotor.audit.read?.()) ?? [];
    const orphans = events.filter(
      (e) => e.type === 'rotation.step' && e.step === 'recover' && e.detail?.found === 'orphan',
    );
    expect(orphans).toHaveLength(perRun);
    // Each orphan was deleted: perRun orphans + perRun old keys.
    expect(f.sim.requests('iam.deleteAccessKey').filter((r) => r.status === 204)).toHaveLength(2 * perRun);
  }, 120_000);
});
