import { afterEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../helpers/runCli.js';
import { chaosTargets, liveKey, makeChaosFixture, type ChaosFixture } from './chaosFixture.js';
import { startWebhookReceiver } from './webhookReceiver.js';

/**
 * Replies the documentation does not promise, through real worker processes: success is only what is
 * recognised, a refusal of the password stops after one fresh one, a locked account gets no more logins.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const html = '<html><body><h1>Service temporarily moved</h1></body></html>';

async function until(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('replies rotor does not recognise', () => {
  let fx: ChaosFixture | undefined;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
    hook?.server.close();
    hook = undefined;
  });

  it('a CBH 200 HTML page or empty 200 that applied nothing is never a success: the re-send finishes it', async () => {
    fx = await makeChaosFixture({ targets: chaosTargets(2, ['huawei-cbh-admin'], 'html') });
    const [first, second] = fx.config.targets.map((t) => t.id) as [string, string];
    fx.spawnWorker();
    // One target at a time, so each meets its own odd reply.
    fx.sim.inject({ route: 'cbh.changePassword', kind: 'reply', status: 200, contentType: 'text/html', body: html });
    await fx.enqueueAll([first]);
    await fx.waitInSync(30_000, [first]);
    fx.sim.inject({ route: 'cbh.changePassword', kind: 'reply', status: 200 });
    await fx.enqueueAll([second]);
    await fx.waitInSync(30_000, [second]);
    const calls = fx.sim.requests('cbh.changePassword');
    // Each target: the unrecognised 200, then the idempotent re-send of the same pending password.
    expect(calls).toHaveLength(4);
    expect(calls.filter((r) => r.fault === 'reply')).toHaveLength(2);
    const events = (await fx.rotor.audit.read?.()) ?? [];
    for (const t of fx.config.targets) {
      const mine = events.filter((e) => e.targetId === t.id).map((e) => e.type);
      expect(mine).toContain('rotation.recovered');
      expect(mine.filter((type) => type === 'rotation.succeeded')).toHaveLength(1);
    }
  }, 60_000);

  it('a CBH that only ever answers HTML ends failed with the live password still in Vault, never succeeded', async () => {
    fx = await makeChaosFixture({ targets: chaosTargets(1, ['huawei-cbh-admin'], 'proxy') });
    fx.sim.inject({
      route: 'cbh.changePassword',
      kind: 'reply',
      status: 200,
      contentType: 'text/html',
      body: html,
      times: Infinity,
    });
    const [target] = fx.config.targets;
    fx.spawnWorker();
    await fx.enqueueAll();
    await until('the job to fail for good', 60_000, async () => (await fx!.queue.getFailedCount()) === 1);
    const live = fx.sim.livePassword(target!.kind, liveKey(target!));
    const secret = await fx.rotor.store.readSecret(target!.secretPath);
    const pending = await fx.rotor.store.readPending(target!.id);
    // Nothing was applied: the current password is still live, and the pending one is kept, not guessed.
    expect(secret?.password).toBe(live);
    expect(secret?.version).toBe(1);
    expect(pending).not.toBeNull();
    const events = (await fx.rotor.audit.read?.()) ?? [];
    expect(events.some((e) => e.type === 'rotation.succeeded')).toBe(false);
    expect((await fx.rotor.status.get(target!.id))?.state).toBe('failing');
  }, 90_000);

  it('IAM answering "The password is too weak." with its policy unreadable: at most 2 change calls, a fast stop, one alert', async () => {
    hook = await startWebhookReceiver();
    fx = await makeChaosFixture({ targets: chaosTargets(1, ['huawei-iam-user'], 'weak'), alertUrl: hook.url });
    const [target] = fx.config.targets;
    fx.sim.inject({
      route: 'iam.changePassword',
      kind: 'reply',
      status: 400,
      json: { error: { code: 400, message: 'The password is too weak.', title: 'Bad Request' } },
      times: Infinity,
    });
    const before = await fx.rotor.store.readSecret(target!.secretPath);
    fx.spawnWorker();
    const started = Date.now();
    await fx.enqueueAll();
    await until('the alert', 20_000, () => hook!.bodies.length > 0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await sleep(2_000);
    expect(fx.sim.requests('iam.changePassword').length).toBeLessThanOrEqual(2);
    expect(hook.bodies).toEqual([
      expect.objectContaining({ event: 'rotation.failed', targetId: target!.id, errorCode: 'PolicyRejected' }),
    ]);
    expect(String(hook.bodies[0]!.message)).toContain('The password is too weak.');
    expect(String(hook.bodies[0]!.message)).toContain('accountPolicy');
    const after = await fx.rotor.store.readSecret(target!.secretPath);
    expect(after?.version).toBe(before?.version);
    expect(after?.password).toBe(fx.sim.livePassword(target!.kind, liveKey(target!)));
    expect(await fx.rotor.store.readPending(target!.id)).toBeNull();
  }, 60_000);

  it('a locked Meeting account (423): no change call, at most one login, and the error and rotor status say locked', async () => {
    hook = await startWebhookReceiver();
    fx = await makeChaosFixture({ targets: chaosTargets(1, ['huawei-meeting-user'], 'locked'), alertUrl: hook.url });
    const [target] = fx.config.targets;
    if (target?.kind !== 'huawei-meeting-user') throw new Error('fixture kind');
    fx.sim.meeting.lock(target.account, 3_600_000);
    fx.spawnWorker();
    await fx.enqueueAll();
    await until('the alert', 20_000, () => hook!.bodies.length > 0);
    await sleep(2_000);
    expect(fx.sim.requests('meeting.changePassword')).toHaveLength(0);
    expect(fx.sim.requests('meeting.accountAuth').length).toBeLessThanOrEqual(1);
    expect(String(hook.bodies[0]!.message)).toContain('locked');
    expect(hook.bodies).toHaveLength(1);
    const status = await runCli(['--config', fx.configFile, 'status', target.id], { VAULT_TOKEN: fx.vault.rootToken });
    expect(status.stdout).toContain('locked');
  }, 60_000);

  it("Meeting's 5-minute cooldown holds across worker processes: the second process sends nothing", async () => {
    fx = await makeChaosFixture({ targets: chaosTargets(1, ['huawei-meeting-user'], 'cool') });
    const first = fx.spawnWorker();
    await fx.enqueueAll();
    await fx.waitInSync(30_000);
    first.child.kill('SIGTERM');
    await first.exited;
    const logins = fx.sim.requests('meeting.accountAuth').length;
    fx.spawnWorker();
    await fx.enqueueAll();
    await until('the job to be parked', 20_000, async () => (await fx!.queue.getDelayedCount()) === 1);
    await sleep(1_000);
    expect(fx.sim.requests('meeting.changePassword')).toHaveLength(1);
    expect(fx.sim.requests('meeting.accountAuth')).toHaveLength(logins);
  }, 60_000);
});
