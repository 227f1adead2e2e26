import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import { configSchema, type RotorConfig } from '../../src/config/schema.js';
import {
  startHuaweiSimulator,
  type HuaweiSimulator,
  type HuaweiSimulatorOptions,
} from '../../src/dev/huaweiSimulator.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import type { Logger } from '../../src/observability/logger.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { rotateQueueName } from '../../src/queue/names.js';
import { makeConnectionSet, makeRedisConnection } from '../../src/queue/redis.js';
import { startRotationWorker } from '../../src/queue/startWorker.js';
import { makeRotateProcessor } from '../../jobs/rotate.js';

export const redisUrl = process.env.ROTOR_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface IamSeed {
  id: string;
  userId: string;
  userName: string;
  password: string;
}

/**
 * Real servers for one test file: the Huawei simulator, the Vault emulator, real Redis under a
 * fresh prefix (`test-<uuid>`), and a config with `iamUsers` seeded on both sides.
 */
export interface RotorFixture {
  sim: HuaweiSimulator;
  vault: VaultEmulator;
  prefix: string;
  redis: Redis;
  config: RotorConfig;
  users: IamSeed[];
  startWorker(rotor: Rotor, concurrency?: number): Promise<{ queue: Queue; events: QueueEvents; worker: Worker }>;
  close(): Promise<void>;
}

export async function makeRotorFixture(opts: {
  iamUsers: number;
  logger: Logger;
  /** Simulator options (e.g. API Gateway throttling). */
  sim?: HuaweiSimulatorOptions;
}): Promise<RotorFixture> {
  const sim = await startHuaweiSimulator(opts.sim);
  const vault = await startVaultEmulator();
  const prefix = `test-${randomUUID()}`;
  const redis = makeRedisConnection(redisUrl);
  const users: IamSeed[] = Array.from({ length: opts.iamUsers }, (_, i) => ({
    id: `iam-user-${i}`,
    userId: `u${randomUUID().replace(/-/g, '')}`,
    userName: `user${i}`,
    password: `Seed-${randomUUID()}`,
  }));
  for (const u of users) {
    sim.iam.seedUser({ userId: u.userId, userName: u.userName, domainName: 'acme', password: u.password });
    vault.kvPut('secret', `huawei/iam/${u.id}`, { password: u.password, owner: 'team-a' });
  }
  const config = configSchema.parse({
    redis: { url: redisUrl, prefix },
    vault: { address: vault.url, auth: { method: 'token', token: vault.rootToken } },
    policies: { strong: { length: 24, lower: 2, upper: 2, digits: 2, special: 2, specialChars: '!@#$%^&*-_=+' } },
    targets: users.map((u) => ({
      id: u.id,
      kind: 'huawei-iam-user',
      endpoint: sim.url,
      userId: u.userId,
      userName: u.userName,
      domainName: 'acme',
      secretPath: `huawei/iam/${u.id}`,
      policy: 'strong',
      http: { ratePerSecond: 1000, rateBurst: 100 },
    })),
  });
  const closers: (() => Promise<unknown>)[] = [];
  const connections = makeConnectionSet(redisUrl);
  return {
    sim,
    vault,
    prefix,
    redis,
    config,
    users,
    async startWorker(rotor, concurrency = 4) {
      const queue = new Queue(rotateQueueName, { connection: connections.create(), prefix });
      const events = new QueueEvents(rotateQueueName, { connection: connections.create(), prefix });
      const running = await startRotationWorker(rotor, makeRotateProcessor(rotor), { concurrency });
      const worker = running.worker;
      closers.push(
        () => running.close(5_000),
        () => events.close(),
        () => queue.close(),
      );
      await events.waitUntilReady();
      return { queue, events, worker };
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await connections.closeAll();
      await deleteKeysWithPrefix(redis, `${prefix}:`);
      redis.disconnect();
      await sim.close();
      await vault.close();
    },
  };
}

export { makeRotor };
