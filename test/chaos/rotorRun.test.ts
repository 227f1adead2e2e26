import { afterEach, describe, expect, it } from '@jest/globals';
import { freePort } from '../helpers/ownRedis.js';
import { chaosTargets, liveKey, makeChaosFixture, type ChaosFixture } from './chaosFixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rotor run (scheduler + worker + HTTP in one process)', () => {
  let fx: ChaosFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('rotates a scheduled target by itself and serves health, metrics and the live report', async () => {
    const port = await freePort();
    const targets = chaosTargets(2, ['huawei-iam-user', 'huawei-cbh-admin'], 'run').map((t) => ({
      ...t,
      schedule: { every: '2s' },
      maxAge: '90d',
    }));
    fx = await makeChaosFixture({ targets, extra: { http: { port } } });
    const run = fx.spawnWorker({ ROTOR_HTTP_TOKEN: 'report-reader' }, 'run');
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`rotor run did not answer:\n${run.output.join('\n')}`);
      await sleep(200);
    }
    // Nobody enqueues anything: the schedules alone rotate both targets.
    await fx.waitInSync(30_000);
    for (const t of fx.config.targets) {
      expect((await fx.rotor.store.readSecret(t.secretPath))?.password).toBe(fx.sim.livePassword(t.kind, liveKey(t)));
    }
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const auth = { headers: { Authorization: 'Bearer report-reader' } };
    const metrics = await (await fetch(`${base}/metrics`, auth)).text();
    expect(metrics).toMatch(/rotor_rotations_total\{kind="huawei-iam-user",outcome="succeeded"\} [1-9]/);
    expect(metrics).toMatch(/rotor_queue_depth\{state="waiting"\} \d+/);
    expect(metrics).toMatch(/rotor_targets_out_of_sync \d+/);
    const report = await (await fetch(`${base}/report?format=json`, auth)).json();
    expect(JSON.stringify(report)).toContain(fx.config.targets[0]?.id);
    // The live report anchored the audit chain in Vault and checked it against its anchors.
    expect((report as { evidence: { chain: unknown } }).evidence.chain).toMatchObject({
      intact: true,
      anchors: { status: 'ok', latest: { seq: expect.any(Number) } },
    });

    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    const text = run.output.join('\n');
    for (const t of fx.config.targets) {
      expect(text).not.toContain((await fx.rotor.store.readSecret(t.secretPath))?.password as string);
    }
  }, 90_000);
});
