import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { makeRedisAuditLog } from '../../src/audit/redisAuditLog.js';
import { outboxKeys } from '../../src/events/outboxKeys.js';
import { silentLogger } from '../../src/observability/logger.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';

describe('the events outbox', () => {
  const redis = new Redis(process.env.ROTOR_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `test-${randomUUID()}`;
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, `${prefix}:`);
    await redis.quit();
  });

  it('gets an entry in the same append as each announced audit event, and none for the others', async () => {
    const keys = outboxKeys(prefix);
    const log = makeRedisAuditLog({ redis, prefix, logger: silentLogger, outboxKey: keys.outbox });
    const base = { actor: 'worker', targetId: 't1', kind: 'huawei-iam-user', rotationId: 'r1' };
    await Promise.all([
      log.append({ ...base, type: 'rotation.step', step: 'commit' }),
      log.append({ ...base, type: 'rotation.failed', outcome: 'retry_scheduled', errorCode: 'Throttled' }),
      log.append({ ...base, type: 'rotation.succeeded', outcome: 'succeeded', detail: { version: 3 } }),
      log.append({ ...base, type: 'rotation.failed', outcome: 'failed', errorCode: 'AuthFailed' }),
      log.append({ ...base, type: 'rotation.out_of_sync', errorCode: 'OutOfSync' }),
    ]);
    await log.flush();
    const entries = (await redis.xrange(keys.outbox, '-', '+')) as Array<[string, string[]]>;
    const records = entries.map(([, f]) => JSON.parse(f[1] as string) as { type: string; seq: number; hash: string });
    expect(records.map((r) => r.type)).toEqual(['rotation.succeeded', 'rotation.failed', 'rotation.out_of_sync']);
    // Each outbox entry is the chained audit record itself: its hash becomes the CloudEvent id.
    const chain = await log.read();
    for (const r of records) expect(chain.find((e) => e.seq === r.seq)?.hash).toBe(r.hash);
  });
});
