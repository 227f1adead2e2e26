import { afterEach, describe, expect, it } from '@jest/globals';
import type { Queue } from 'bullmq';
import type { RotorConfig, TargetConfig } from '../../src/config/schema.js';
import { eventsSchema } from '../../src/events/schema.js';
import { outboxKeys } from '../../src/events/outboxKeys.js';
import { makeVaultStore } from '../../src/secrets/index.js';
import { enqueueRotation } from '../../src/queue/enqueueRotation.js';
import { mapLimit } from '../../src/queue/mapLimit.js';
import { enqueueHeartbeat, waitForHeartbeats, type HeartbeatWaitResult } from '../../src/queue/heartbeatJob.js';
import { waitForRotations } from '../../src/queue/waitForRotations.js';
import { reconcileTarget } from '../../src/rotation/reconcile.js';
import { captureLogs } from '../helpers/logCapture.js';
import { makeMetrics } from '../../src/observability/metrics.js';
import { makeRotor, makeRotorFixture, type RotorFixture } from '../helpers/rotorFixture.js';
import type { Rotor } from '../../src/app/makeRotor.js';

const refusedLogins = (fx: RotorFixture) => fx.sim.requests('iam.token').filter((r) => r.status === 401).length;
const logins = (fx: RotorFixture) => fx.sim.requests('iam.token').length;

/** The heartbeat of each target, through the queue and a worker, as `rotor verify` runs it. */
async function verify(queue: Queue, rotor: Rotor, ids: string[], timeoutMs = 30_000): Promise<HeartbeatWaitResult[]> {
  const jobs = [];
  for (const id of ids)
    jobs.push(await enqueueHeartbeat({ queue, target: (t) => rotor.target(t) }, id, { requestedBy: 'test' }));
  return waitForHeartbeats(queue, jobs, { timeoutMs });
}

function outcomeOf(result: HeartbeatWaitResult | undefined) {
  if (result?.status !== 'done') throw new Error(`heartbeat did not finish: ${JSON.stringify(result)}`);
  return result.outcome;
}

