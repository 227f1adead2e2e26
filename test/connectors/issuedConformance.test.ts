import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import { signSdkHmacSha256 } from '../../src/connectors/huawei/akskSigner.js';
import { configSchema, type TargetConfig } from '../../src/config/schema.js';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { buildComplianceReport } from '../../src/audit/complianceReport.js';
import { renderReport } from '../../src/audit/renderReport.js';
import { dryRunTarget } from '../../src/rotation/dryRun.js';
import { heartbeatTarget } from '../../src/rotation/heartbeat.js';
import { reconcileTarget } from '../../src/rotation/reconcile.js';
import { retireIssued } from '../../src/rotation/retireIssued.js';
import { assessStatus, noteOf } from '../../src/scheduling/statusReport.js';
import { rotateTarget } from '../../src/rotation/rotateTarget.js';
import { captureLogs } from '../helpers/logCapture.js';
import { dumpRedis } from '../helpers/redisDump.js';
import { redisUrl } from '../helpers/rotorFixture.js';
import { accessKeyFixture } from './conformance/fixtures.js';

type Key = { ak: string; sk: string };

/**
 * The access-key kind end to end against the simulator and the Vault emulator: create-then-retire, the
 * create reply lost, the 2-key limit, the old key retired only once its last_use_time stopped moving.
 * Every test ends with the state a consumer relies on: Vault holds one active key that signs requests.
 */
