import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis, type RedisOptions } from 'ioredis';
import { auditKeys } from '../../src/audit/appendScript.js';
import { makeRedisAuditLog } from '../../src/audit/redisAuditLog.js';
import { assertNoSecret, isSecretFieldName } from '../../src/audit/secretGuard.js';
import { connect, dropPrefix, redisUrl, sampleEvent, silentLogger, testPrefix } from './redisTestKit.js';

describe('assertNoSecret', () => {
  it('refuses fields named like secrets at any depth and names the field, never the value', () => {
    const event = { type: 'rotation.step', detail: { newPassword: 'Zq8!hunter2-Kx' } };
    expect(() => assertNoSecret(event)).toThrow('audit: refused event.detail.newPassword: a field named like a secret');
    expect(() => assertNoSecret(event)).not.toThrow(/hunter2/);
    for (const name of ['password', 'X-Auth-Token', 'secret_id', 'sk', 'vaultToken', 'client_secret', 'jwt']) {
      expect(isSecretFieldName(name)).toBe(true);
    }
  });

  it('lets ordinary audit fields through, including names that merely mention secrets', () => {
    for (const name of ['secretPath', 'rotationId', 'targetId', 'tokenExpiresAt', 'verified']) {
      expect(isSecretFieldName(name)).toBe(false);
    }
    expect(() => assertNoSecret({ ...sampleEvent(1), detail: { secretPath: 'huawei/iam/alice' } })).not.toThrow();
  });

  it('refuses values shaped like credentials whatever the field is called', () => {
    const values = [
      'Bearer abc.def.ghi',
      'hvs.CAESIJ1234567890abcdefghijklmn',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZw',
      'login failed with password=Hunter2!',
      '-----BEGIN RSA PRIVATE KEY-----',
    ];
    for (const value of values) expect(() => assertNoSecret({ detail: { reason: value } })).toThrow(/looks like/);
  });
});

describe('the Redis audit log and secrets', () => {
  const prefix = testPrefix();
  const redis = connect();

  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  /**
   * Other suites use the same Redis: their commands can reach the MONITOR connection in the same read as
   * its OK, before ioredis is in monitor mode, and ioredis emits each one as an error ("Command queue state
   * error"). `redis.monitor()` attaches our listener only after that, so the error would be thrown: open
   * the connection ourselves with the listener in place. Those lines precede this test's own commands,
   * which are sent only once MONITOR is on.
   */
  async function openMonitor(): Promise<Redis> {
    const monitor = new Redis(redisUrl, { monitor: true, lazyConnect: true } as RedisOptions);
    monitor.on('error', () => undefined);
    const monitoring = new Promise<void>((resolve) => monitor.once('monitoring', () => resolve()));
    await monitor.connect();
    await monitoring;
    return monitor;
  }

  it('a password handed to the audit log never reaches Redis, as seen by MONITOR', async () => {
    const password = `Pw-${Math.random().toString(36).slice(2)}!Aa9`;
    const seen: string[] = [];
    const monitor = await openMonitor();
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args.join(' ')));

    const log = makeRedisAuditLog({ redis, prefix, logger: silentLogger });
    try {
      await log.append(sampleEvent(1, { type: 'rotation.started' }));
      await expect(log.append({ ...sampleEvent(2), detail: { password } })).rejects.toThrow(/event.detail.password/);
      await expect(log.append({ ...sampleEvent(3), detail: { reason: `token=${password}` } })).rejects.toThrow(
        /looks like a key=value credential/,
      );
      await log.append(sampleEvent(4, { type: 'rotation.succeeded', outcome: 'succeeded' }));
      await redis.ping(); // MONITOR sees commands in order: once the ping is seen, all appends are too.
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      // A failure must not leave the MONITOR connection open: it would keep the test process alive.
      monitor.disconnect();
      await log.close();
    }

    expect(seen.some((line) => line.includes(auditKeys(prefix).stream))).toBe(true);
    expect(seen.filter((line) => line.includes(password))).toEqual([]);
    const stored = JSON.stringify(await redis.xrange(auditKeys(prefix).stream, '-', '+'));
    expect(stored).not.toContain(password);
    expect((await log.read()).map((e) => e.type)).toEqual(['rotation.started', 'rotation.succeeded']);
  });
});
