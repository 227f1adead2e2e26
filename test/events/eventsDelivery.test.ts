import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import {
  chaosTargets,
  liveKey,
  makeChaosFixture,
  type ChaosFixture,
  type WorkerProcess,
} from '../chaos/chaosFixture.js';
import { runCli } from '../helpers/runCli.js';
import { startHookReceiver, type HookReceiver } from './hookReceiver.js';

interface Event {
  specversion: string;
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: string;
  data: { targetId: string; kind: string; secretPath: string; version: number; rotationId: string; outcome: string };
}

const secret = `whsec_${randomBytes(24).toString('base64')}`;

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('rotation events reach webhooks and commands', () => {
  let fx: ChaosFixture;
  let app: HookReceiver;
  let broken: HookReceiver;
  let hookFile: string;
  let worker: WorkerProcess;
  const succeeded = (r: HookReceiver) =>
    r.received.map((x) => JSON.parse(x.body) as Event).filter((e) => e.type === 'io.rotor.rotation.succeeded');

  beforeAll(async () => {
    app = await startHookReceiver();
    broken = await startHookReceiver();
    broken.mode = 'fail';
    const dir = await mkdtemp(join(tmpdir(), 'rotor-hook-'));
    hookFile = join(dir, 'got.jsonl');
    const script = join(dir, 'hook.mjs');
    await writeFile(
      script,
      `import { appendFileSync, readFileSync } from 'node:fs';
const stdin = readFileSync(0, 'utf8');
const e = process.env;
appendFileSync(process.argv[2], JSON.stringify({ stdin, id: e.ROTOR_TARGET_ID, path: e.ROTOR_SECRET_PATH, version: e.ROTOR_SECRET_VERSION }) + '\\n');
`,
    );
    fx = await makeChaosFixture({
      targets: chaosTargets(3, ['huawei-iam-user', 'huawei-meeting-user', 'huawei-cbh-admin'], 'ev'),
      extra: {
        events: {
          webhooks: [
            { name: 'app', url: app.url, signingSecret: { value: secret } },
            { name: 'broken', url: broken.url, types: ['rotation.succeeded'] },
          ],
          commands: [
            { name: 'restart', run: [process.execPath, script, hookFile], targets: { kinds: ['huawei-iam-user'] } },
          ],
          delivery: { maxTries: 3, initialDelayMs: 100, maxDelayMs: 300, pollIntervalMs: 100 },
        },
      },
    });
    worker = fx.spawnWorker();
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
    await app?.close();
    await broken?.close();
  });

  it('announces one signed rotation.succeeded CloudEvent per rotated target, with no password in it', async () => {
    await fx.enqueueAll();
    await fx.waitInSync(30_000);
    const events = await until('3 events', 15_000, () => (succeeded(app).length >= 3 ? succeeded(app) : undefined));
    expect(events.map((e) => e.subject).sort()).toEqual(fx.config.targets.map((t) => t.id).sort());
    const verifier = new Webhook(secret);
    const passwords: string[] = [];
    for (const target of fx.config.targets) {
      const secretNow = await fx.rotor.store.readSecret(target.secretPath);
      const first = await fx.rotor.store.readSecretVersion(target.secretPath, 1);
      passwords.push(String(secretNow?.password), String(first?.password));
      passwords.push(String(fx.sim.livePassword(target.kind, liveKey(target))));
      const event = events.find((e) => e.subject === target.id) as Event;
      expect(event).toMatchObject({
        specversion: '1.0',
        source: '/rotor',
        datacontenttype: 'application/json',
        data: {
          targetId: target.id,
          kind: target.kind,
          secretPath: target.secretPath,
          version: secretNow?.version,
          outcome: 'succeeded',
        },
      });
    }
    for (const r of app.received) {
      // Throws unless the signature is the Standard Webhooks HMAC of id.timestamp.body with our key.
      expect(() => verifier.verify(r.body, r.headers as Record<string, string>)).not.toThrow();
      expect(r.headers['webhook-id']).toBe((JSON.parse(r.body) as Event).id);
      expect(r.headers['content-type']).toContain('application/cloudevents+json');
      const seen = r.body + JSON.stringify(r.headers);
      for (const p of passwords) expect(seen).not.toContain(p);
    }
    expect(passwords.filter((p) => p.length >= 8)).toHaveLength(9);
  }, 60_000);

  it('runs the command hook with the event on stdin and the target in its environment', async () => {
    const iam = fx.config.targets.find((t) => t.kind === 'huawei-iam-user')!;
    const lines = await until('the hook to run', 10_000, async () => {
      const text = await readFile(hookFile, 'utf8').catch(() => '');
      return text.trim() ? text.trim().split('\n') : undefined;
    });
    expect(lines).toHaveLength(1); // the selector picked the IAM target only
    const got = JSON.parse(lines[0]!) as { stdin: string; id: string; path: string; version: string };
    const version = (await fx.rotor.store.readSecret(iam.secretPath))?.version;
    expect(got).toMatchObject({ id: iam.id, path: iam.secretPath, version: String(version) });
    expect(JSON.parse(got.stdin)).toMatchObject({ type: 'io.rotor.rotation.succeeded', subject: iam.id });
  }, 20_000);

  it('dead-letters what a receiver keeps refusing, lists it, and delivers it on rotor events retry', async () => {
    const env = { VAULT_TOKEN: fx.vault.rootToken };
    const listed = await until('3 dead letters', 15_000, async () => {
      const r = await runCli(['--config', fx.configFile, 'events', 'list', '--json'], env);
      const letters = JSON.parse(r.stdout || '[]') as Array<{
        subscriber: string;
        targetId: string;
        tries: number;
        entryId: string;
      }>;
      return letters.length >= 3 ? letters : undefined;
    });
    expect(listed.map((l) => [l.subscriber, l.tries])).toEqual([
      ['broken', 3],
      ['broken', 3],
      ['broken', 3],
    ]);
    const status = await runCli(['--config', fx.configFile, 'status', listed[0]!.targetId, '--json'], env);
    const row = JSON.parse(status.stdout) as {
      deliveries: Array<{ subscriber: string; state: string; tries: number }>;
    };
    expect(row.deliveries.find((d) => d.subscriber === 'broken')).toMatchObject({ state: 'dead', tries: 3 });
    expect(row.deliveries.find((d) => d.subscriber === 'app')).toMatchObject({ state: 'delivered' });

    broken.mode = 'ok';
    const retried = await runCli(
      ['--config', fx.configFile, 'events', 'retry', '--all', '--subscriber', 'broken'],
      env,
    );
    expect(retried.code).toBe(0);
    expect(
      succeeded(broken)
        .map((e) => e.subject)
        .sort(),
    ).toEqual(listed.map((l) => l.targetId).sort());
    const after = await runCli(['--config', fx.configFile, 'events', 'list', '--json'], env);
    expect(JSON.parse(after.stdout)).toEqual([]);
  }, 40_000);

  it('still announces a rotation whose worker was killed right after promoting the new password', async () => {
    worker.child.kill('SIGTERM');
    await worker.exited;
    const iam = fx.config.targets.find((t) => t.kind === 'huawei-iam-user')!;
    const before = succeeded(app).filter((e) => e.subject === iam.id).length;
    const crashing = fx.spawnWorker({ ROTOR_TEST_CRASH_AT: 'promoted' });
    await fx.enqueueAll([iam.id]);
    expect((await crashing.exited).signal).toBe('SIGKILL');
    worker = fx.spawnWorker();
    const events = await until('the event after the crash', 30_000, () => {
      const mine = succeeded(app).filter((e) => e.subject === iam.id);
      return mine.length > before ? mine : undefined;
    });
    const version = (await fx.rotor.store.readSecret(iam.secretPath))?.version;
    expect(events[events.length - 1]?.data.version).toBe(version);
    const ids = app.received.map((r) => (JSON.parse(r.body) as Event).id);
    expect(new Set(ids).size).toBe(ids.length);
  }, 60_000);
});
