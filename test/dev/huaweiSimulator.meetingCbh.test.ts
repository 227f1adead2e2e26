import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { basic, call, expectMeetingRefusal, iamLogin, type Reply } from './huaweiSimHelpers.js';

let sim: HuaweiSimulator;
beforeAll(async () => {
  sim = await startHuaweiSimulator();
});
afterAll(() => sim.close());

describe('simulated Meeting', () => {
  async function token(account: string, password: string): Promise<string> {
    const r = await call(
      sim.url,
      'POST',
      '/v1/usg/acs/auth/account',
      { account, clientType: 72 },
      { Authorization: basic(account, password) },
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ validPeriod: expect.any(Number), expireTime: expect.any(Number), tokenType: 0 });
    return r.body.accessToken as string;
  }
  const change = (t: string, account: string, oldPwd: string, newPwd: string) =>
    call(sim.url, 'PUT', '/v1/usg/acs/password', { account, oldPwd, newPwd }, { 'X-Access-Token': t });

  it('enforces every documented newPwd rule, with USG codes or (strict docs) bare statuses', async () => {
    sim.meeting.seedAccount({ account: 'dora@acme.com', password: 'Dora-Old-Pa55!' });
    const t = await token('dora@acme.com', 'Dora-Old-Pa55!');
    const refused = async (newPwd: string, code: string) =>
      expectMeetingRefusal(sim.strictDocs, await change(t, 'dora@acme.com', 'Dora-Old-Pa55!', newPwd), 400, code);
    await refused('Short1!', 'USG.206030014');
    await refused('has space 123', 'USG.206030014');
    await refused('alllowercase', 'USG.206030014');
    await refused('Dora-Old-Pa55!', 'USG.206030013');
    await refused('Dora-Old-Pa55?', 'USG.206030013');
    await refused('Triple-111-Pw', 'USG.206030014');
    await refused('Xx-arod-Pw12', 'USG.206030014');
    const wrongOld = await change(t, 'dora@acme.com', 'nope', 'Good-Pa55word#1');
    expectMeetingRefusal(sim.strictDocs, wrongOld, 400, 'USG.206030006');
    expect(sim.meeting.livePassword('dora@acme.com')).toBe('Dora-Old-Pa55!');
    expect((await change(t, 'dora@acme.com', 'Dora-Old-Pa55!', 'Good-Pa55word#1')).status).toBe(200);
  });

  it("keeps an account's newest 64 tokens, and a password change ends that account's other tokens", async () => {
    sim.meeting.seedAccount({ account: 'tess@acme.com', password: 'Tess-Old-Pa55!' });
    sim.meeting.seedAccount({ account: 'uma@acme.com', password: 'Uma-Old-Pa55!' });
    const first = await token('tess@acme.com', 'Tess-Old-Pa55!');
    for (let i = 0; i < 64; i++) await token('tess@acme.com', 'Tess-Old-Pa55!');
    expect((await change(first, 'tess@acme.com', 'Tess-Old-Pa55!', 'Good-Pa55word#1')).status).toBe(401);
    const used = await token('tess@acme.com', 'Tess-Old-Pa55!');
    const spare = await token('tess@acme.com', 'Tess-Old-Pa55!');
    const otherAccount = await token('uma@acme.com', 'Uma-Old-Pa55!');
    expect((await change(used, 'tess@acme.com', 'Tess-Old-Pa55!', 'Good-Pa55word#1')).status).toBe(200);
    sim.clock.advance(6 * 60_000);
    expect((await change(spare, 'tess@acme.com', 'Good-Pa55word#1', 'Fresh-Secret-77%')).status).toBe(401);
    expect((await change(used, 'tess@acme.com', 'Good-Pa55word#1', 'Fresh-Secret-77%')).status).toBe(200);
    expect((await change(otherAccount, 'uma@acme.com', 'Uma-Old-Pa55!', 'Good-Pa55word#3')).status).toBe(200);
  });

  it('refuses a second change within 5 minutes and a recently used password after that', async () => {
    sim.meeting.seedAccount({ account: 'eve@acme.com', password: 'Eve-First-Pa55!' });
    let t = await token('eve@acme.com', 'Eve-First-Pa55!');
    expect((await change(t, 'eve@acme.com', 'Eve-First-Pa55!', 'Second-Pa55#2')).status).toBe(200);
    const soon = await change(t, 'eve@acme.com', 'Second-Pa55#2', 'Third-Pa55#3');
    expectMeetingRefusal(sim.strictDocs, soon, 400, 'USG.206030020');
    sim.clock.advance(5 * 60_000);
    t = await token('eve@acme.com', 'Second-Pa55#2');
    const reused = await change(t, 'eve@acme.com', 'Second-Pa55#2', 'Eve-First-Pa55!');
    expectMeetingRefusal(sim.strictDocs, reused, 400, 'USG.206030018');
    expect(sim.meeting.livePassword('eve@acme.com')).toBe('Second-Pa55#2');
  });

  const login = (account: string, password: string) =>
    call(
      sim.url,
      'POST',
      '/v1/usg/acs/auth/account',
      { account, clientType: 72 },
      { Authorization: basic(account, password) },
    );

  it('answers 423 to a locked account: after too many failed logins, or locked by a test, until unlocked', async () => {
    sim.meeting.seedAccount({ account: 'lou@acme.com', password: 'Lou-Passw0rd!' });
    for (let i = 0; i < sim.meeting.state.loginPolicy.failures; i++) {
      expectMeetingRefusal(sim.strictDocs, await login('lou@acme.com', 'wrong-one'), 401, 'USG.206010000');
    }
    const locked = await login('lou@acme.com', 'Lou-Passw0rd!');
    expectMeetingRefusal(sim.strictDocs, locked, 423, 'USG.206010010');
    sim.clock.advance(sim.meeting.state.loginPolicy.lockMs);
    expect((await login('lou@acme.com', 'Lou-Passw0rd!')).status).toBe(200);

    sim.meeting.lock('lou@acme.com');
    expect((await login('lou@acme.com', 'Lou-Passw0rd!')).status).toBe(423);
    sim.meeting.unlock('lou@acme.com');
    expect((await login('lou@acme.com', 'Lou-Passw0rd!')).status).toBe(200);
  });

  it('answers 412 with an empty body to a disabled account, right password or not', async () => {
    sim.meeting.seedAccount({ account: 'dis@acme.com', password: 'Dis-Passw0rd!', disabled: true });
    for (const password of ['Dis-Passw0rd!', 'wrong-one']) {
      const r = await login('dis@acme.com', password);
      expect([r.status, r.text]).toEqual([412, '']);
    }
    sim.meeting.setDisabled('dis@acme.com', false);
    expect((await login('dis@acme.com', 'Dis-Passw0rd!')).status).toBe(200);
    sim.meeting.setDisabled('dis@acme.com', true);
    expect((await login('dis@acme.com', 'Dis-Passw0rd!')).status).toBe(412);
  });

  it('answers an invalid or expired token with 401 USG.000000004', async () => {
    sim.meeting.seedAccount({ account: 'fay@acme.com', password: 'Fay-Passw0rd!' });
    const t = await token('fay@acme.com', 'Fay-Passw0rd!');
    sim.meeting.expireTokens('fay@acme.com');
    const r = await change(t, 'fay@acme.com', 'Fay-Passw0rd!', 'Fay-Next-Pa55#');
    expect([r.status, r.body.error_code]).toEqual([401, 'USG.000000004']);
  });

  describe('App ID authentication', () => {
    const expireTime = () => Math.floor(sim.clock.now() / 1000) + 600;
    const nonce = 'n'.repeat(40);
    const appAuth = (
      key: string,
      headers: Record<string, string> = { 'X-Token-Type': 'LongTicket' },
    ): Promise<Reply> => {
      const exp = expireTime();
      const body = { appId: 'app-1', clientType: 72, expireTime: exp, nonce, userId: 'gus-ext' };
      const signature = createHmac('sha256', key).update(`app-1:gus-ext:${exp}:${nonce}`).digest('hex');
      const access = Buffer.from('app-1').toString('base64');
      return call(sim.url, 'POST', '/v2/usg/acs/auth/appauth', body, {
        Authorization: `HMAC-SHA256 signature=${signature},access=${access}`,
        ...headers,
      });
    };
    beforeAll(() => {
      sim.meeting.seedApp({ appId: 'app-1', appKey: 'key-abcdef0123456789' });
      sim.meeting.seedAccount({ account: 'gus@acme.com', password: 'Gus-Passw0rd!', userId: 'gus-ext' });
    });

    it('checks the signature over appId:userId:expireTime:nonce', async () => {
      expectMeetingRefusal(sim.strictDocs, await appAuth('wrong-key'), 401, 'USG.206010025');
      const ok = await appAuth('key-abcdef0123456789');
      expect(ok.status).toBe(200);
      expect(ok.body.user).toMatchObject({ userId: 'gus-ext' });
    });

    it('requires the X-Token-Type: LongTicket header and answers 400 without it', async () => {
      expectMeetingRefusal(sim.strictDocs, await appAuth('key-abcdef0123456789', {}), 400, 'USG.000000001');
      const other = await appAuth('key-abcdef0123456789', { 'X-Token-Type': 'ShortTicket' });
      expect(other.status).toBe(400);
    });
  });
});

