import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { makeSharedRateGates } from '../../src/connectors/huawei/sharedRateGate.js';
import { silentLogger } from '../../src/observability/logger.js';

const redisUrl = process.env.ROTOR_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('the shared rate gate', () => {
  const redis = new Redis(redisUrl);
  const prefix = `test-${randomUUID()}`;
  afterAll(async () => {
    await redis.del(`${prefix}:rate:http://rate.example`);
    await redis.quit();
  });

  it('gives requests asking at once a slot each, in fewer round trips than requests', async () => {
    const perSecond = 200;
    const gate = makeSharedRateGates(redis, prefix, silentLogger)('http://rate.example', perSecond, 1);
    const calls = jest.spyOn(redis, 'evalsha');
    const started = performance.now();
    const done: number[] = [];
    const count = 40;
    await Promise.all(
      Array.from({ length: count }, async () => {
        await gate.take();
        done.push(performance.now() - started);
      }),
    );
    const roundTrips = calls.mock.calls.length;
    const replies = await Promise.all(calls.mock.results.map((r) => r.value as Promise<unknown>));
    calls.mockRestore();
    // One slot each, 5 ms apart: the last of 40 cannot leave before 39 slots have passed.
    expect(Math.max(...done)).toBeGreaterThanOrEqual((count - 1) * (1000 / perSecond) - 5);
    // Requests that asked while a reservation was on its way went together in the next one.
    expect(roundTrips).toBeLessThan(count);
    // Redis reserved exactly one slot per request: as many waits in the replies as requests.
    expect(replies.flatMap((r) => (Array.isArray(r) ? r : [r]))).toHaveLength(count);
  });
});
