import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { call, iamLogin } from './huaweiSimHelpers.js';

/** The admin API under /__sim/ drives the simulator from outside the process (rotor sim, docker compose). */
describe('the simulator admin API', () => {
  let sim: HuaweiSimulator;
  beforeAll(async () => {
    sim = await startHuaweiSimulator();
  });
  afterAll(() => sim.close());

  it('seeds an IAM user over HTTP', async () => {
    const seeded = await call(sim.url, 'POST', '/__sim/seed/iam-user', {
      userId: 'u-http',
      userName: 'http',
      domainName: 'adm',
      password: 'Http-Passw0rd!',
    });
    expect(seeded.status).toBe(201);
    expect((await iamLogin(sim.url, 'http', 'Http-Passw0rd!', 'adm')).status).toBe(201);
  });

  it('injects a 429 APIG.0308 with Retry-After for the next matching request only', async () => {
    expect(
      (await call(sim.url, 'POST', '/__sim/faults', { route: 'iam.token', kind: 'throttle', retryAfterS: 7 })).status,
    ).toBe(201);
    const throttled = await iamLogin(sim.url, 'http', 'Http-Passw0rd!', 'adm');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect(throttled.body).toMatchObject({
      error_code: 'APIG.0308',
      error_msg: expect.stringContaining('throttling threshold'),
    });
    expect(typeof throttled.body.request_id).toBe('string');
    expect((await iamLogin(sim.url, 'http', 'Http-Passw0rd!', 'adm')).status).toBe(201);
  });

  it('adds latency and answers 5xx as asked', async () => {
    await call(sim.url, 'POST', '/__sim/faults', [
      { route: 'iam.token', kind: 'latency', ms: 150 },
      { route: 'iam.token', kind: 'status', status: 500, body: 'none' },
    ]);
    const started = Date.now();
    expect((await iamLogin(sim.url, 'http', 'Http-Passw0rd!', 'adm')).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const failed = await iamLogin(sim.url, 'http', 'Http-Passw0rd!', 'adm');
    expect([failed.status, failed.body]).toEqual([500, {}]);
  });

  it('drops the connection after applying a change', async () => {
    sim.inject({ route: 'iam.changePassword', kind: 'applyThenDrop' });
    const token = (await iamLogin(sim.url, 'http', 'Http-Passw0rd!', 'adm')).headers.get('x-subject-token')!;
    const attempt = call(
      sim.url,
      'POST',
      '/v3/users/u-http/password',
      { user: { password: 'Dropped-Pa55#1', original_password: 'Http-Passw0rd!' } },
      { 'X-Auth-Token': token },
    );
    await expect(attempt).rejects.toThrow();
    expect(sim.iam.livePassword('u-http')).toBe('Dropped-Pa55#1');
  });

  it('moves the clock, and lists faults, requests and per-route counters', async () => {
    const before = sim.clock.now();
    const moved = await call(sim.url, 'POST', '/__sim/clock', { advanceMs: 60_000 });
    expect(moved.body.now as number).toBeGreaterThanOrEqual(before + 60_000);
    await call(sim.url, 'POST', '/__sim/faults', { route: '*', kind: 'hang', times: 3 });
    expect((await call(sim.url, 'GET', '/__sim/faults')).body.faults).toEqual([{ route: '*', kind: 'hang', times: 3 }]);
    expect((await call(sim.url, 'DELETE', '/__sim/faults')).status).toBe(204);
    const counters = (await call(sim.url, 'GET', '/__sim/counters')).body.counters as Record<string, number>;
    expect(counters['iam.token']).toBeGreaterThanOrEqual(6);
    const requests = (await call(sim.url, 'GET', '/__sim/requests')).body.requests as {
      route: string;
      fault?: string;
    }[];
    expect(requests.filter((r) => r.fault === 'throttle')).toHaveLength(1);
  });

  it('refuses a malformed fault with 400', async () => {
    expect((await call(sim.url, 'POST', '/__sim/faults', { route: 'iam.token', kind: 'explode' })).status).toBe(400);
  });
});