describe.each([
  { name: 'signed with the key being rotated', operator: false },
  { name: "signed with an operator's key", operator: true },
])('access-key rotation, $name', ({ operator }) => {
  const logs = captureLogs();
  let sim: HuaweiSimulator;
  let vault: VaultEmulator;
  let redis: Redis;
  const prefix = `test-${randomUUID()}`;
  const rotors: Rotor[] = [];

  beforeAll(async () => {
    sim = await startHuaweiSimulator();
    vault = await startVaultEmulator();
    redis = makeRedisConnection(redisUrl);
  });
  afterAll(async () => {
    for (const r of rotors) await r.close();
    await deleteKeysWithPrefix(redis, `${prefix}:`);
    redis.disconnect();
    await sim.close();
    await vault.close();
  });

  /** A user with one key in IAM and in Vault (with a consumer's own field), and a rotor serving it. */
  async function setUp(retirement: Record<string, string> = {}) {
    const seeded = accessKeyFixture.seed(sim, {
      operator,
      extra: {
        retirement: { quietPeriod: '400ms', deleteAfter: '300ms', maxWait: '1h', checkEvery: '100ms', ...retirement },
      },
    });
    const secretPath = seeded.config.secretPath as string;
    vault.kvPut('secret', secretPath, { access_key: seeded.key.ak, secret_key: seeded.key.sk, owner: 'team-a' });
    const credentials: Record<string, { secretPath: string }> = {};
    for (const [name, value] of Object.entries(seeded.credentials)) {
      vault.kvPut('secret', `operators/${name}`, value);
      credentials[name] = { secretPath: `operators/${name}` };
    }
    const config = configSchema.parse({
      redis: { url: redisUrl, prefix },
      vault: { address: vault.url, auth: { method: 'token', token: vault.rootToken } },
      credentials,
      targets: [seeded.config],
    });
    const rotor = await makeRotor(config, logs.logger);
    rotors.push(rotor);
    const target = config.targets[0] as TargetConfig;
    const deps = rotor.rotationDeps(target);
    const run = { actor: 'test' };
    return {
      seeded,
      rotor,
      target,
      secretPath,
      rotate: () => rotateTarget(deps, run),
      retire: () => retireIssued(deps, run, deps.connector.issuer!),
      vaultKey: async (): Promise<Key> => {
        const s = await rotor.store.readSecret(secretPath);
        return { ak: s?.data.access_key as string, sk: s?.data.secret_key as string };
      },
    };
  }

  /** Signs a request with `key` as a consumer would; the status says whether IAM accepts the key. */
  async function signsWith(key: Key): Promise<number> {
    const url = new URL(`${sim.url}/v3.0/OS-CREDENTIAL/credentials/${key.ak}`);
    const headers = signSdkHmacSha256({ method: 'GET', url, headers: {}, body: '' }, key);
    return (await fetch(url, { headers })).status;
  }

  async function retireUntilDone(env: Awaited<ReturnType<typeof setUp>>, whileWaiting?: () => Promise<void>) {
    const results: string[] = [];
    for (let i = 0; i < 200; i++) {
      const step = await env.retire();
      results.push(step.result);
      if (step.done) return results;
      await whileWaiting?.();
      await new Promise((r) => setTimeout(r, Math.min(step.checkAgainInMs, 100)));
    }
    throw new Error(`retirement did not finish: ${results.join(', ')}`);
  }

  it('issues a new key, verifies it by a signed request, promotes it keeping other fields, keeps the old one active', async () => {
    const env = await setUp();
    const outcome = await env.rotate();
    expect(outcome).toMatchObject({ verified: true, recovered: false, version: 2 });
    const now = await env.vaultKey();
    expect(now.ak).not.toBe(env.seeded.key.ak);
    expect(await signsWith(now)).toBe(200);
    expect((await env.rotor.store.readSecret(env.secretPath))?.data.owner).toBe('team-a');
    const previous = await env.rotor.store.readSecretVersion(env.secretPath, 1);
    expect(previous?.data.access_key).toBe(env.seeded.key.ak);
    // Consumers still on the old key are not broken yet.
    expect(await signsWith(env.seeded.key)).toBe(200);
    expect(sim.iam.accessKeysOf(env.seeded.userId).map((k) => k.status)).toEqual(['active', 'active']);
    // The record left for the retirement holds no secret.
    const pending = await env.rotor.store.readIssuePending(env.target.id);
    expect(pending?.record).toMatchObject({ step: 'retiring', retire_id: env.seeded.key.ak });
    expect(pending?.record.issued_secret).toBeUndefined();
  });

  it('retires the old key once its last_use_time stops moving: inactive first, deleted later', async () => {
    const env = await setUp();
    await env.rotate();
    const results = await retireUntilDone(env);
    expect(results).toContain('deactivated');
    expect(results.at(-1)).toBe('deleted');
    const now = await env.vaultKey();
    expect(sim.iam.accessKeysOf(env.seeded.userId)).toEqual([
      expect.objectContaining({ ak: now.ak, status: 'active' }),
    ]);
    expect(await signsWith(env.seeded.key)).toBe(401);
    expect(await signsWith(now)).toBe(200);
    expect(await env.rotor.store.readIssuePending(env.target.id)).toBeNull();
  });

  it('keeps the old key, alerts and says so in rotor status while a consumer still signs with it', async () => {
    const env = await setUp({ maxWait: '1500ms' });
    await env.rotate();
    const results = await retireUntilDone(env, async () => {
      sim.clock.advance(1_000); // a consumer's request a second later each time
      expect(await signsWith(env.seeded.key)).toBe(200);
    });
    expect(results.at(-1)).toBe('kept-in-use');
    expect(results).not.toContain('deactivated');
    expect(sim.iam.accessKeysOf(env.seeded.userId).find((k) => k.ak === env.seeded.key.ak)?.status).toBe('active');
    const status = await env.rotor.status.get(env.target.id);
    expect(status?.notice).toMatch(/old key is still in use/);
    expect(logs.text()).toContain('rotation.old_key_in_use');
    // rotor status says so in the target's NOTE ...
    const row = assessStatus({ target: env.target, now: Date.now(), engine: status, jitterMs: 0 });
    expect(noteOf(row)).toMatch(/^the old key is still in use .* move its consumers to the new key/);
    // ... and the compliance report carries it.
    const now = new Date();
    const report = buildComplianceReport({
      targets: [{ id: env.target.id, kind: env.target.kind }],
      events: (await env.rotor.audit.read?.()) ?? [],
      lastRotation: new Map(),
      now,
      since: new Date(now.getTime() - 3_600_000),
      until: now,
    });
    expect(report.targets[0]?.oldKeyInUseSince).toEqual(expect.any(String));
    expect(renderReport(report, 'html')).toContain('old key still in use since');
    expect(renderReport(report, 'csv').split('\n')[1]).toContain(report.targets[0]!.oldKeyInUseSince!);
  });

  it('recovers a lost create reply: the orphan is deleted, a fresh key promoted, never more than 2 keys', async () => {
    const env = await setUp();
    sim.inject({ kind: 'applyThenDrop', route: 'iam.createAccessKey' });
    await expect(env.rotate()).rejects.toMatchObject({ code: 'OutcomeUnknown' });
    expect(sim.iam.accessKeysOf(env.seeded.userId)).toHaveLength(2);
    expect((await env.rotor.store.readIssuePending(env.target.id))?.record.step).toBe('prepared');
    const orphan = sim.iam.accessKeysOf(env.seeded.userId).find((k) => k.ak !== env.seeded.key.ak)!.ak;

    const outcome = await env.rotate();
    expect(outcome.verified).toBe(true);
    const now = await env.vaultKey();
    const keys = sim.iam.accessKeysOf(env.seeded.userId).map((k) => k.ak);
    expect(keys).not.toContain(orphan);
    expect(keys.sort()).toEqual([env.seeded.key.ak, now.ak].sort());
    expect(await signsWith(now)).toBe(200);
    expect(sim.requests('iam.createAccessKey').every((r) => r.errorCode !== '400')).toBe(true);
  });

  it.each([
    ['an HTML page from a proxy', { kind: 'reply', status: 200, contentType: 'text/html', body: '<html>ok</html>' }],
    [
      'a 201 without the secret',
      { kind: 'reply', status: 201, json: { credential: { access: 'NOSECRETAK0000000001', status: 'active' } } },
    ],
    ['a 500 without a documented body', { kind: 'status', status: 500, body: 'none' }],
  ] as const)(
    'takes %s in reply to the create as an unknown outcome, and the next attempt finishes',
    async (_what, fault) => {
      const env = await setUp();
      sim.inject({ ...fault, route: 'iam.createAccessKey' });
      await expect(env.rotate()).rejects.toMatchObject({ code: 'OutcomeUnknown' });
      expect((await env.vaultKey()).ak).toBe(env.seeded.key.ak);
      expect((await env.rotor.store.readIssuePending(env.target.id))?.record.step).toBe('prepared');
      await env.rotate();
      const now = await env.vaultKey();
      expect(await signsWith(now)).toBe(200);
      expect(
        sim.iam
          .accessKeysOf(env.seeded.userId)
          .map((k) => k.ak)
          .sort(),
      ).toEqual([env.seeded.key.ak, now.ak].sort());
    },
  );

  it('resumes an attempt that stored the create reply: verifies and promotes that key, creates no other', async () => {
    const env = await setUp();
    // The state a worker killed right after storing the reply leaves: the new key exists, its SK in the record.
    const url = new URL(`${sim.url}/v3.0/OS-CREDENTIAL/credentials`);
    const body = JSON.stringify({ credential: { user_id: env.seeded.userId } });
    const headers = { 'Content-Type': 'application/json;charset=utf8' };
    const signed = signSdkHmacSha256({ method: 'POST', url, headers, body }, env.seeded.key);
    const created = (await (await fetch(url, { method: 'POST', headers: { ...headers, ...signed }, body })).json()) as {
      credential: { access: string; secret: string };
    };
    await env.rotor.store.writeIssuePending(
      env.target.id,
      {
        rotation_id: randomUUID(),
        started_at: new Date().toISOString(),
        step: 'issued',
        from_version: 1,
        existing_ids: [env.seeded.key.ak],
        retire_id: env.seeded.key.ak,
        issued_id: created.credential.access,
        issued_secret: created.credential.secret,
      },
      0,
    );
    const creates = sim.requests('iam.createAccessKey').length;
    expect(await env.rotate()).toMatchObject({ recovered: true, verified: true });
    expect(sim.requests('iam.createAccessKey')).toHaveLength(creates);
    expect(await env.vaultKey()).toEqual({ ak: created.credential.access, sk: created.credential.secret });
  });

  it('takes an empty 200 to the deactivation as unknown and only counts it done when IAM says inactive', async () => {
    const env = await setUp();
    await env.rotate();
    sim.inject({ kind: 'reply', status: 200, route: 'iam.updateAccessKey' });
    const results: string[] = [];
    for (let i = 0; i < 100 && !results.includes('deactivated'); i++) {
      const step = await env
        .retire()
        .catch((err: { code?: string }) => ({ done: false, result: `error ${err.code}`, checkAgainInMs: 100 }));
      results.push(step.result);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(results).toContain('error OutcomeUnknown');
    expect(results.at(-1)).toBe('deactivated');
    expect(sim.iam.accessKeysOf(env.seeded.userId).find((k) => k.ak === env.seeded.key.ak)?.status).toBe('inactive');
  });

  it('never deletes the key Vault holds, even when a pending record does not list it', async () => {
    const env = await setUp();
    await env.rotor.store.writeIssuePending(
      env.target.id,
      {
        rotation_id: randomUUID(),
        started_at: new Date().toISOString(),
        step: 'prepared',
        from_version: 1,
        existing_ids: [],
      },
      0,
    );
    await env.rotate();
    expect(sim.requests('iam.deleteAccessKey').filter((r) => r.path.endsWith(env.seeded.key.ak))).toHaveLength(0);
    expect(await signsWith(env.seeded.key)).toBe(200);
  });

  it("stops and alerts when the user already holds 2 keys and neither is rotor's orphan", async () => {
    const env = await setUp();
    sim.iam.seedAccessKey({
      ak: `OTHER${randomUUID().slice(0, 15).toUpperCase()}`,
      sk: `other-${randomUUID()}`,
      userId: env.seeded.userId,
    });
    const creates = sim.requests('iam.createAccessKey').length;
    await expect(env.rotate()).rejects.toMatchObject({
      code: 'Misconfigured',
      message: expect.stringMatching(/limit/),
    });
    expect(sim.requests('iam.createAccessKey')).toHaveLength(creates);
    expect(sim.iam.accessKeysOf(env.seeded.userId)).toHaveLength(2);
    expect(await env.rotor.store.readIssuePending(env.target.id)).toBeNull();
    expect((await env.vaultKey()).ak).toBe(env.seeded.key.ak);
  });

  it('dry-runs: the key Vault holds signs, and the account has room for a new one; nothing changes', async () => {
    const env = await setUp();
    const deps = env.rotor.rotationDeps(env.target);
    const report = await dryRunTarget(deps);
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.checked).toEqual(
      expect.arrayContaining(['current key accepted by the target', 'room for a new key']),
    );
    sim.iam.seedAccessKey({
      ak: `FULL${randomUUID().slice(0, 16).toUpperCase()}`,
      sk: `full-${randomUUID()}`,
      userId: env.seeded.userId,
    });
    const full = await dryRunTarget(deps);
    expect(full.ok).toBe(false);
    expect(full.problems.join(' ')).toMatch(/already holds 2 keys/);
    expect(sim.iam.accessKeysOf(env.seeded.userId)).toHaveLength(2);
  });

  it('marks a key changed behind its back out of sync, and reconcile takes the key an operator stored', async () => {
    const env = await setUp();
    // Someone replaced the key by hand: Vault's key is gone from the account.
    const url = new URL(`${sim.url}/v3.0/OS-CREDENTIAL/credentials`);
    const body = JSON.stringify({ credential: { user_id: env.seeded.userId } });
    const headers = { 'Content-Type': 'application/json;charset=utf8' };
    const signed = signSdkHmacSha256({ method: 'POST', url, headers, body }, env.seeded.key);
    const byHand = (await (await fetch(url, { method: 'POST', headers: { ...headers, ...signed }, body })).json()) as {
      credential: { access: string; secret: string };
    };
    const fresh = { ak: byHand.credential.access, sk: byHand.credential.secret };
    const del = new URL(`${sim.url}/v3.0/OS-CREDENTIAL/credentials/${env.seeded.key.ak}`);
    await fetch(del, {
      method: 'DELETE',
      headers: signSdkHmacSha256({ method: 'DELETE', url: del, headers: {}, body: '' }, fresh),
    });

    await expect(env.rotate()).rejects.toMatchObject({ code: 'OutOfSync' });
    expect((await env.rotor.status.get(env.target.id))?.state).toBe('out-of-sync');
    const deps = env.rotor.rotationDeps(env.target);
    await expect(reconcileTarget(deps, 'test')).rejects.toMatchObject({
      message: expect.stringMatching(/vault kv patch/),
    });
    // The operator stores the key in use; reconcile checks it signs and clears the mark.
    const secret = await env.rotor.store.readSecret(env.secretPath);
    vault.kvPut('secret', env.secretPath, { ...secret?.data, access_key: fresh.ak, secret_key: fresh.sk });
    expect(await reconcileTarget(deps, 'test')).toMatchObject({ method: 'current-live', verified: true });
    expect(await env.rotor.status.get(env.target.id)).toBeUndefined();
    expect((await env.rotate()).verified).toBe(true);
  });

  it('heartbeats by a request signed with the key Vault holds, also while the old key is being retired', async () => {
    const env = await setUp();
    const deps = { ...env.rotor.rotationDeps(env.target), heartbeats: env.rotor.heartbeats };
    expect(await heartbeatTarget(deps, 'test')).toMatchObject({ result: 'verified' });
    await env.rotate();
    expect(await heartbeatTarget(deps, 'test')).toMatchObject({ result: 'verified' });
  });

  it('keeps every SK, and every AK, out of logs, audit events and Redis', async () => {
    const dump = await dumpRedis(redis, prefix);
    const secrets = sim.secrets().filter((s) => s.startsWith('sk-') || s.length === 40);
    expect(secrets.length).toBeGreaterThan(0);
    // Every AK this file's rotations touched, as IAM's paths named them.
    const aks = new Set(
      sim.requestLog
        .map((r) => /^\/v3\.0\/OS-CREDENTIAL\/credentials\/([A-Z0-9]+)$/.exec(r.path)?.[1])
        .filter((ak): ak is string => ak !== undefined),
    );
    expect(aks.size).toBeGreaterThan(0);
    for (const s of [...secrets, ...aks]) {
      expect(dump).not.toContain(s);
      expect(logs.text()).not.toContain(s);
    }
  });
});
