import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { describeWithOwnRedis } from '../helpers/redisServer.js';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { makeRedisAuditLog } from '../../src/audit/redisAuditLog.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import { ConfigError } from '../../src/config/problems.js';
import type { RotorConfig } from '../../src/config/schema.js';
import { silentLogger } from '../../src/observability/logger.js';
import { makeClientSet, makeRedisClient, redisSettingsOf } from '../../src/queue/cluster.js';
import { rotateQueueName } from '../../src/queue/names.js';
import { assertRedisReachable } from '../../src/queue/redis.js';
import { makeRotationClient } from '../../src/queue/rotationClient.js';
import { captureLogs } from '../helpers/logCapture.js';
import { runCli } from '../helpers/runCli.js';
import { makeTestPki, startTlsCluster, startTlsRedis, type TestPki, type TlsRedis } from '../helpers/tlsRedis.js';

const password = `acl-${randomBytes(12).toString('hex')}`;

/** A config file as a user writes it: the ACL password comes from the environment. */
function configText(redis: TlsRedis, tls: Record<string, string>, prefix: string): string {
  return [
    'redis:',
    `  url: '${redis.url}'`,
    `  prefix: ${prefix}`,
    '  username: rotor',
    "  password: '${ROTOR_REDIS_PASSWORD}'",
    `  tls: ${JSON.stringify(tls)}`,
    "vault: { address: 'http://127.0.0.1:1', auth: { method: token, token: unused } }",
    'targets:',
    '  - { id: iam-alice, kind: huawei-iam-user, endpoint: "https://iam.example.com", userId: u1, userName: alice, domainName: acme, secretPath: huawei/iam/alice }',
  ].join('\n');
}

/** Starts a BullMQ worker on the configured Redis and resolves with the id of the first job it takes. */
async function takeOneJob(config: RotorConfig): Promise<string | undefined> {
  const clients = makeClientSet(redisSettingsOf(config.redis));
  let taken: (id: string | undefined) => void = () => undefined;
  const took = new Promise<string | undefined>((resolve) => (taken = resolve));
  const worker = new Worker(rotateQueueName, async (job) => taken(job.id), {
    connection: clients.create(),
    prefix: config.redis.prefix,
  });
  try {
    return await took;
  } finally {
    await worker.close();
    await clients.closeAll();
  }
}

