import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chaosTargets, makeChaosFixture, type ChaosFixture } from '../chaos/chaosFixture.js';
import { startHookReceiver, type HookReceiver } from './hookReceiver.js';

describe('a receiver that is down for 30 s', () => {
  let fx: ChaosFixture;
  let receiver: HookReceiver;

  beforeAll(async () => {
    receiver = await startHookReceiver();
    fx = await makeChaosFixture({
      targets: chaosTargets(3, ['huawei-iam-user', 'huawei-meeting-user', 'huawei-cbh-admin'], 'down'),
      extra: {
        events: {
          webhooks: [{ name: 'app', url: receiver.url, timeoutMs: 1_000 }],
          delivery: { maxTries: 100, initialDelayMs: 250, maxDelayMs: 2_000, pollIntervalMs: 100 },
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
    await receiver?.close().catch(() => undefined);
  });

  it('gets every event once it is back, each rotation under one id', async () => {
    await receiver.down();
    const downAt = Date.now();
    fx.spawnWorker();
    await fx.enqueueAll();
    await fx.waitInSync(30_000);
    await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - downAt))));
    expect(receiver.received).toHaveLength(0);
    await receiver.up();
    const deadline = Date.now() + 10_000;
    while (receiver.received.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const events = receiver.received.map((r) => JSON.parse(r.body) as { id: string; subject: string; type: string });
    expect(events.every((e) => e.type === 'io.rotor.rotation.succeeded')).toBe(true);
    // A repeat (at least once) keeps its id; no rotation is announced under two ids.
    const idsBySubject = new Map<string, Set<string>>();
    for (const e of events) idsBySubject.set(e.subject, (idsBySubject.get(e.subject) ?? new Set()).add(e.id));
    expect([...idsBySubject.keys()].sort()).toEqual(fx.config.targets.map((t) => t.id).sort());
    expect([...idsBySubject.values()].map((ids) => ids.size)).toEqual([1, 1, 1]);
  }, 60_000);
});
