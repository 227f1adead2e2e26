import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { generatePassword } from '../../src/policy/index.js';
import { effectivePolicy } from '../../src/connectors/kindPolicy.js';
import { makeChaosFixture, type ChaosFixture } from './chaosFixture.js';

/**
 * Alternating accounts under the fault suite's hardest fault: the worker is killed with SIGKILL at each
 * boundary between rotation steps, and a fresh worker finishes. Every target must end with its secret
 * naming the other account and holding that account's live password, and the account consumers used
 * before still logging in with the password it had.
 */
const perKind = 6;

interface Pair {
  id: string;
  kind: 'huawei-iam-user' | 'huawei-meeting-user';
  a: { key: string; password?: string };
  b: { key: string; password: string; userName?: string };
}

function alternatingTargets(tag: string): { targets: Record<string, unknown>[]; pairs: Pair[] } {
  const targets: Record<string, unknown>[] = [];
  const pairs: Pair[] = [];
  const fresh = (kind: string) => generatePassword(effectivePolicy({ kind, configured: { length: 16 } }));
  for (let i = 0; i < perKind; i++) {
    const id = `iam-alt-${tag}-${i}`;
    const ua = `u${randomUUID().replace(/-/g, '')}`;
    const ub = `u${randomUUID().replace(/-/g, '')}`;
    targets.push({
      id,
      kind: 'huawei-iam-user',
      endpoint: 'SIM',
      secretPath: `chaos/${tag}/${id}`,
      domainName: 'acme',
      userId: ua,
      userName: `svc${i}-a`,
      strategy: 'alternating',
      accounts: [
        { name: 'a', userId: ua, userName: `svc${i}-a` },
        { name: 'b', userId: ub, userName: `svc${i}-b` },
      ],
    });
    pairs.push({
      id,
      kind: 'huawei-iam-user',
      a: { key: ua },
      b: { key: ub, password: fresh('huawei-iam-user'), userName: `svc${i}-b` },
    });
  }
  for (let i = 0; i < perKind; i++) {
    const id = `meeting-alt-${tag}-${i}`;
    const [ma, mb] = [`svc${i}-a.${tag}@acme.com`, `svc${i}-b.${tag}@acme.com`];
    targets.push({
      id,
      kind: 'huawei-meeting-user',
      endpoint: 'SIM',
      secretPath: `chaos/${tag}/${id}`,
      account: ma,
      strategy: 'alternating',
      accounts: [
        { name: 'a', account: ma },
        { name: 'b', account: mb },
      ],
    });
    pairs.push({
      id,
      kind: 'huawei-meeting-user',
      a: { key: ma },
      b: { key: mb, password: fresh('huawei-meeting-user') },
    });
  }
  return { targets, pairs };
}

describe('alternating accounts with a worker killed at a step boundary', () => {
  let fx: ChaosFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it.each(['pending-written', 'changed', 'verified', 'promoted'] as const)(
    'at "%s": the secret names the other account with its live password, and the first still logs in',
    async (boundary) => {
      const { targets, pairs } = alternatingTargets(boundary.replace('-', ''));
      const f = await makeChaosFixture({ targets });
      fx = f;
      // seedTargets made account a (the target's own fields) and its secret; the operator adds b.
      for (const p of pairs) {
        p.a.password = f.sim.livePassword(p.kind, p.a.key);
        if (p.kind === 'huawei-iam-user') {
          f.sim.iam.seedUser({
            userId: p.b.key,
            userName: p.b.userName ?? '',
            domainName: 'acme',
            password: p.b.password,
          });
        } else {
          f.sim.meeting.seedAccount({ account: p.b.key, password: p.b.password });
        }
        f.vault.kvPut('secret', `rotor/state/accounts/${p.id}`, { b: p.b.password });
      }
      const doomed = f.spawnWorker({ ROTOR_TEST_CRASH_AT: boundary });
      await f.enqueueAll();
      expect((await doomed.exited).signal).toBe('SIGKILL');
      // What the killed worker left: pending records, each naming the account being changed.
      const left = (await Promise.all(pairs.map((p) => f.rotor.store.readPending(p.id)))).filter((r) => r !== null);
      expect(left.length).toBeGreaterThan(0);
      for (const r of left) expect(r?.record.account).toBe('b');
      const survivor = f.spawnWorker();

      const settled = async (p: Pair) => {
        const target = f.config.targets.find((t) => t.id === p.id);
        const secret = await f.rotor.store.readSecret(target?.secretPath ?? '');
        return (
          secret?.data.account === 'b' &&
          secret.password === f.sim.livePassword(p.kind, p.b.key) &&
          (await f.rotor.store.readPending(p.id)) === null
        );
      };
      const deadline = Date.now() + 60_000;
      let open = pairs;
      while (open.length > 0) {
        const done = await Promise.all(open.map(settled));
        open = open.filter((_, i) => !done[i]);
        if (open.length === 0) break;
        if (Date.now() > deadline) throw new Error(`not settled: ${open.map((p) => p.id).join(', ')}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      for (const p of pairs) {
        const target = f.config.targets.find((t) => t.id === p.id);
        const secret = await f.rotor.store.readSecret(target?.secretPath ?? '');
        // One switch: the seeded version, then the one naming b.
        expect(secret?.version).toBe(2);
        // Account a was never changed: consumers still holding its password keep logging in.
        expect(f.sim.livePassword(p.kind, p.a.key)).toBe(p.a.password);
        expect(f.sim.livePassword(p.kind, p.b.key)).not.toBe(p.b.password);
        // rotor's record knows both live passwords, for b's next turn and a's.
        const record = await f.rotor.store.readSecret(`rotor/state/accounts/${p.id}`);
        expect(record?.data).toEqual({ a: p.a.password, b: f.sim.livePassword(p.kind, p.b.key) });
      }
      const events = (await f.rotor.audit.read?.()) ?? [];
      // The next worker found each crashed rotation's pending record and resolved it.
      expect(events.filter((e) => e.type === 'rotation.step' && e.step === 'recover').length).toBeGreaterThan(0);
      const failures = events.filter((e) => e.type === 'rotation.failed' && e.errorCode !== 'OutcomeUnknown');
      expect(failures.map((e) => e.errorCode)).toEqual([]);
      const logText = survivor.output.join('\n');
      for (const p of pairs) {
        expect(logText).not.toContain(p.b.password);
        expect(logText).not.toContain(f.sim.livePassword(p.kind, p.b.key) as string);
      }
    },
    120_000,
  );
});
