import { afterEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../helpers/runCli.js';
import { chaosTargets, liveKey, makeChaosFixture, type ChaosFixture } from './chaosFixture.js';
import { startWebhookReceiver } from './webhookReceiver.js';

const changeRoutes = ['iam.changePassword', 'meeting.changePassword', 'cbh.changePassword'];
const allKinds = ['huawei-iam-user', 'huawei-meeting-user', 'huawei-cbh-admin'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function countOk(fx: ChaosFixture, route: string): number {
  return fx.sim.requests(route).filter((r) => r.status >= 200 && r.status < 300).length;
}

describe('rotation under faults', () => {
  let fx: ChaosFixture | undefined;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
    hook?.server.close();
    hook = undefined;
  });

  it('a change applied and then dropped is finished by a probe (IAM, Meeting) or an idempotent re-send (CBH)', async () => {
    fx = await makeChaosFixture({ targets: chaosTargets(3, [...allKinds], 'drop') });
    for (const route of changeRoutes) fx.sim.inject({ route, kind: 'applyThenDrop', times: 1 });
    fx.spawnWorker();
    await fx.enqueueAll();
    await fx.waitInSync(30_000);
    // The dropped requests were applied but answered nothing: they count as neither OK nor refused.
    expect(fx.sim.requests('iam.changePassword')).toHaveLength(1);
    expect(fx.sim.requests('meeting.changePassword')).toHaveLength(1);
    expect(fx.sim.requests('cbh.changePassword')).toHaveLength(2);
    expect(countOk(fx, 'cbh.changePassword')).toBe(1);
  }, 60_000);

  it('the http examples: a change applied and then dropped is finished by a probe, without a second change', async () => {
    fx = await makeChaosFixture({ targets: chaosTargets(2, ['http-meeting', 'http-iam'], 'hdrop') });
    for (const route of ['iam.changePassword', 'meeting.changePassword'])
      fx.sim.inject({ route, kind: 'applyThenDrop', times: 1 });
    fx.spawnWorker();
    await fx.enqueueAll();
    await fx.waitInSync(30_000);
    expect(fx.sim.requests('iam.changePassword')).toHaveLength(1);
    expect(fx.sim.requests('meeting.changePassword')).toHaveLength(1);
    const events = (await fx.rotor.audit.read?.()) ?? [];
    for (const t of fx.config.targets) {
      const recovered = events.filter((e) => e.targetId === t.id && e.type === 'rotation.step' && e.step === 'recover');
      expect(recovered.length).toBeGreaterThan(0);
    }
  }, 60_000);

  it('a sealed Vault before prepare means no change call; the rotation runs once Vault is unsealed', async () => {
    fx = await makeChaosFixture({ targets: chaosTargets(3, [...allKinds], 'sealed') });
    fx.vault.seal();
    fx.spawnWorker();
    await fx.enqueueAll();
    await sleep(4_000);
    for (const route of changeRoutes) expect(fx.sim.requests(route)).toHaveLength(0);
    fx.vault.unseal();
    await fx.waitInSync(60_000);
  }, 90_000);

  it('a Vault sealed at finalize leaves the pending record, from which the rotation is finished later', async () => {
    const targets = chaosTargets(2, ['huawei-iam-user', 'huawei-meeting-user'], 'fin');
    fx = await makeChaosFixture({ targets });
    for (const route of changeRoutes) fx.sim.inject({ route, kind: 'latency', ms: 800, times: Infinity });
    fx.spawnWorker();
    await fx.enqueueAll();
    const ids = fx.config.targets.map((t) => t.id);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const pending = await Promise.all(ids.map((id) => fx!.rotor.store.readPending(id)));
      if (pending.every(Boolean)) break;
      await sleep(20);
    }
    // The change calls are in the air (800 ms): seal now, so promote meets a sealed Vault.
    fx.vault.seal();
    await sleep(2_500);
    expect(countOk(fx, 'iam.changePassword') + countOk(fx, 'meeting.changePassword')).toBe(2);
    fx.vault.unseal();
    fx.sim.clearFaults();
    await fx.waitInSync(60_000);
    // Finished from the pending record: the probe found the new password live, no second change.
    expect(fx.sim.requests('iam.changePassword')).toHaveLength(1);
    expect(fx.sim.requests('meeting.changePassword')).toHaveLength(1);
  }, 90_000);

  it('a stored-password login that fails removes the pending record written beside it: the retry probes nothing', async () => {
    fx = await makeChaosFixture({ targets: chaosTargets(1, ['huawei-meeting-user'], 'login') });
    const [meeting] = fx.config.targets;
    if (!meeting) throw new Error('fixture targets');
    // Every login is dropped until the first attempt has failed; the pending write goes beside it.
    fx.sim.inject({ route: 'meeting.accountAuth', kind: 'drop', times: Infinity });
    fx.spawnWorker();
    await fx.enqueueAll();
    const deadline = Date.now() + 20_000;
    const failed = async () =>
      ((await fx!.rotor.audit.read?.()) ?? []).some((e) => e.type === 'rotation.failed' && e.targetId === meeting.id);
    while (!(await failed())) {
      if (Date.now() > deadline) throw new Error('the first attempt never failed');
      await sleep(50);
    }
    expect(await fx.rotor.store.readPending(meeting.id)).toBeNull();
    expect(fx.sim.requests('meeting.changePassword')).toHaveLength(0);
    fx.sim.clearFaults();
    await fx.waitInSync(60_000);
    // No recovery: not one login with a password the target never had, and one change.
    expect(fx.sim.requests('meeting.accountAuth').filter((r) => r.status === 401)).toHaveLength(0);
    expect(fx.sim.requests('meeting.changePassword')).toHaveLength(1);
    const events = (await fx.rotor.audit.read?.()) ?? [];
    expect(events.filter((e) => e.targetId === meeting.id).map((e) => e.type)).not.toContain('rotation.recovered');
  }, 90_000);

  it("a password changed behind rotor's back costs one refused login, one alert, and no further attempts", async () => {
    hook = await startWebhookReceiver();
    const targets = chaosTargets(2, ['huawei-iam-user', 'huawei-meeting-user'], 'drift');
    (targets[0] as Record<string, unknown>).adminCredential = 'iam-admin';
    fx = await makeChaosFixture({
      targets,
      alertUrl: hook.url,
      credentials: { 'iam-admin': { secretPath: 'chaos/operators/iam-admin' } },
    });
    const [iam, meeting] = fx.config.targets;
    if (iam?.kind !== 'huawei-iam-user' || meeting?.kind !== 'huawei-meeting-user') throw new Error('fixture kinds');
    fx.sim.iam.state.setPassword(fx.sim.iam.state.users.get(iam.userId)!, 'Changed-By-Hand-1');
    fx.sim.meeting.state.accounts.get(meeting.account)!.password = 'Changed-By-Hand-2';

    fx.spawnWorker();
    await fx.enqueueAll();
    const deadline = Date.now() + 20_000;
    while (
      (await fx.rotor.status.get(meeting.id))?.state !== 'out-of-sync' ||
      (await fx.rotor.status.get(iam.id))?.state !== 'out-of-sync'
    ) {
      if (Date.now() > deadline) throw new Error('targets never marked out of sync');
      await sleep(100);
    }
    const refused = () =>
      fx!.sim.requests('iam.token').filter((r) => r.status === 401).length +
      fx!.sim.requests('meeting.accountAuth').filter((r) => r.status === 401).length;
    expect(refused()).toBe(2);
    // Meeting's pending record went beside its refused login (its kind reads no account policy): it is
    // removed again, so reconcile has no password to probe that the target never saw.
    expect(await fx.rotor.store.readPending(meeting.id)).toBeNull();
    expect(await fx.rotor.store.readPending(iam.id)).toBeNull();

    // Asked again: no probe, no change, no second alert.
    await fx.enqueueAll();
    await sleep(3_000);
    expect(refused()).toBe(2);
    for (const route of changeRoutes) expect(fx.sim.requests(route)).toHaveLength(0);
    expect(hook.bodies.map((b) => `${b.event} ${b.targetId}`).sort()).toEqual(
      [`rotation.out_of_sync ${iam.id}`, `rotation.out_of_sync ${meeting.id}`].sort(),
    );
    expect(JSON.stringify(hook.bodies)).not.toContain('Changed-By-Hand');

    // reconcile: IAM through the admin reset; the target is back in sync and rotates again.
    const result = await runCli(['--config', fx.configFile, 'reconcile', iam.id], { VAULT_TOKEN: fx.vault.rootToken });
    expect(result.stdout).toContain(`${iam.id}: reconciled by admin-reset`);
    expect(result.code).toBe(0);
    expect((await fx.rotor.store.readSecret(iam.secretPath))?.password).toBe(
      fx.sim.livePassword(iam.kind, liveKey(iam)),
    );
    expect(await fx.rotor.status.get(iam.id)).toBeUndefined();
    const events = (await fx.rotor.audit.read?.()) ?? [];
    expect(
      events.some((e) => e.type === 'rotation.reconciled' && e.targetId === iam.id && e.actor.startsWith('cli:')),
    ).toBe(true);
  }, 90_000);

  it("the http examples: a password changed behind rotor's back costs one refused login and one alert each", async () => {
    hook = await startWebhookReceiver();
    fx = await makeChaosFixture({
      targets: chaosTargets(2, ['http-meeting', 'http-iam'], 'hdrift'),
      alertUrl: hook.url,
    });
    const [meeting, iam] = fx.config.targets;
    if (meeting?.kind !== 'http' || iam?.kind !== 'http') throw new Error('fixture kinds');
    fx.sim.meeting.state.accounts.get(liveKey(meeting))!.password = 'Changed-By-Hand-3';
    fx.sim.iam.state.setPassword(fx.sim.iam.state.users.get(liveKey(iam))!, 'Changed-By-Hand-4');

    fx.spawnWorker();
    await fx.enqueueAll();
    const deadline = Date.now() + 20_000;
    while (
      (await fx.rotor.status.get(meeting.id))?.state !== 'out-of-sync' ||
      (await fx.rotor.status.get(iam.id))?.state !== 'out-of-sync'
    ) {
      if (Date.now() > deadline) throw new Error('targets never marked out of sync');
      await sleep(100);
    }
    const refused = () =>
      fx!.sim.requests('iam.token').filter((r) => r.status === 401).length +
      fx!.sim.requests('meeting.accountAuth').filter((r) => r.status === 401).length;
    expect(refused()).toBe(2);
    // Asked again: no probe, no change, no second alert; far below any lockout threshold.
    await fx.enqueueAll();
    await sleep(3_000);
    expect(refused()).toBe(2);
    for (const route of changeRoutes) expect(fx.sim.requests(route)).toHaveLength(0);
    expect(hook.bodies.map((b) => `${b.event} ${b.targetId}`).sort()).toEqual(
      [`rotation.out_of_sync ${iam.id}`, `rotation.out_of_sync ${meeting.id}`].sort(),
    );
    expect(JSON.stringify(hook.bodies)).not.toContain('Changed-By-Hand');
  }, 90_000);

  it('SIGTERM lets the active rotation finish, then the worker exits 0', async () => {
    fx = await makeChaosFixture({ targets: chaosTargets(1, ['huawei-iam-user'], 'term') });
    fx.sim.inject({ route: 'iam.changePassword', kind: 'latency', ms: 1_500, times: 1 });
    const worker = fx.spawnWorker();
    await fx.enqueueAll();
    const [target] = fx.config.targets;
    const deadline = Date.now() + 20_000;
    while (!(await fx.rotor.store.readPending(target!.id)) && Date.now() < deadline) await sleep(20);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    await fx.waitInSync(1_000);
    expect(worker.output.join('\n')).toContain('waiting for active rotations');
  }, 60_000);

  it('a rotation that cannot succeed stops at once and sends one alert', async () => {
    hook = await startWebhookReceiver();
    fx = await makeChaosFixture({ targets: chaosTargets(1, ['huawei-cbh-admin'], 'gone'), alertUrl: hook.url });
    const [target] = fx.config.targets;
    if (target?.kind !== 'huawei-cbh-admin') throw new Error('fixture kind');
    // The instance was deleted: the API answers "wrong server id", which no retry can fix.
    fx.sim.cbh.state.instances.delete(target.serverId);
    fx.spawnWorker();
    await fx.enqueueAll();
    const deadline = Date.now() + 20_000;
    while (hook.bodies.length === 0 && Date.now() < deadline) await sleep(50);
    await sleep(1_000);
    expect(hook.bodies).toEqual([
      expect.objectContaining({ event: 'rotation.failed', targetId: target.id, errorCode: 'Misconfigured' }),
    ]);
    expect(fx.sim.requests('cbh.changePassword')).toHaveLength(1);
    expect((await fx.rotor.status.get(target.id))?.state).toBe('failing');
    expect(await fx.rotor.store.readPending(target.id)).toBeNull();
  }, 60_000);
});
