import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { basic, call, iamLogin } from './huaweiSimHelpers.js';

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

  it('refuses a malformed fault with 400 saying what is wrong', async () => {
    expect((await call(sim.url, 'POST', '/__sim/faults', { route: 'iam.token', kind: 'explode' })).status).toBe(400);
    const noStatus = await call(sim.url, 'POST', '/__sim/faults', { route: 'iam.token', kind: 'reply' });
    expect([noStatus.status, noStatus.body.error]).toEqual([400, expect.stringContaining('status')]);
    const both = await call(sim.url, 'POST', '/__sim/faults', [
      { route: 'iam.token', kind: 'latency' },
      { route: 'iam.token', kind: 'reply', status: 200, body: 'x', json: {} },
    ]);
    expect([both.status, both.body.error]).toEqual([400, expect.stringMatching(/^fault 1: .*not both/)]);
    expect((await call(sim.url, 'GET', '/__sim/faults')).body.faults).toEqual([]);
  });

  describe('reply faults answer exactly what they are told and change nothing', () => {
    let token: string;
    const changeTo = (password: string, original: string) =>
      call(
        sim.url,
        'POST',
        '/v3/users/u-reply/password',
        { user: { password, original_password: original } },
        { 'X-Auth-Token': token },
      );
    beforeAll(async () => {
      sim.iam.seedUser({ userId: 'u-reply', userName: 'reply', domainName: 'adm', password: 'Reply-Passw0rd!' });
      token = (await iamLogin(sim.url, 'reply', 'Reply-Passw0rd!', 'adm')).headers.get('x-subject-token')!;
    });

    it('answers a proxy HTML page with 200', async () => {
      const html = '<html><body>Welcome to the proxy</body></html>';
      sim.inject({ route: 'iam.changePassword', kind: 'reply', status: 200, contentType: 'text/html', body: html });
      const r = await changeTo('Html-Passw0rd#1', 'Reply-Passw0rd!');
      expect([r.status, r.headers.get('content-type'), r.text]).toEqual([200, 'text/html', html]);
      expect(sim.iam.livePassword('u-reply')).toBe('Reply-Passw0rd!');
      expect(sim.requests('iam.changePassword').at(-1)).toMatchObject({ status: 200, fault: 'reply' });
    });

    it('answers an empty 200 with no body and no content type', async () => {
      sim.inject({ route: 'iam.changePassword', kind: 'reply', status: 200 });
      const r = await changeTo('Empty-Passw0rd#1', 'Reply-Passw0rd!');
      expect([r.status, r.text, r.headers.get('content-type')]).toEqual([200, '', null]);
      expect(sim.iam.livePassword('u-reply')).toBe('Reply-Passw0rd!');
    });

    it('answers a given JSON error body, installed over the admin API, as many times as asked', async () => {
      const weak = { error: { code: 400, message: 'The password is too weak.', title: 'Bad Request' } };
      const installed = await call(sim.url, 'POST', '/__sim/faults', {
        route: 'iam.changePassword',
        kind: 'reply',
        status: 400,
        json: weak,
        times: 2,
      });
      expect(installed.status).toBe(201);
      for (let i = 0; i < 2; i++) {
        const r = await changeTo('Strong-Passw0rd#9', 'Reply-Passw0rd!');
        expect([r.status, r.body]).toEqual([400, weak]);
        expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      }
      expect(sim.iam.livePassword('u-reply')).toBe('Reply-Passw0rd!');
      expect(sim.requests('iam.changePassword').at(-1)).toMatchObject({ status: 400, errorCode: '400' });
      // The third request is handled for real.
      expect((await changeTo('Strong-Passw0rd#9', 'Reply-Passw0rd!')).status).toBe(204);
      expect(sim.iam.livePassword('u-reply')).toBe('Strong-Passw0rd#9');
    });
  });

  it('locks, unlocks, disables and enables a Meeting account through the control API', async () => {
    await call(sim.url, 'POST', '/__sim/seed/meeting-account', { account: 'ctl@acme.com', password: 'Ctl-Passw0rd!' });
    const login = () =>
      call(
        sim.url,
        'POST',
        '/v1/usg/acs/auth/account',
        { account: 'ctl@acme.com', clientType: 72 },
        { Authorization: basic('ctl@acme.com', 'Ctl-Passw0rd!') },
      );
    const control = (name: string, body: unknown) => call(sim.url, 'POST', `/__sim/control/${name}`, body);
    expect((await control('meeting-lock', { account: 'ctl@acme.com', ms: 60_000 })).status).toBe(200);
    expect((await login()).status).toBe(423);
    await control('meeting-unlock', { account: 'ctl@acme.com' });
    expect((await login()).status).toBe(200);
    await control('meeting-disable', { account: 'ctl@acme.com' });
    expect((await login()).status).toBe(412);
    await control('meeting-enable', { account: 'ctl@acme.com' });
    expect((await login()).status).toBe(200);
    const unknown = await control('meeting-lock', { account: 'nobody@acme.com' });
    expect([unknown.status, unknown.body.error]).toEqual([400, 'no Meeting account "nobody@acme.com"']);
    expect((await control('meeting-lock', {})).status).toBe(400);
  });
});