describe('simulated CBH', () => {
  const serverId = randomUUID();
  beforeAll(() => {
    sim.iam.seedUser({ userName: 'ops', domainName: 'cbh-co', password: 'Ops-Passw0rd!' });
    sim.cbh.seedInstance({ serverId, projectId: 'p-cbh', domainName: 'cbh-co', adminPassword: 'Admin-Old-Pa55!' });
    sim.iam.seedProject({ projectId: 'p-other', domainName: 'cbh-co' });
  });
  async function projectToken(projectId: string): Promise<string> {
    const r = await iamLogin(sim.url, 'ops', 'Ops-Passw0rd!', 'cbh-co', { project: { id: projectId } });
    expect(r.status).toBe(201);
    return r.headers.get('x-subject-token')!;
  }
  const put = (token: string, body: unknown, projectId = 'p-cbh', version = 'v1') =>
    call(sim.url, 'PUT', `/${version}/${projectId}/cbs/instance/password`, body, { 'X-Auth-Token': token });

  it('answers with the documented CBH error codes', async () => {
    const t = await projectToken('p-cbh');
    const expectErr = async (
      p: Promise<{ status: number; body: Record<string, unknown> }>,
      status: number,
      code: string,
    ) => {
      const r = await p;
      expect([r.status, r.body.error_code]).toEqual([status, code]);
      expect(typeof r.body.error_description).toBe('string');
    };
    await expectErr(put('bogus', { new_password: 'N3w-Pa55!', server_id: serverId }), 401, 'CBH.10020100');
    await expectErr(
      put(await projectToken('p-other'), { new_password: 'N3w-Pa55!', server_id: serverId }),
      403,
      'CBH.10020002',
    );
    await expectErr(put(t, { new_password: 'N3w-Pa55!', server_id: 'not-a-uuid' }), 400, 'CBH.10020011');
    await expectErr(put(t, { new_password: 'N3w-Pa55!', server_id: randomUUID() }), 400, 'CBH.10020011');
    await expectErr(put(t, { server_id: serverId }), 400, 'CBH.10020010');
    await expectErr(put(t, { new_password: 'nodigits!', server_id: serverId }), 400, 'CBH.10020010');
  });

  it('resets the admin password idempotently on v1 and v2', async () => {
    const t = await projectToken('p-cbh');
    const v1 = await put(t, { new_password: 'N3w-Pa55!', server_id: serverId });
    expect([v1.status, v1.body]).toEqual([200, { request_info: 'success' }]);
    const again = await put(t, { new_password: 'N3w-Pa55!', server_id: serverId }, 'p-cbh', 'v2');
    expect([again.status, again.body]).toEqual([200, {}]);
    expect(sim.cbh.livePassword(serverId)).toBe('N3w-Pa55!');
  });

  it('refuses an AK/SK request whose signature does not match', async () => {
    const r = await call(
      sim.url,
      'PUT',
      '/v1/p-cbh/cbs/instance/password',
      { new_password: 'N3w-Pa55!', server_id: serverId },
      {
        Authorization: `SDK-HMAC-SHA256 Access=NOPE, SignedHeaders=host;x-sdk-date, Signature=${'0'.repeat(64)}`,
        'X-Sdk-Date': '20260101T000000Z',
        'X-Project-Id': 'p-cbh',
      },
    );
    expect([r.status, r.body.error_code]).toEqual([401, 'CBH.10020100']);
  });
});
