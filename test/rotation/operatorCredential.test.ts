import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Queue, QueueEvents } from 'bullmq';
import { makeRotateProcessor } from '../../jobs/rotate.js';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import { configSchema } from '../../src/config/schema.js';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { rotateQueueName, rotationJobId, rotationJobOptions } from '../../src/queue/names.js';
import { makeConnectionSet } from '../../src/queue/redis.js';
import { startRotationWorker, type RotationWorker } from '../../src/queue/startWorker.js';
import { captureLogs } from '../helpers/logCapture.js';
import { redisUrl } from '../helpers/rotorFixture.js';

const cbhCount = 6;

/**
 * rotor's own credential rotates like any target: the CBH operator (an IAM user's password, or its
 * AK/SK) is rotated while CBH admin rotations that use it are queued. The CBH rotations wait while the
 * operator's rotation is between prepare and finalize, none fails, none reaches CBH or IAM with a stale
 * operator secret, and the audit shows the operator's rotation and every CBH rotation.
 */
describe.each([
  { variant: 'password', kind: 'huawei-iam-user' },
  { variant: 'AK/SK', kind: 'huawei-iam-access-key' },
])('rotating the CBH operator credential ($variant) while CBH rotations are queued', ({ variant, kind }) => {
  const logs = captureLogs();
  let sim: HuaweiSimulator;
  let vault: VaultEmulator;
  let rotor: Rotor;
  let worker: RotationWorker;
  const connections = makeConnectionSet(redisUrl);
  const prefix = `test-${randomUUID()}`;

  afterEach(async () => {
    await worker?.close(5_000);
    await rotor?.close();
    const redis = connections.create();
    await deleteKeysWithPrefix(redis, `${prefix}:`);
    await connections.closeAll();
    await sim?.close();
    await vault?.close();
  });

  it('none fails, none uses a stale credential, the operator rotation and the CBH rotations are all audited', async () => {
    sim = await startHuaweiSimulator();
    vault = await startVaultEmulator();
    const domainName = 'acme-cbh';
    const operatorPassword = 'Operator-Pa55word!';
    const { userId } = sim.iam.seedUser({ userName: 'cbh-op', domainName, password: operatorPassword });
    sim.iam.seedProject({ projectId: 'p-cbh', domainName });
    const key = { ak: 'CBHOPERATORAK0000001', sk: `sk-${randomUUID()}` };
    sim.iam.seedAccessKey({ ...key, userId });
    vault.kvPut(
      'secret',
      'operators/cbh',
      variant === 'password'
        ? { userName: 'cbh-op', password: operatorPassword, domainName, note: 'kept' }
        : { ak: key.ak, sk: key.sk, note: 'kept' },
    );
    const cbhTargets = Array.from({ length: cbhCount }, (_, i) => {
      const serverId = randomUUID();
      sim.cbh.seedInstance({ serverId, projectId: 'p-cbh', domainName, adminPassword: `Adm1n-Start-${i}!x` });
      vault.kvPut('secret', `cbh/${i}`, { password: `Adm1n-Start-${i}!x` });
      return {
        id: `cbh-${i}`,
        kind: 'huawei-cbh-admin',
        endpoint: sim.url,
        iamEndpoint: sim.url,
        projectId: 'p-cbh',
        serverId,
        operator: 'cbh-operator',
        secretPath: `cbh/${i}`,
      };
    });
    const operatorTarget =
      kind === 'huawei-iam-user'
        ? {
            id: 'cbh-operator-rotation',
            kind,
            endpoint: sim.url,
            userId,
            userName: 'cbh-op',
            domainName,
            secretPath: 'operators/cbh',
          }
        : {
            id: 'cbh-operator-rotation',
            kind,
            endpoint: sim.url,
            userId,
            secretPath: 'operators/cbh',
            fields: { accessKey: 'ak', secretKey: 'sk' },
            retirement: { quietPeriod: '300ms', deleteAfter: '200ms', checkEvery: '100ms' },
          };
    const config = configSchema.parse({
      redis: { url: redisUrl, prefix },
      vault: { address: vault.url, auth: { method: 'token', token: vault.rootToken } },
      credentials: { 'cbh-operator': { secretPath: 'operators/cbh' } },
      rotation: { attempts: 20 },
      targets: [...cbhTargets, operatorTarget].map((t) => ({ ...t, http: { ratePerSecond: 1000, rateBurst: 100 } })),
    });
    rotor = await makeRotor(config, logs.logger);
    // Slow CBH changes so that the operator's rotation starts while CBH rotations are in the air.
    sim.inject({ route: 'cbh.changePassword', kind: 'latency', ms: 150, times: Infinity });
    // ... and a slow change of the operator's own credential: a wide window between prepare and finalize.
    const operatorChange = variant === 'password' ? 'iam.changePassword' : 'iam.createAccessKey';
    sim.inject({ route: operatorChange, kind: 'latency', ms: 600, times: Infinity });
    worker = await startRotationWorker(rotor, makeRotateProcessor(rotor), { concurrency: 4 });
    const queue = new Queue(rotateQueueName, { connection: connections.create(), prefix });
    const events = new QueueEvents(rotateQueueName, { connection: connections.create(), prefix });
    await events.waitUntilReady();
    const ids = [
      ...cbhTargets.slice(0, 3).map((t) => t.id),
      operatorTarget.id,
      ...cbhTargets.slice(3).map((t) => t.id),
    ];
    const jobs = [];
    for (const id of ids) {
      jobs.push(
        await queue.add(
          'rotate',
          { targetId: id, requestedBy: 'test' },
          { ...rotationJobOptions, jobId: rotationJobId(id) },
        ),
      );
    }
    const results = await Promise.allSettled(jobs.map((j) => j.waitUntilFinished(events, 60_000)));
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'fulfilled'));
    await queue.close();
    await events.close();

    // The operator credential changed, its other fields kept; every CBH password in Vault is the live one.
    const operator = await rotor.store.readSecret('operators/cbh');
    expect(operator?.version).toBe(2);
    expect(operator?.data.note).toBe('kept');
    if (variant === 'password') expect(operator?.data.password).toBe(sim.iam.livePassword(userId));
    else expect(sim.iam.state.accessKeys.get(operator?.data.ak as string)?.sk).toBe(operator?.data.sk);
    for (const t of cbhTargets) {
      expect((await rotor.store.readSecret(t.secretPath))?.password).toBe(sim.cbh.livePassword(t.serverId));
    }

    // No call was refused for its credential: nothing used a stale operator secret. (The operator user
    // may not read the account password policy: that 403 is IAM's documented answer, not a stale secret.)
    const refused = sim.requestLog.filter(
      (r) => r.status === 401 || (r.status === 403 && r.route !== 'iam.passwordPolicy'),
    );
    expect(refused.map((r) => `${r.route} ${r.status}`)).toEqual([]);

    // No CBH change reached CBH while the operator's rotation was between prepare and finalize.
    const trail = ((await rotor.audit.read?.()) ?? []).filter((e) => e.targetId === operatorTarget.id);
    const prepare = Date.parse(trail.find((e) => e.step === 'prepare')!.time);
    const finalize = Date.parse(trail.find((e) => e.step === 'finalize')!.time);
    const during = sim.requests('cbh.changePassword').filter((r) => r.at > prepare && r.at < finalize);
    expect(during).toEqual([]);
    expect(trail.map((e) => e.type)).toEqual(expect.arrayContaining(['rotation.started', 'rotation.succeeded']));
    const all = (await rotor.audit.read?.()) ?? [];
    for (const t of cbhTargets) {
      expect(all.some((e) => e.targetId === t.id && e.type === 'rotation.succeeded')).toBe(true);
    }
    // No secret of the operator reached a log line.
    for (const s of sim.secrets()) expect(logs.text()).not.toContain(s);
  }, 90_000);
});
