import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AuditEvent, AuditSink } from '../../src/audit/types.js';
import { configSchema, type RotorConfig, type TargetConfig } from '../../src/config/schema.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import type { EnqueueContext, RotationQueue } from '../../src/queue/enqueueRotation.js';
import { rotateQueueName } from '../../src/queue/names.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { makeVaultStore, type VaultStore } from '../../src/secrets/index.js';

export const redisUrl = process.env.ROTOR_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A raw IAM target (as in YAML); the endpoint is never called by scheduling tests. */
export function iamTarget(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    kind: 'huawei-iam-user',
    endpoint: 'http://127.0.0.1:9',
    userId: `u-${id}`,
    userName: id,
    domainName: 'acme',
    secretPath: `huawei/iam/${id}`,
    ...extra,
  };
}

export function makeConfig(opts: {
  prefix: string;
  vaultUrl?: string;
  token?: string;
  targets: unknown[];
}): RotorConfig {
  return configSchema.parse({
    redis: { url: redisUrl, prefix: opts.prefix },
    vault: { address: opts.vaultUrl ?? 'http://127.0.0.1:9', auth: { method: 'token', token: opts.token ?? 'unused' } },
    targets: opts.targets,
  });
}

/** Audit events kept in memory, to assert who asked for what. */
export function memoryAudit(): AuditSink & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return {
    events,
    async append(event) {
      events.push({ ...event, time: new Date().toISOString() });
    },
  };
}

/**
 * Real Redis under a fresh prefix and a Vault emulator holding each target's secret; no Huawei
 * simulator, since nothing here rotates (jobs are only enqueued).
 */
export interface SchedulingFixture {
  prefix: string;
  redis: Redis;
  vault: VaultEmulator;
  store: VaultStore;
  audit: ReturnType<typeof memoryAudit>;
  rotateQueue: RotationQueue;
  config(targets: unknown[]): RotorConfig;
  enqueueContext(config: RotorConfig): EnqueueContext;
  /** Stamps `custom_metadata.rotated_at` as a finished rotation would. */
  stampRotatedAt(target: TargetConfig, at: Date): Promise<void>;
  close(): Promise<void>;
}

export async function makeSchedulingFixture(seedIds: string[] = []): Promise<SchedulingFixture> {
  const prefix = `test-${randomUUID()}`;
  const redis = makeRedisConnection(redisUrl);
  const vault = await startVaultEmulator();
  for (const id of seedIds) vault.kvPut('secret', `huawei/iam/${id}`, { password: `Seed-${randomUUID()}` });
  const vaultConfig = { address: vault.url, auth: { method: 'token', token: vault.rootToken } };
  const store = await makeVaultStore(configSchema.shape.vault.parse(vaultConfig), { checkMount: false });
  const audit = memoryAudit();
  const queueConnection = makeRedisConnection(redisUrl);
  const rotateQueue: RotationQueue = new Queue(rotateQueueName, { connection: queueConnection, prefix });
  return {
    prefix,
    redis,
    vault,
    store,
    audit,
    rotateQueue,
    config: (targets) => makeConfig({ prefix, vaultUrl: vault.url, token: vault.rootToken, targets }),
    enqueueContext: (config) => {
      const byId = new Map(config.targets.map((t) => [t.id, t]));
      return { queue: rotateQueue, audit, target: (id) => byId.get(id), attempts: config.rotation.attempts };
    },
    async stampRotatedAt(target, at) {
      const res = await fetch(`${vault.url}/v1/secret/metadata/${target.secretPath}`, {
        method: 'POST',
        headers: { 'X-Vault-Token': vault.rootToken, 'content-type': 'application/json' },
        body: JSON.stringify({ custom_metadata: { rotated_at: at.toISOString(), rotor_target: target.id } }),
      });
      if (res.status !== 204) throw new Error(`stamping ${target.secretPath}: HTTP ${res.status}`);
    },
    async close() {
      await rotateQueue.close();
      await queueConnection.quit();
      await store.close();
      await deleteKeysWithPrefix(redis, `${prefix}:`);
      await redis.quit();
      await vault.close();
    },
  };
}