describe('heartbeat', () => {
  let fx: RotorFixture | undefined;
  let rotor: Rotor | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await rotor?.close();
    await fx?.close();
    rotor = undefined;
    fx = undefined;
  });

  async function setUp(iamUsers: number, adjust: (config: RotorConfig) => RotorConfig = (c) => c, sim = {}) {
    const logs = captureLogs('info');
    fx = await makeRotorFixture({ iamUsers, logger: logs.logger, sim });
    const config = adjust(fx.config);
    const metrics = makeMetrics({ defaultMetrics: false });
    rotor = await makeRotor(config, logs.logger, { metrics });
    const { queue } = await fx.startWorker(rotor, 8);
    return { fx, rotor, queue, logs, config, metrics };
  }

  it('finds a password changed behind rotor’s back with one refused login, marks, announces and alerts it once, and logs in no more until reconcile', async () => {
    const { fx, rotor, queue, logs, metrics } = await setUp(2, (c) => ({
      ...c,
      // A short refused-login window, so the test can see heartbeats resume once it has passed.
      targets: c.targets.map((t) => ({ ...t, refusedLoginWindowMs: 3_000 })),
      events: eventsSchema.parse({ webhooks: [{ name: 'ops', url: 'http://127.0.0.1:9/rotor' }] }),
    }));
    const [alice, bob] = fx.users as [RotorFixture['users'][number], RotorFixture['users'][number]];
    const behindTheBack = 'Changed-By-Hand-42!';
    (fx.sim.iam.state.users.get(alice.userId) as { password: string }).password = behindTheBack;

    const [drift, fine] = await verify(queue, rotor, [alice.id, bob.id]);
    expect(outcomeOf(drift)).toMatchObject({ targetId: alice.id, result: 'drifted' });
    expect(outcomeOf(fine)).toMatchObject({ targetId: bob.id, result: 'verified', lastVerified: expect.any(String) });
    expect(refusedLogins(fx)).toBe(1);
    expect(await rotor.status.get(alice.id)).toMatchObject({ state: 'out-of-sync', lastErrorCode: 'Drifted' });

    // One audit event, one announced event (outbox), one alert.
    const audited = (await rotor.audit.read?.()) ?? [];
    const checks = audited.filter((e) => e.type === 'heartbeat.checked' && e.targetId === alice.id);
    expect(checks).toEqual([expect.objectContaining({ outcome: 'drifted', errorCode: 'Drifted' })]);
    const outbox = await fx.redis.xrange(outboxKeys(fx.prefix).outbox, '-', '+');
    expect(outbox.filter(([, fields]) => fields[1]?.includes('"heartbeat.checked"'))).toHaveLength(1);
    expect(logs.lines.filter((l) => l.includes(`alert heartbeat.drifted ${alice.id}`))).toHaveLength(1);
    const counted = await metrics.registry.getSingleMetricAsString('rotor_heartbeats_total');
    expect(counted).toContain('rotor_heartbeats_total{kind="huawei-iam-user",result="drifted"} 1');
    expect(counted).toContain('rotor_heartbeats_total{kind="huawei-iam-user",result="verified"} 1');

    // Neither another heartbeat nor a rotation sends a password for the target now.
    const before = logins(fx);
    const [again] = await verify(queue, rotor, [alice.id]);
    expect(outcomeOf(again)).toMatchObject({ result: 'skipped', message: expect.stringContaining('rotor reconcile') });
    const rotation = await enqueueRotation(
      { queue, target: (t) => rotor.target(t), audit: rotor.audit, attempts: 3 },
      alice.id,
      { requestedBy: 'test' },
    );
    const [rotated] = await waitForRotations(queue, [rotation], { timeoutMs: 20_000 });
    expect(rotated).toMatchObject({ status: 'failed', error: expect.stringContaining('out of sync') });
    expect(logins(fx)).toBe(before);
    expect(refusedLogins(fx)).toBe(1);
    expect(logs.lines.filter((l) => l.includes(`alert heartbeat.drifted ${alice.id}`))).toHaveLength(1);

    // The operator stores the password set by hand and reconciles: heartbeats log in again.
    fx.vault.kvPut('secret', `huawei/iam/${alice.id}`, { password: behindTheBack, owner: 'team-a' });
    const target = rotor.target(alice.id) as TargetConfig;
    await expect(reconcileTarget(rotor.rotationDeps(target), 'cli:test')).resolves.toMatchObject({
      method: 'current-live',
    });
    // The refused login is still in the login guard's window: no password is sent yet.
    const [guarded] = await verify(queue, rotor, [alice.id]);
    expect(outcomeOf(guarded)).toMatchObject({ result: 'skipped', message: expect.stringContaining('login guard') });
    const refusedAt = fx.sim.requests('iam.token').find((r) => r.status === 401)?.at ?? Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, refusedAt + 3_100 - Date.now())));
    const [after] = await verify(queue, rotor, [alice.id]);
    expect(outcomeOf(after)).toMatchObject({ result: 'verified' });
    expect(refusedLogins(fx)).toBe(1);
    for (const secret of [behindTheBack, alice.password]) expect(logs.text()).not.toContain(secret);
  }, 90_000);

  it('never logs in while a rotation of the same target is in flight: it waits for the rotation and checks the new password', async () => {
    // Vault stalls on promoting the new password: the target has the new one, Vault still the old one.
    const logs = captureLogs('info');
    fx = await makeRotorFixture({ iamUsers: 1, logger: logs.logger });
    const store = await makeVaultStore(fx.config.vault, { logger: logs.logger });
    const promote = store.promote.bind(store);
    store.promote = async (path, args) => {
      await new Promise((r) => setTimeout(r, 1_500));
      return promote(path, args);
    };
    rotor = await makeRotor(fx.config, logs.logger, { store });
    const { queue } = await fx.startWorker(rotor, 4);
    const [user] = fx.users as [RotorFixture['users'][number]];
    const rotation = await enqueueRotation(
      { queue, target: (t) => rotor?.target(t), audit: rotor.audit, attempts: 3 },
      user.id,
      { requestedBy: 'test' },
    );
    const sim = fx.sim;
    const changed = () => sim.requests('iam.changePassword').some((r) => r.status === 204);
    for (const deadline = Date.now() + 20_000; !changed();) {
      if (Date.now() > deadline) throw new Error('the rotation never changed the password');
      await new Promise((r) => setTimeout(r, 10));
    }
    // The race: the change is live on the target, Vault still holds the old password.
    expect(sim.iam.livePassword(user.userId)).not.toBe(user.password);
    expect((await rotor.store.readSecret(`huawei/iam/${user.id}`))?.password).toBe(user.password);
    const [beat] = await verify(queue, rotor, [user.id]);
    const [rotated] = await waitForRotations(queue, [rotation], { timeoutMs: 20_000 });

    expect(rotated?.status).toBe('succeeded');
    expect(outcomeOf(beat)).toMatchObject({ result: 'verified' });
    expect(refusedLogins(fx)).toBe(0);
    expect(await rotor.status.get(user.id)).toMatchObject({ state: 'ok' });
    // It was parked behind the rotation's lock, not run beside it.
    const job = await queue.getJob(`heartbeat.${user.id}`);
    expect(job?.progress).toMatchObject({ waiting: { code: 'TargetBusy' } });
    // The heartbeat's login came after the promote: it proved the password Vault holds now.
    expect((await rotor.store.readSecret(`huawei/iam/${user.id}`))?.password).toBe(sim.iam.livePassword(user.userId));
  }, 60_000);

  it('does not send the password again after a login whose answer was lost, until the interval has passed', async () => {
    const { fx, rotor, queue } = await setUp(1);
    const [user] = fx.users as [RotorFixture['users'][number]];
    fx.sim.inject({ route: 'iam.token', kind: 'drop', times: Infinity });
    const [lost] = await verify(queue, rotor, [user.id]);
    expect(lost).toMatchObject({ status: 'failed' });
    const sent = logins(fx);
    expect(sent).toBeGreaterThan(0);
    fx.sim.clearFaults();
    // The next sweep's request for the same target is skipped: no second login within the interval.
    const again = await enqueueHeartbeat({ queue, target: (t) => rotor.target(t) }, user.id, {
      requestedBy: 'scheduler',
      skipIfFailedSince: Date.now() - 86_400_000,
    });
    expect(again.state).toBe('recently-failed');
    expect(logins(fx)).toBe(sent);
    expect(await rotor.status.get(user.id)).toBeUndefined();
  }, 60_000);

  it('checks 1,000 targets under the configured rate limit with no throttled request, and a rotation queued behind them goes first', async () => {
    const perSecond = 100;
    const { fx, rotor, queue } = await setUp(
      1_000,
      (c) => ({
        ...c,
        targets: c.targets.map((t) => ({ ...t, http: { ...t.http, ratePerSecond: 80, rateBurst: 10 } })),
      }),
      { rateLimit: { perSecond } },
    );
    const ids = fx.users.map((u) => u.id);
    const started = Date.now();
    const jobs = await mapLimit(ids, 16, (id) => enqueueHeartbeat({ queue, target: (t) => rotor.target(t) }, id, {}));
    const rotation = await enqueueRotation(
      { queue, target: (t) => rotor.target(t), audit: rotor.audit, attempts: 3 },
      ids[999] as string,
      { requestedBy: 'test' },
    );
    const results = await waitForHeartbeats(queue, jobs, { timeoutMs: 120_000 });
    const [rotated] = await waitForRotations(queue, [rotation], { timeoutMs: 30_000 });

    const byResult = new Map<string, number>();
    for (const r of results) {
      const key = r.status === 'done' ? r.outcome.result : r.status;
      byResult.set(key, (byResult.get(key) ?? 0) + 1);
    }
    // The rotated target's heartbeat may have waited for the rotation; it then checked the new password.
    expect(Object.fromEntries(byResult)).toEqual({ verified: 1_000 });
    expect(rotated?.status).toBe('succeeded');
    const requests = fx.sim.requestLog.filter((r) => r.at >= started);
    expect(requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(requests.length).toBeGreaterThanOrEqual(1_000);
    // The rotation, queued after 1,000 heartbeats, was not left for last.
    const beatsDone = await Promise.all(
      ids.map(async (id) => (await queue.getJob(`heartbeat.${id}`))?.finishedOn ?? 0),
    );
    const rotationJob = await queue.getJob(`rotate.${ids[999]}`);
    // Picked up at once, ahead of the heartbeats still queued when it arrived.
    expect((rotationJob?.processedOn ?? Infinity) - (rotationJob?.timestamp ?? 0)).toBeLessThan(2_000);
    expect(beatsDone.filter((t) => t > (rotationJob?.finishedOn ?? Infinity)).length).toBeGreaterThan(100);
  }, 240_000);
});
