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
    await redis.del(
      `${prefix}:rate:http://rate.example`,
      `${prefix}:rate:http://fast.example`,
      `${prefix}:rate:http://slow.example`,
    );
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

  /** Sends `count` requests one after another through a gate; the script calls and their replies. */
  async function oneAfterAnother(origin: string, perSecond: number, count: number) {
    const gate = makeSharedRateGates(redis, prefix, silentLogger)(origin, perSecond, 1);
    const calls = jest.spyOn(redis, 'evalsha');
    const started = performance.now();
    for (let i = 0; i < count; i++) await gate.take();
    const ms = performance.now() - started;
    const replies = await Promise.all(calls.mock.results.map((r) => r.value as Promise<unknown>));
    calls.mockRestore();
    return { ms, roundTrips: replies.length, slots: replies.flatMap((r) => (Array.isArray(r) ? r : [r])).length };
  }

  it('at a rate whose slots are shorter than a round trip, takes the next 2 ms of slots in each call', async () => {
    // 20,000/s: a slot every 0.05 ms, 40 of them in 2 ms.
    const { ms, roundTrips, slots } = await oneAfterAnother('http://fast.example', 20_000, 400);
    expect(roundTrips).toBeLessThanOrEqual(Math.ceil(400 / 41) + 1);
    // Every request still had a slot of its own on the shared timeline, and no more were reserved
    // than the requests plus one call's slots ahead.
    expect(slots).toBeGreaterThanOrEqual(400);
    expect(slots).toBeLessThanOrEqual(400 + 40);
    expect(ms).toBeGreaterThanOrEqual(399 * 0.05 - 2);
  });

  it('at ordinary rates reserves exactly one slot per request', async () => {
    const { ms, roundTrips, slots } = await oneAfterAnother('http://slow.example', 100, 5);
    expect(roundTrips).toBe(5);
    expect(slots).toBe(5);
    expect(ms).toBeGreaterThanOrEqual(4 * 10 - 5);
  });

  it('takes a fresh slot when the reservation is read late, instead of bunching with the next slots', async () => {
    const gate = makeSharedRateGates(redis, prefix, silentLogger)('http://late.example', 100, 1);
    const calls = jest.spyOn(redis, 'evalsha');
    const taken = gate.take();
    // The event loop is busy while the reply arrives: it is read 60 ms after its slot (10 ms apart).
    const until = performance.now() + 60;
    while (performance.now() < until) {
      // busy
    }
    await taken;
    const roundTrips = calls.mock.calls.length;
    calls.mockRestore();
    await redis.del(`${prefix}:rate:http://late.example`);
    expect(roundTrips).toBe(2);
  });
});
