import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { makeRotateProcessor } from '../../jobs/rotate.js';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import type { AuditEvent } from '../../src/audit/types.js';
import { configSchemaFor, type RotorConfig } from '../../src/config/schema.js';
import { connectors } from '../../src/connectors/registry.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { silentLogger } from '../../src/observability/logger.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { rotateQueueName } from '../../src/queue/names.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { makeRotationClient, type RotationClient } from '../../src/queue/rotationClient.js';
import { startRotationWorker, type RotationWorker } from '../../src/queue/startWorker.js';
import { redisUrl } from '../helpers/rotorFixture.js';
import { startTinyTarget, tinyConnector, type TinyTarget } from './throwawayConnector.js';

/**
 * A kind of target that exists only in this test: its descriptor is added to the registry handed to
 * the config schema and to `makeRotor`, nothing in src/ changes, and a real BullMQ worker on real Redis
 * rotates it against a tiny HTTP server.
 */
const registry = { ...connectors, 'tiny-test-kind': tinyConnector };
const initial = 'Initial-Passw0rd-tiny!';

let vault: VaultEmulator;
let tiny: TinyTarget;
let rotor: Rotor;
let worker: RotationWorker;
let client: RotationClient;
let config: RotorConfig;
const events: Omit<AuditEvent, 'time'>[] = [];
const prefix = `test-${randomUUID()}`;

beforeAll(async () => {
  vault = await startVaultEmulator();
  tiny = await startTinyTarget(initial);
  vault.kvPut('secret', 'tiny/alice', { password: initial, owner: 'team-t' });
  config = configSchemaFor(registry).parse({
    redis: { url: redisUrl, prefix },
    vault: { address: vault.url, auth: { method: 'token', token: vault.rootToken } },
    targets: [
      { id: 'tiny-alice', kind: 'tiny-test-kind', endpoint: tiny.url, account: 'alice', secretPath: 'tiny/alice' },
    ],
  });
  const audit = { append: async (e: Omit<AuditEvent, 'time'>) => void events.push(e) };
  rotor = await makeRotor(config, silentLogger, { connectors: registry, audit });
  worker = await startRotationWorker(rotor, makeRotateProcessor(rotor), { concurrency: 1 });
  client = makeRotationClient({ config, audit });
}, 30_000);

afterAll(async () => {
  await client?.close();
  await worker?.close(5_000);
  await rotor?.close();
  await tiny?.close();
  await vault?.close();
  const redis = makeRedisConnection(redisUrl);
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('a connector kind added through the registry alone', () => {
  it('is validated by the config schema built from the registry, and unknown to production’s', () => {
    expect(config.targets[0]?.kind).toBe('tiny-test-kind');
    const result = configSchemaFor(connectors).safeParse({
      vault: { address: vault.url, auth: { method: 'token', token: 't' } },
      targets: [{ id: 'x', kind: 'tiny-test-kind', endpoint: tiny.url, account: 'a', secretPath: 'tiny/x' }],
    });
    expect(result.success).toBe(false);
  });

  it('is rotated by the real worker: the tiny server and Vault hold the same new password', async () => {
    const request = await client.enqueueRotation('tiny-alice', { requestedBy: 'test' });
    const [result] = await client.waitForRotations([request], { timeoutMs: 30_000 });
    expect(result?.status).toBe('succeeded');
    const secret = await rotor.store.readSecret('tiny/alice');
    expect(secret?.password).toBe(tiny.password);
    expect(tiny.password).not.toBe(initial);
    expect(tiny.changes).toBe(1);
    // The kind's own rules were applied: its special set and its names.
    expect(tiny.password).toMatch(/^[A-Za-z0-9!@#%+=]{16,40}$/);
    expect(tiny.password.toLowerCase()).not.toContain('alice');
    expect(secret?.data.owner).toBe('team-t');
  }, 40_000);

  it('has the audit events that led to the change in the chain before the change arrives, the rest when the rotation ends', async () => {
    events.length = 0;
    let atChange: string[] = [];
    tiny.onChange = () => (atChange = events.map((e) => e.step ?? e.type));
    try {
      const request = await client.enqueueRotation('tiny-alice', { requestedBy: 'test' });
      const [result] = await client.waitForRotations([request], { timeoutMs: 30_000 });
      expect(result?.status).toBe('succeeded');
    } finally {
      tiny.onChange = undefined;
    }
    expect(atChange).toEqual(['rotation.requested', 'rotation.started', 'prepare']);
    expect(events.map((e) => e.step ?? e.type)).toEqual([
      'rotation.requested',
      'rotation.started',
      'prepare',
      'commit',
      'verify',
      'finalize',
      'rotation.succeeded',
    ]);
  }, 40_000);

  it('waits exactly the retry delay it audited after a failed attempt', async () => {
    tiny.failChanges = 1;
    events.length = 0;
    const request = await client.enqueueRotation('tiny-alice', { requestedBy: 'test' });
    const connection = makeRedisConnection(redisUrl);
    const q = new Queue(rotateQueueName, { connection, prefix });
    try {
      const deadline = Date.now() + 15_000;
      let failed: Omit<AuditEvent, 'time'> | undefined;
      while (!failed && Date.now() < deadline) {
        failed = events.find((e) => e.type === 'rotation.failed');
        if (!failed) await new Promise((r) => setTimeout(r, 50));
      }
      expect(failed?.outcome).toBe('retry_scheduled');
      const audited = (failed?.detail as { retryInMs?: number } | undefined)?.retryInMs;
      expect(typeof audited).toBe('number');
      // BullMQ's record of the job: the delay it applied to the retry.
      let job = await q.getJob(request.jobId);
      while ((await q.getJobState(request.jobId)) === 'active' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        job = await q.getJob(request.jobId);
      }
      expect(job?.attemptsMade).toBe(1);
      expect(job?.delay).toBe(audited);
      const [result] = await client.waitForRotations([request], { timeoutMs: 30_000 });
      expect(result?.status).toBe('succeeded');
      expect((await rotor.store.readSecret('tiny/alice'))?.password).toBe(tiny.password);
    } finally {
      await q.close();
      await connection.quit();
    }
  }, 40_000);
});