describeWithOwnRedis('Redis over TLS with a private CA, a client certificate and an ACL user', () => {
  let pki: TestPki;
  let redis: TlsRedis;
  let good: Record<string, string>;
  const prefix = `test-${randomUUID()}`;
  const load = (tls: Record<string, string>): RotorConfig =>
    parseConfig(configText(redis, tls, prefix), 'rotor.yaml', { ROTOR_REDIS_PASSWORD: password });

  beforeAll(async () => {
    pki = await makeTestPki();
    redis = await startTlsRedis(pki, password);
    good = { caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey };
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
    await pki?.remove();
  });

  it('enqueues a rotation and appends its audit event through the TLS connection, as the ACL user', async () => {
    const config = load(good);
    const settings = redisSettingsOf(config.redis);
    await assertRedisReachable(settings);
    const logs = captureLogs();
    const client = makeRotationClient({ config, logger: logs.logger });
    try {
      const enqueued = await client.enqueueRotation('iam-alice', { requestedBy: 'cli:alice', reason: 'tls check' });
      expect(enqueued.state).toBe('added');
      expect((await client.queue.getJob(enqueued.jobId))?.data).toMatchObject({ targetId: 'iam-alice' });
      expect(await client.redis.call('ACL', 'WHOAMI')).toBe('rotor');
      // A BullMQ worker (blocking connections of its own) takes the job over the same TLS settings.
      await expect(takeOneJob(config)).resolves.toBe(enqueued.jobId);
    } finally {
      await client.close();
    }
    const reader = makeRedisClient(settings, { maxRetriesPerRequest: 1 }) as Redis;
    const audit = makeRedisAuditLog({ redis: reader, prefix, logger: silentLogger });
    try {
      const events = await audit.read();
      expect(events.map((e) => [e.type, e.targetId])).toEqual([['rotation.requested', 'iam-alice']]);
      expect((await audit.verify()).ok).toBe(true);
    } finally {
      await audit.close();
      reader.disconnect();
    }
    expect(logs.text()).not.toContain(password);
  });

  it('refuses a Redis whose certificate the configured CA did not sign, and says which field to fix', async () => {
    const settings = redisSettingsOf(load({ ...good, caFile: pki.otherCaFile }).redis);
    await expect(assertRedisReachable(settings)).rejects.toThrow(
      new RegExp(`TLS certificate was not accepted .*redis\\.tls\\.caFile \\(${pki.otherCaFile}\\) did not sign it`),
    );
  });

  it('refuses a Redis with a private CA when no caFile is given (public roots only)', async () => {
    const settings = redisSettingsOf(load({ certFile: pki.clientCert, keyFile: pki.clientKey }).redis);
    await expect(assertRedisReachable(settings)).rejects.toThrow(/no redis\.tls\.caFile is set/);
  });

  it('asks for a client certificate when Redis closes a TLS connection that has none', async () => {
    const settings = redisSettingsOf(load({ caFile: pki.caFile }).redis);
    await expect(assertRedisReachable(settings)).rejects.toThrow(
      // Depending on timing the client sees Redis's "certificate required" alert or just the closed
      // connection; either way the message names the two fields to set.
      /(closed the TLS connection .*wants a client certificate|refused rotor's client certificate).*[:;] set redis\.tls\.certFile and redis\.tls\.keyFile/,
    );
  });

  it('says so when the ACL password is wrong, without echoing any password', async () => {
    const config = load(good);
    const settings = { ...redisSettingsOf(config.redis), password: 'not-the-password' };
    const err = await assertRedisReachable(settings).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/refused the login of ACL user "rotor" \(WRONGPASS\).*redis\.password/);
    expect(err?.message).not.toContain('not-the-password');
    expect(err?.message).not.toContain(password);
  });

  it('makes `rotor status` exit with the TLS fix when the CA is wrong, and never prints the password', async () => {
    const file = join(pki.dir, 'wrong-ca.yaml');
    await writeFile(file, configText(redis, { ...good, caFile: pki.otherCaFile }, prefix));
    const res = await runCli(['--config', file, 'status', '--json'], { ROTOR_REDIS_PASSWORD: password }, 30_000);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('TLS certificate was not accepted');
    expect(res.stderr).toContain('redis.tls.caFile');
    expect(res.stdout + res.stderr).not.toContain(password);
  });

  it('rejects TLS settings with a plain redis:// url, or a client certificate without its key', () => {
    const problems = (text: string): string[] => {
      try {
        parseConfig(text, 'rotor.yaml', { ROTOR_REDIS_PASSWORD: password });
        return [];
      } catch (err) {
        return err instanceof ConfigError ? err.problems.map((p) => `${p.path}: ${p.message}`) : [String(err)];
      }
    };
    const vault = "vault: { address: 'http://127.0.0.1:1', auth: { method: token, token: unused } }";
    expect(problems(`redis: { url: 'redis://127.0.0.1:6379', tls: { caFile: /ca.pem } }\n${vault}`)).toEqual([
      'redis.url: expected a rediss:// url when redis.tls is set (TLS); redis:// would connect in plain text, got "redis://127.0.0.1:6379"',
    ]);
    expect(problems(`redis: { url: 'rediss://h:6379', tls: { certFile: /c.pem } }\n${vault}`)).toEqual([
      'redis.tls.keyFile: certFile and keyFile go together: give both or neither, got nothing',
    ]);
    expect(problems(`redis: { url: 'rediss://h:6379', tls: { insecureSkipVerify: true } }\n${vault}`)).toEqual([
      'redis.tls: unknown key "insecureSkipVerify"',
    ]);
    expect(
      problems(`redis: { url: 'rediss://u:pw@h:6379', username: u, password: '\${ROTOR_REDIS_PASSWORD}' }\n${vault}`),
    ).toEqual([
      'redis.url: expected the ACL user in one place: redis.username and redis.password, or the url, not both',
    ]);
  });
});

describeWithOwnRedis('Redis Cluster over TLS with a private CA, a client certificate and an ACL user', () => {
  let pki: TestPki;
  let cluster: Awaited<ReturnType<typeof startTlsCluster>>;

  beforeAll(async () => {
    pki = await makeTestPki();
    cluster = await startTlsCluster(pki, password);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await pki?.remove();
  });

  it('enqueues a rotation, appends its audit event and hands the job to a worker on every node over TLS', async () => {
    const prefix = `{test-${randomUUID().slice(0, 8)}}`;
    const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`);
    const text = [
      'redis:',
      `  url: '${cluster.url}'`,
      `  prefix: '${prefix}'`,
      '  username: rotor',
      "  password: '${ROTOR_REDIS_PASSWORD}'",
      `  cluster: { nodes: ${JSON.stringify(nodes)} }`,
      `  tls: ${JSON.stringify({ caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey })}`,
      "vault: { address: 'http://127.0.0.1:1', auth: { method: token, token: unused } }",
      'targets:',
      '  - { id: iam-bob, kind: huawei-iam-user, endpoint: "https://iam.example.com", userId: u2, userName: bob, domainName: acme, secretPath: huawei/iam/bob }',
    ].join('\n');
    const config = parseConfig(text, 'rotor.yaml', { ROTOR_REDIS_PASSWORD: password });
    const client = makeRotationClient({ config });
    try {
      const enqueued = await client.enqueueRotation('iam-bob', { requestedBy: 'cli:bob' });
      expect(enqueued.state).toBe('added');
      await expect(takeOneJob(config)).resolves.toBe(enqueued.jobId);
    } finally {
      await client.close();
    }
    const reader = makeRedisClient(redisSettingsOf(config.redis), { maxRetriesPerRequest: 1 });
    const audit = makeRedisAuditLog({ redis: reader as Redis, prefix, logger: silentLogger });
    try {
      expect((await audit.read()).map((e) => [e.type, e.targetId])).toEqual([['rotation.requested', 'iam-bob']]);
    } finally {
      await audit.close();
      await reader.quit();
    }
  });
});
