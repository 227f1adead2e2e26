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
    calls.mockRestore();
    // One slot each, 5 ms apart: the last of 40 cannot leave before 39 slots have passed.
    expect(Math.max(...done)).toBeGreaterThanOrEqual((count - 1) * (1000 / perSecond) - 5);
    // Requests that asked while a reservation was on its way went together in the next one.
    expect(calls.mock.calls.length).toBeLessThan(count);
    // The timeline is where 40 single reservations would have left it.
    const tat = Number(await redis.get(`${prefix}:rate:http://rate.example`));
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    expect(tat).toBeGreaterThan(now - 1000 / perSecond);
  });
});
