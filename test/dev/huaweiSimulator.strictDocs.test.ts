import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { undocumentedCodes } from '../../src/dev/huawei/codes.js';
import { basic, call, iamLogin, type Reply } from './huaweiSimHelpers.js';

/**
 * The same requests against a default and a strict-docs simulator: the statuses match, and the
 * strict one answers no code its API page does not document.
 */
describe('strict-docs bodies, side by side with the default mode', () => {
  let normal: HuaweiSimulator;
  let strict: HuaweiSimulator;
  beforeAll(async () => {
    [normal, strict] = await Promise.all([
      startHuaweiSimulator({ strictDocs: false }),
      startHuaweiSimulator({ strictDocs: true }),
    ]);
  });
  afterAll(() => Promise.all([normal.close(), strict.close()]));

  /** Runs `scenario` on both simulators; checks the statuses agree and no undocumented code leaks. */
  async function both(scenario: (sim: HuaweiSimulator) => Promise<Reply>): Promise<{ normal: Reply; strict: Reply }> {
    const [n, s] = await Promise.all([scenario(normal), scenario(strict)]);
    expect(s.status).toBe(n.status);
    const strictCode = s.body.error_code;
    if (typeof strictCode === 'string') expect(undocumentedCodes.has(strictCode)).toBe(false);
    return { normal: n, strict: s };
  }

  describe('IAM change password', () => {
    const change = async (
      sim: HuaweiSimulator,
      opts: { next?: string; original?: string; age?: number; body?: unknown },
    ) => {
      const domainName = `strict-${randomUUID().slice(0, 8)}`;
      const { userId } = sim.iam.seedUser({ userName: 'iris', domainName, password: 'Iris-Passw0rd!' });
      sim.iam.setPasswordPolicy(domainName, { minimum_password_age: opts.age ?? 0 });
      const login = async () =>
        (await iamLogin(sim.url, 'iris', sim.iam.livePassword(userId)!, domainName)).headers.get('x-subject-token')!;
      if (opts.age) {
        await call(
          sim.url,
          'POST',
          `/v3/users/${userId}/password`,
          {
            user: { password: 'Iris-Passw0rd#1', original_password: 'Iris-Passw0rd!' },
          },
          { 'X-Auth-Token': await login() },
        );
      }
      const body =
        'body' in opts
          ? opts.body
          : { user: { password: opts.next, original_password: opts.original ?? sim.iam.livePassword(userId) } };
      return call(sim.url, 'POST', `/v3/users/${userId}/password`, body, { 'X-Auth-Token': await login() });
    };
    const keystone400 = (message: string) => ({ error: { code: 400, message, title: 'Bad Request' } });

    it.each([
      ['a weak password', { next: 'short1' }, '1118', 'The password is too weak.'],
      ['the same password', { next: 'Iris-Passw0rd!' }, '1108', 'The password is too weak.'],
      [
        'a wrong original password',
        { next: 'Iris-Passw0rd#2', original: 'nope' },
        '1103',
        'The original password is incorrect.',
      ],
      [
        'a change within the minimum password age',
        { next: 'Iris-Passw0rd#3', age: 60 },
        '1119',
        'The password cannot be changed within the minimum password age.',
      ],
      ['a missing field', { body: { user: { password: 'Iris-Passw0rd#4' } } }, '1100', 'Missing parameters.'],
      ['no body', { body: undefined }, 'IAM.0011', 'Request body is invalid.'],
    ])('refuses %s: an IAM code by default, a Keystone 400 in strict mode', async (_what, opts, code, message) => {
      const r = await both((sim) => change(sim, opts));
      expect(r.normal.status).toBe(400);
      expect(r.normal.body).toEqual({ error_msg: expect.any(String), error_code: code });
      expect(r.strict.body).toEqual(keystone400(message));
    });
  });

  it('answers IAM token and policy refusals the same way in both modes (they are documented)', async () => {
    const locked = await both(async (sim) => {
      sim.iam.seedUser({ userName: 'lena', domainName: 'strict-lock', password: 'Lena-Passw0rd!' });
      sim.iam.setLoginPolicy('strict-lock', { login_failed_times: 3 });
      for (let i = 0; i < 3; i++) await iamLogin(sim.url, 'lena', 'wrong', 'strict-lock');
      return iamLogin(sim.url, 'lena', 'Lena-Passw0rd!', 'strict-lock');
    });
    expect(locked.strict.body).toEqual({
      error: { code: 401, message: 'The account is locked.', title: 'Unauthorized' },
    });
    expect(locked.normal.body).toEqual(locked.strict.body);

    const policy = await both(async (sim) => {
      const { domainId } = sim.iam.seedUser({ userName: 'pia', domainName: 'strict-pol', password: 'Pia-Passw0rd!' });
      const token = (await iamLogin(sim.url, 'pia', 'Pia-Passw0rd!', 'strict-pol')).headers.get('x-subject-token')!;
      return call(sim.url, 'GET', `/v3.0/OS-SECURITYPOLICY/domains/${domainId}/password-policy`, undefined, {
        'X-Auth-Token': token,
      });
    });
    expect(policy.strict.body).toEqual({
      error_msg: 'You are not authorized to perform the requested action.',
      error_code: 'IAM.0002',
    });
    expect(policy.normal.body).toEqual(policy.strict.body);
  });

  describe('Meeting', () => {
    const login = (sim: HuaweiSimulator, account: string, password: string) =>
      call(
        sim.url,
        'POST',
        '/v1/usg/acs/auth/account',
        { account, clientType: 72 },
        { Authorization: basic(account, password) },
      );
    const seed = (sim: HuaweiSimulator, extra: { disabled?: boolean } = {}) => {
      const account = `m${randomUUID().slice(0, 8)}@acme.com`;
      sim.meeting.seedAccount({ account, password: 'Mia-Passw0rd!', ...extra });
      return account;
    };
    const withToken = async (sim: HuaweiSimulator, account: string) =>
      (await login(sim, account, 'Mia-Passw0rd!')).body.accessToken as string;
    const change = async (sim: HuaweiSimulator, oldPwd: string, newPwd: string, account = seed(sim)) =>
      call(
        sim.url,
        'PUT',
        '/v1/usg/acs/password',
        { account, oldPwd, newPwd },
        {
          'X-Access-Token': await withToken(sim, account),
        },
      );

    it.each([
      ['a refused login', 401, 'USG.206010000', (sim: HuaweiSimulator) => login(sim, seed(sim), 'wrong')],
      [
        'a locked account',
        423,
        'USG.206010010',
        (sim: HuaweiSimulator) => {
          const account = seed(sim);
          sim.meeting.lock(account);
          return login(sim, account, 'Mia-Passw0rd!');
        },
      ],
      ['a wrong old password', 400, 'USG.206030006', (sim: HuaweiSimulator) => change(sim, 'wrong', 'Next-Pa55word#1')],
      [
        'a password breaking the rules',
        400,
        'USG.206030014',
        (sim: HuaweiSimulator) => change(sim, 'Mia-Passw0rd!', 'short'),
      ],
      [
        'a password too close to the old one',
        400,
        'USG.206030013',
        (sim: HuaweiSimulator) => change(sim, 'Mia-Passw0rd!', 'Mia-Passw0rd?'),
      ],
      [
        'a change inside the cooldown',
        400,
        'USG.206030020',
        async (sim: HuaweiSimulator) => {
          const account = seed(sim);
          await change(sim, 'Mia-Passw0rd!', 'Next-Pa55word#1', account);
          const token = (await login(sim, account, 'Next-Pa55word#1')).body.accessToken as string;
          return call(
            sim.url,
            'PUT',
            '/v1/usg/acs/password',
            { account, oldPwd: 'Next-Pa55word#1', newPwd: 'Last-Pa55word#2' },
            { 'X-Access-Token': token },
          );
        },
      ],
      [
        'a token of another account',
        403,
        'USG.000000003',
        async (sim: HuaweiSimulator) => {
          const other = seed(sim);
          return call(
            sim.url,
            'PUT',
            '/v1/usg/acs/password',
            { account: seed(sim), oldPwd: 'Mia-Passw0rd!', newPwd: 'Next-Pa55word#1' },
            {
              'X-Access-Token': await withToken(sim, other),
            },
          );
        },
      ],
    ])(
      'answers %s with %i and %s by default, the bare status in strict mode',
      async (_what, status, code, scenario) => {
        const r = await both(scenario);
        expect(r.normal.status).toBe(status);
        expect(r.normal.body.error_code).toBe(code);
        expect([r.strict.text, r.strict.headers.get('content-type')]).toEqual(['', null]);
      },
    );

    it('keeps the documented codes and answers a disabled account 412 with no body in both modes', async () => {
      const expired = await both(async (sim) => {
        const account = seed(sim);
        const token = await withToken(sim, account);
        sim.meeting.expireTokens(account);
        return call(
          sim.url,
          'PUT',
          '/v1/usg/acs/password',
          { account, oldPwd: 'Mia-Passw0rd!', newPwd: 'Next-Pa55word#1' },
          { 'X-Access-Token': token },
        );
      });
      expect([expired.normal.body.error_code, expired.strict.body.error_code]).toEqual([
        'USG.000000004',
        'USG.000000004',
      ]);
      const unknown = await both(async (sim) =>
        call(
          sim.url,
          'PUT',
          '/v1/usg/acs/password',
          { account: 'ghost@acme.com', oldPwd: 'x', newPwd: 'Next-Pa55word#1' },
          {
            'X-Access-Token': await withToken(sim, seed(sim)),
          },
        ),
      );
      expect([unknown.normal.body.error_code, unknown.strict.body.error_code]).toEqual([
        'USG.201040000',
        'USG.201040000',
      ]);
      const disabled = await both((sim) => login(sim, seed(sim, { disabled: true }), 'Mia-Passw0rd!'));
      expect([disabled.normal.status, disabled.normal.text, disabled.strict.text]).toEqual([412, '', '']);
    });
  });

  it('keeps the documented CBH codes, and drops the code the page does not pair with its 404', async () => {
    const cbh = async (sim: HuaweiSimulator, projectId: string, serverId?: string) => {
      sim.iam.seedUser({ userName: 'ops', domainName: 'strict-cbh', password: 'Ops-Passw0rd!' });
      if (serverId)
        sim.cbh.seedInstance({ serverId, projectId, domainName: 'strict-cbh', adminPassword: 'Admin-Pa55!' });
      else sim.iam.seedProject({ projectId, domainName: 'strict-cbh' });
      const login = await iamLogin(sim.url, 'ops', 'Ops-Passw0rd!', 'strict-cbh', { project: { id: projectId } });
      const token = login.headers.get('x-subject-token')!;
      return call(
        sim.url,
        'PUT',
        `/v1/${projectId}/cbs/instance/password`,
        { new_password: 'N3w-Pa55!', server_id: randomUUID() },
        {
          'X-Auth-Token': token,
        },
      );
    };
    const wrongServer = await both((sim) => cbh(sim, 'p-strict-1', randomUUID()));
    expect(wrongServer.strict.body).toEqual({
      error_code: 'CBH.10020011',
      error_description: 'Incorrect request parameter.',
    });
    expect(wrongServer.normal.body).toEqual(wrongServer.strict.body);
    const none = await both((sim) => cbh(sim, 'p-strict-empty'));
    expect(none.normal.body).toEqual({ error_code: 'CBH.10020011', error_description: 'CBH instances not found.' });
    expect([none.strict.status, none.strict.body]).toEqual([404, { error_description: 'CBH instances not found.' }]);
  });
});
