import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { iamActions, startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { call, expectIamChangeRefusal, expectKeystone, iamLogin } from './huaweiSimHelpers.js';

describe('simulated IAM', () => {
  let sim: HuaweiSimulator;
  beforeAll(async () => {
    sim = await startHuaweiSimulator();
  });
  afterAll(() => sim.close());

  async function tokenOf(user: string, password: string, domain = 'sim-iam'): Promise<string> {
    const r = await iamLogin(sim.url, user, password, domain);
    expect(r.status).toBe(201);
    return r.headers.get('x-subject-token')!;
  }
  const change = (userId: string, token: string, password: string, original: string) =>
    call(
      sim.url,
      'POST',
      `/v3/users/${userId}/password`,
      { user: { password, original_password: original } },
      { 'X-Auth-Token': token },
    );

  it('answers a token request with 201, the token in X-Subject-Token and the token body', async () => {
    const { userId } = sim.iam.seedUser({ userName: 'tok', domainName: 'sim-iam', password: 'Tok-Passw0rd!' });
    const r = await iamLogin(sim.url, 'tok', 'Tok-Passw0rd!', 'sim-iam');
    expect(r.status).toBe(201);
    expect(r.headers.get('x-subject-token')).toMatch(/^MII/);
    expect(r.body.token).toMatchObject({
      methods: ['password'],
      user: { id: userId, name: 'tok', domain: { name: 'sim-iam' } },
    });
  });

  it("locks a user after the login policy's failures and unlocks after the lockout duration", async () => {
    sim.iam.seedUser({ userName: 'lock', domainName: 'sim-lock', password: 'Lock-Passw0rd!' });
    sim.iam.setLoginPolicy('sim-lock', { login_failed_times: 3, lockout_duration: 15 });
    for (let i = 0; i < 3; i++) {
      const r = await iamLogin(sim.url, 'lock', 'wrong', 'sim-lock');
      expect(r.body).toEqual({
        error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' },
      });
    }
    const locked = await iamLogin(sim.url, 'lock', 'Lock-Passw0rd!', 'sim-lock');
    expect(locked.status).toBe(401);
    expect(locked.body).toMatchObject({ error: { message: 'The account is locked.' } });
    sim.clock.advance(15 * 60_000 + 1);
    expect((await iamLogin(sim.url, 'lock', 'Lock-Passw0rd!', 'sim-lock')).status).toBe(201);
  });

  it('revokes every token of the user when the password changes', async () => {
    const { userId } = sim.iam.seedUser({ userName: 'rev', domainName: 'sim-iam', password: 'Rev-Passw0rd!' });
    const first = await tokenOf('rev', 'Rev-Passw0rd!');
    const second = await tokenOf('rev', 'Rev-Passw0rd!');
    expect((await change(userId, first, 'Rev-Passw0rd#2', 'Rev-Passw0rd!')).status).toBe(204);
    const reuse = await change(userId, second, 'Rev-Passw0rd#3', 'Rev-Passw0rd#2');
    expect(reuse.status).toBe(401);
    expect(reuse.body).toMatchObject({ error: { code: 401, title: 'Unauthorized' } });
  });

  it("keeps other users' tokens through a password change, and a new login after it works", async () => {
    const { userId } = sim.iam.seedUser({ userName: 'keep', domainName: 'sim-iam', password: 'Keep-Passw0rd!' });
    const { userId: otherId } = sim.iam.seedUser({
      userName: 'keep2',
      domainName: 'sim-iam',
      password: 'Keep2-Passw0rd!',
    });
    const other = await tokenOf('keep2', 'Keep2-Passw0rd!');
    expect(
      (await change(userId, await tokenOf('keep', 'Keep-Passw0rd!'), 'Keep-Passw0rd#2', 'Keep-Passw0rd!')).status,
    ).toBe(204);
    expect((await change(otherId, other, 'Keep2-Passw0rd#2', 'Keep2-Passw0rd!')).status).toBe(204);
    const again = await tokenOf('keep', 'Keep-Passw0rd#2');
    expect((await change(userId, again, 'Keep-Passw0rd#3', 'Keep-Passw0rd#2')).status).toBe(204);
  });

  it('finds a user by name within its own account: one name in two accounts is two users', async () => {
    sim.iam.seedUser({ userName: 'twin', domainName: 'sim-twin-a', password: 'TwinA-Passw0rd!' });
    sim.iam.seedUser({ userName: 'twin', domainName: 'sim-twin-b', password: 'TwinB-Passw0rd!' });
    expect((await iamLogin(sim.url, 'twin', 'TwinA-Passw0rd!', 'sim-twin-a')).status).toBe(201);
    expect((await iamLogin(sim.url, 'twin', 'TwinB-Passw0rd!', 'sim-twin-b')).status).toBe(201);
    expect((await iamLogin(sim.url, 'twin', 'TwinB-Passw0rd!', 'sim-twin-a')).status).toBe(401);
    // Seeded again under the same id with another name: the old name no longer logs in.
    const { userId } = sim.iam.seedUser({ userName: 'renamed', domainName: 'sim-ren', password: 'Ren-Passw0rd!' });
    sim.iam.seedUser({ userId, userName: 'renamed2', domainName: 'sim-ren', password: 'Ren-Passw0rd!' });
    expect((await iamLogin(sim.url, 'renamed', 'Ren-Passw0rd!', 'sim-ren')).status).toBe(401);
    expect((await iamLogin(sim.url, 'renamed2', 'Ren-Passw0rd!', 'sim-ren')).status).toBe(201);
  });

  it('expires tokens after 24 hours of simulated time', async () => {
    const { userId } = sim.iam.seedUser({ userName: 'exp', domainName: 'sim-iam', password: 'Exp-Passw0rd!' });
    const t = await tokenOf('exp', 'Exp-Passw0rd!');
    sim.clock.advance(24 * 3600_000);
    expect((await change(userId, t, 'Exp-Passw0rd#2', 'Exp-Passw0rd!')).status).toBe(401);
  });

  it('refuses a token of another user with 403 and an unknown user with 404', async () => {
    sim.iam.seedUser({ userName: 'a1', domainName: 'sim-iam', password: 'A1-Passw0rd!' });
    const { userId: other } = sim.iam.seedUser({ userName: 'a2', domainName: 'sim-iam', password: 'A2-Passw0rd!' });
    const t = await tokenOf('a1', 'A1-Passw0rd!');
    expect((await change(other, t, 'New-Passw0rd#1', 'A2-Passw0rd!')).status).toBe(403);
    expect((await change('nobody', t, 'New-Passw0rd#1', 'x')).status).toBe(404);
  });

  it('enforces the account password policy, with IAM codes or (strict docs) Keystone bodies', async () => {
    const { userId } = sim.iam.seedUser({
      userName: 'pol',
      domainName: 'sim-pol',
      password: 'Pol-Passw0rd!',
      email: 'pol@x.io',
    });
    sim.iam.setPasswordPolicy('sim-pol', {
      minimum_password_length: 12,
      password_char_combination: 3,
      maximum_consecutive_identical_chars: 2,
      number_of_recent_passwords_disallowed: 2,
      minimum_password_age: 10,
    });
    const t = await tokenOf('pol', 'Pol-Passw0rd!', 'sim-pol');
    const tooWeak = 'The password is too weak.';
    const refused = async (pwd: string, code: string) =>
      expectIamChangeRefusal(sim.strictDocs, await change(userId, t, pwd, 'Pol-Passw0rd!'), code, tooWeak);
    await refused('Short-1!', '1118');
    await refused('alllowercase1', '1118');
    await refused('Triple-aaa-Pw1', '1118');
    await refused('Has-pol@x.io-1', '1118');
    await refused('Pol-Passw0rd!', '1108');
    expectIamChangeRefusal(sim.strictDocs, await change(userId, t, 'Good-Passw0rd#12', 'not-it'), '1103');
    expect((await change(userId, t, 'Good-Passw0rd#12', 'Pol-Passw0rd!')).status).toBe(204);
    // Minimum password age: a second change within 10 minutes is refused.
    const t2 = await tokenOf('pol', 'Good-Passw0rd#12', 'sim-pol');
    expectIamChangeRefusal(sim.strictDocs, await change(userId, t2, 'Next-Passw0rd#34', 'Good-Passw0rd#12'), '1119');
    sim.clock.advance(10 * 60_000);
    // The previous password is among the 2 recent ones and may not come back.
    const back = await change(userId, t2, 'Pol-Passw0rd!', 'Good-Passw0rd#12');
    expectIamChangeRefusal(sim.strictDocs, back, '1108', tooWeak);
    expect(sim.iam.livePassword(userId)).toBe('Good-Passw0rd#12');
  });

  it('refuses a password change carrying no X-Auth-Token with a Keystone 401', async () => {
    const { userId } = sim.iam.seedUser({ userName: 'notok', domainName: 'sim-iam', password: 'NoTok-Passw0rd!' });
    const r = await call(sim.url, 'POST', `/v3/users/${userId}/password`, {
      user: { password: 'NoTok-Passw0rd#2', original_password: 'NoTok-Passw0rd!' },
    });
    expectKeystone(r, 401, 'The request you have made requires authentication.');
    expect(sim.iam.livePassword(userId)).toBe('NoTok-Passw0rd!');
  });

  it('answers 403 IAM.0002 to a user without the password-policy permission, and the policy to one with it', async () => {
    const plain = sim.iam.seedUser({ userName: 'plain', domainName: 'sim-read', password: 'Plain-Passw0rd!' });
    sim.iam.seedUser({ userName: 'boss', domainName: 'sim-read', password: 'Boss-Passw0rd!', admin: true });
    sim.iam.seedUser({
      userName: 'auditor',
      domainName: 'sim-read',
      password: 'Audit-Passw0rd!',
      permissions: [iamActions.getPasswordPolicy],
    });
    const path = `/v3.0/OS-SECURITYPOLICY/domains/${plain.domainId}/password-policy`;
    const read = async (user: string, password: string, domain = 'sim-read', p = path) =>
      call(sim.url, 'GET', p, undefined, { 'X-Auth-Token': await tokenOf(user, password, domain) });

    const denied = await read('plain', 'Plain-Passw0rd!');
    expect([denied.status, denied.body]).toEqual([
      403,
      { error_msg: 'You are not authorized to perform the requested action.', error_code: 'IAM.0002' },
    ]);
    for (const [user, password] of [
      ['boss', 'Boss-Passw0rd!'],
      ['auditor', 'Audit-Passw0rd!'],
    ] as const) {
      const ok = await read(user, password);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ password_policy: { minimum_password_length: 8, maximum_password_length: 32 } });
    }
    // The login policy needs its own permission: the auditor may read only the password policy.
    const loginPath = path.replace('password-policy', 'login-policy');
    expect((await read('auditor', 'Audit-Passw0rd!', 'sim-read', loginPath)).status).toBe(403);
    expect((await read('boss', 'Boss-Passw0rd!', 'sim-read', loginPath)).body).toMatchObject({
      login_policy: { login_failed_times: 5 },
    });
    // Granting the permission later opens the door.
    sim.iam.grant(plain.userId, iamActions.getPasswordPolicy);
    expect((await read('plain', 'Plain-Passw0rd!')).status).toBe(200);
    // An admin of another account is refused; an unknown account is 404 IAM.0004.
    sim.iam.seedUser({ userName: 'other', domainName: 'sim-else', password: 'Other-Passw0rd!', admin: true });
    expect((await read('other', 'Other-Passw0rd!', 'sim-else')).body.error_code).toBe('IAM.0002');
    const missing = await read('boss', 'Boss-Passw0rd!', 'sim-read', path.replace(plain.domainId, 'nope'));
    expect([missing.status, missing.body.error_code]).toEqual([404, 'IAM.0004']);
  });

  it('lets only an admin of the same account reset a password without the old one', async () => {
    const { userId } = sim.iam.seedUser({ userName: 'victim', domainName: 'sim-adm', password: 'Victim-Pa55!' });
    sim.iam.seedUser({ userName: 'boss', domainName: 'sim-adm', password: 'Boss-Passw0rd!', admin: true });
    sim.iam.seedUser({ userName: 'peer', domainName: 'sim-adm', password: 'Peer-Passw0rd!' });
    const put = async (token: string) =>
      call(
        sim.url,
        'PUT',
        `/v3.0/OS-USER/users/${userId}`,
        { user: { password: 'Reset-Pa55#1' } },
        { 'X-Auth-Token': token },
      );
    expect((await put(await tokenOf('peer', 'Peer-Passw0rd!', 'sim-adm'))).status).toBe(403);
    const ok = await put(await tokenOf('boss', 'Boss-Passw0rd!', 'sim-adm'));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user: { id: userId, name: 'victim' } });
    expect(sim.iam.livePassword(userId)).toBe('Reset-Pa55#1');
  });
});
