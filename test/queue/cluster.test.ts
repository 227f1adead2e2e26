import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { describeWithOwnRedis } from '../helpers/redisServer.js';
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { makeRotateProcessor } from '../../jobs/rotate.js';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import { configSchema, type RotorConfig } from '../../src/config/schema.js';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { seedTargets } from '../../src/dev/seedTargets.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { silentLogger } from '../../src/observability/logger.js';
import { makeClientSet, redisSettingsOf } from '../../src/queue/cluster.js';
import { rotateQueueName } from '../../src/queue/names.js';
import { makeRotationClient } from '../../src/queue/rotationClient.js';
import { rotationBackoffStrategy } from '../../src/queue/retryDelay.js';
import { startScheduler, type RotorScheduler } from '../../src/scheduling/startScheduler.js';
import { startLocalCluster, type LocalCluster } from './redisCluster.js';

/**
 * Scale-out on a real distributed Redis: a three-node Redis Cluster, two scheduler processes and
 * two workers (each with its own connections), and targets due three ways — by the max-age sweep,
 * by their schedule, and on demand from two services at once.
 */
describeWithOwnRedis('two schedulers and two workers on a 3-node Redis Cluster', () => {
  let cluster: LocalCluster;
  let sim: HuaweiSimulator;
  let vault: VaultEmulator;
  let config: RotorConfig;
  const rotors: Rotor[] = [];
  const schedulers: RotorScheduler[] = [];
  const workers: Worker[] = [];
  let clients: ReturnType<typeof makeClientSet>;

  beforeAll(async () => {
    [cluster, sim, vault] = await Promise.all([startLocalCluster(), startHuaweiSimulator(), startVaultEmulator()]);
    const prefix = `{rotor-${randomUUID().slice(0, 8)}}`;
    const iam = (id: string, extra: Record<string, unknown>) => ({
      id,
      kind: 'huawei-iam-user',
      endpoint: sim.url,
      userId: `u${randomUUID().replace(/-/g, '')}`,
      userName: id,
      domainName: 'acme',
      secretPath: `cluster/${id}`,
      http: { ratePerSecond: 500, rateBurst: 50 },
      ...extra,
    });
    const parsed = configSchema.parse({
      // The rotation engine's own connection (locks, status, audit) is single-node for now: point it
      // at the node that serves the prefix's slot. Queues, schedulers and workers use the Cluster.
      redis: { url: `redis://127.0.0.1:${await cluster.ownerOf(prefix)}`, prefix },
      vault: { address: vault.url, auth: { method: 'token', token: vault.rootToken } },
      targets: [
        ...Array.from({ length: 10 }, (_, i) => iam(`swept-${i}`, { maxAge: '1d', onboard: 'rotate' })),
        ...Array.from({ length: 10 }, (_, i) => iam(`scheduled-${i}`, { schedule: { every: '1h' } })),
        ...Array.from({ length: 5 }, (_, i) => iam(`asked-${i}`, {})),
      ],
    });
    config = { ...parsed, redis: Object.assign({}, parsed.redis, { cluster: { nodes: cluster.nodes } }) };
    await seedTargets(sim, config, async (path, data) => void vault.kvPut('secret', path, data));
    clients = makeClientSet(redisSettingsOf(config.redis));
  }, 60_000);

  afterAll(async () => {
    for (const s of schedulers) await s.close();
    for (const w of workers) await w.close();
    for (const r of rotors) await r.close();
    await clients?.closeAll();
    await sim?.close();
    await vault?.close();
    await cluster?.stop();
  });

  it('finishes every rotation exactly once', async () => {
    for (let i = 0; i < 2; i += 1) {
      const rotor = await makeRotor(config, silentLogger);
      rotors.push(rotor);
      const worker = new Worker(rotateQueueName, makeRotateProcessor(rotor), {
        connection: clients.create(),
        prefix: config.redis.prefix,
        concurrency: 4,
        settings: { backoffStrategy: rotationBackoffStrategy },
      });
      workers.push(worker);
      // Sweeps every second from both schedulers: a target must not be enqueued again once rotated.
      schedulers.push(await startScheduler(rotor, { scheduling: { sweepEvery: 1_000 } }));
    }
    const services = [0, 1].map(() => makeRotationClient({ config, logger: silentLogger }));
    try {
      await Promise.all(
        services.flatMap((service, n) =>
          config.targets
            .filter((t) => t.id.startsWith('asked-'))
            .map((t) => service.enqueueRotation(t.id, { requestedBy: `api:service-${n}`, reason: 'scale-out test' })),
        ),
      );
    } finally {
      await Promise.all(services.map((s) => s.close()));
    }

    const rotated = async () => {
      const versions = await Promise.all(config.targets.map((t) => rotors[0]?.store.readSecret(t.secretPath)));
      return versions.filter((v) => (v?.version ?? 0) >= 2).length;
    };
    const deadline = Date.now() + 30_000;
    while ((await rotated()) < config.targets.length && Date.now() < deadline) await sleep(100);
    expect(await rotated()).toBe(25);
    // Let a few more sweeps run: a duplicate would show up now.
    await sleep(2_500);

    const changes = sim.requests('iam.changePassword').filter((r) => r.status === 204);
    const perUser = new Map<string, number>();
    for (const r of changes) perUser.set(r.path, (perUser.get(r.path) ?? 0) + 1);
    expect(perUser.size).toBe(25);
    expect([...perUser.values()].every((n) => n === 1)).toBe(true);
    for (const t of config.targets) expect((await rotors[0]?.store.readSecret(t.secretPath))?.version).toBe(2);
    // Both scheduler processes share one set of schedules.
    expect(await schedulers[0]?.queue.getJobSchedulersCount()).toBe(11);
  }, 60_000);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
