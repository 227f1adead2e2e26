import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startHuaweiSimulator, type HuaweiSimulator, type SimRequestRecord } from '../../src/dev/huaweiSimulator.js';
import { captureLogger, leaks } from './logCapture.js';
import { cbhFixture, connect, iamFixture, meetingFixture } from './conformance/fixtures.js';

/**
 * Every request rotor sends, checked on the simulator's log against the API reference
 * (shared/reference/huawei-cloud-apis.md): method, path, headers, content type and body field names.
 */
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Shape {
  method: string;
  path: string | RegExp;
  contentType?: string;
  headers?: Record<string, string | RegExp>;
  absentHeaders?: string[];
  bodyFields: string[];
}

function expectShape(r: SimRequestRecord | undefined, shape: Shape): void {
  expect(r).toBeDefined();
  const rec = r!;
  expect(rec.method).toBe(shape.method);
  if (typeof shape.path === 'string') expect(rec.path).toBe(shape.path);
  else expect(rec.path).toMatch(shape.path);
  expect(rec.headers['x-request-id']).toMatch(uuid);
  if (shape.contentType !== undefined) expect(rec.contentType).toBe(shape.contentType);
  for (const [k, v] of Object.entries(shape.headers ?? {})) {
    if (typeof v === 'string') expect(rec.headers[k]).toBe(v);
    else expect(rec.headers[k]).toMatch(v);
  }
  for (const k of shape.absentHeaders ?? []) expect(rec.headers[k]).toBeUndefined();
  expect([...rec.bodyFields].sort()).toEqual([...shape.bodyFields].sort());
}

let sim: HuaweiSimulator;
const { logger, lines } = captureLogger();
const last = (route: string) => sim.requests(route).at(-1);

beforeAll(async () => {
  sim = await startHuaweiSimulator();
});
afterAll(async () => {
  expect(leaks(lines, sim.secrets())).toEqual([]);
  await sim.close();
});

describe('huawei-iam-user requests', () => {
  it('logs in, changes, reads the policy and resets exactly as the IAM reference shows', async () => {
    const seeded = iamFixture.seed(sim, { extra: { adminCredential: 'iam-admin' } });
    sim.iam.seedUser({ userName: 'admin', domainName: 'acme', password: 'Admin-Pa55word!', admin: true });
    seeded.credentials['iam-admin'] = { userName: 'admin', password: 'Admin-Pa55word!' };
    const c = connect('huawei-iam-user', seeded, logger);
    const { userId } = seeded.config as { userId: string };

    await c.authenticate(iamFixture.oldPassword);
    expectShape(last('iam.token'), {
      method: 'POST',
      path: '/v3/auth/tokens',
      contentType: 'application/json;charset=utf8',
      bodyFields: [
        'auth.identity.methods',
        'auth.identity.password.user.name',
        'auth.identity.password.user.password',
        'auth.identity.password.user.domain.name',
        'auth.scope.domain.name',
      ],
    });
    expect(last('iam.token')!.query).toBe('?nocatalog=true');

    const policy = await c.accountPolicy!.read();
    expect(policy).toMatchObject({ minimum_password_length: 8, password_char_combination: 2 });
    expectShape(last('iam.passwordPolicy'), {
      method: 'GET',
      path: /^\/v3\.0\/OS-SECURITYPOLICY\/domains\/[0-9a-f]+\/password-policy$/,
      headers: { 'x-auth-token': '[redacted]' },
      bodyFields: [],
    });

    await c.change({ oldPassword: iamFixture.oldPassword, newPassword: iamFixture.newPassword });
    expectShape(last('iam.changePassword'), {
      method: 'POST',
      path: `/v3/users/${userId}/password`,
      contentType: 'application/json;charset=utf8',
      headers: { 'x-auth-token': '[redacted]' },
      bodyFields: ['user.password', 'user.original_password'],
    });

    await c.adminReset!('Reset-Passw0rd#9');
    expect(sim.iam.livePassword(userId)).toBe('Reset-Passw0rd#9');
    expectShape(last('iam.adminUpdateUser'), {
      method: 'PUT',
      path: `/v3.0/OS-USER/users/${userId}`,
      contentType: 'application/json;charset=utf8',
      headers: { 'x-auth-token': '[redacted]' },
      bodyFields: ['user.password'],
    });
  });
});

describe('huawei-meeting-user requests', () => {
  it('logs in with Basic account auth and changes as the Meeting reference shows', async () => {
    const seeded = meetingFixture.seed(sim);
    const c = connect('huawei-meeting-user', seeded, logger);
    await c.change({ oldPassword: meetingFixture.oldPassword, newPassword: meetingFixture.newPassword });
    expectShape(last('meeting.accountAuth'), {
      method: 'POST',
      path: '/v1/usg/acs/auth/account',
      contentType: 'application/json',
      headers: { authorization: 'Basic [redacted]' },
      bodyFields: ['account', 'clientType'],
    });
    expectShape(last('meeting.changePassword'), {
      method: 'PUT',
      path: '/v1/usg/acs/password',
      contentType: 'application/json',
      headers: { 'x-access-token': '[redacted]', 'accept-language': 'en-US' },
      bodyFields: ['account', 'oldPwd', 'newPwd'],
    });
  });

  it('gets its token by App ID auth, with the App ID and key read from the credential store', async () => {
    const seeded = meetingFixture.seed(sim, {
      extra: { auth: { method: 'app', credential: 'meeting-app', userId: 'ext-42' } },
    });
    const account = seeded.liveId;
    sim.meeting.state.accounts.get(account)!.userId = 'ext-42';
    sim.meeting.seedApp({ appId: 'app-rotor', appKey: 'app-key-0123456789abcdef' });
    seeded.credentials['meeting-app'] = { appId: 'app-rotor', appKey: 'app-key-0123456789abcdef' };
    const c = connect('huawei-meeting-user', seeded, logger);
    const before = sim.requests('meeting.accountAuth').length;
    await c.change({ oldPassword: meetingFixture.oldPassword, newPassword: meetingFixture.newPassword });
    expect(sim.meeting.livePassword(account)).toBe(meetingFixture.newPassword);
    // App ID auth does not spend the user's password: no account auth was needed to change.
    expect(sim.requests('meeting.accountAuth')).toHaveLength(before);
    expectShape(last('meeting.appAuth'), {
      method: 'POST',
      path: '/v2/usg/acs/auth/appauth',
      contentType: 'application/json',
      headers: { authorization: 'HMAC-SHA256 [redacted]' },
      bodyFields: ['appId', 'clientType', 'expireTime', 'nonce', 'userId'],
    });
  });
});

describe('huawei-cbh-admin requests', () => {
  it('gets a project-scoped token and changes on the v1 path as the CBH reference shows', async () => {
    const seeded = cbhFixture.seed(sim);
    const { projectId } = seeded.config as { projectId: string };
    await connect('huawei-cbh-admin', seeded, logger).change({ oldPassword: '', newPassword: cbhFixture.newPassword });
    expectShape(last('iam.token'), {
      method: 'POST',
      path: '/v3/auth/tokens',
      contentType: 'application/json;charset=utf8',
      bodyFields: [
        'auth.identity.methods',
        'auth.identity.password.user.name',
        'auth.identity.password.user.password',
        'auth.identity.password.user.domain.name',
        'auth.scope.project.id',
      ],
    });
    expectShape(last('cbh.changePassword'), {
      method: 'PUT',
      path: `/v1/${projectId}/cbs/instance/password`,
      contentType: 'application/json',
      headers: { 'x-auth-token': '[redacted]' },
      bodyFields: ['new_password', 'server_id'],
    });
  });

  it('signs with AK/SK on the v2 path and accepts the v1 example\'s "request info" key', async () => {
    const seeded = cbhFixture.seed(sim, { extra: { apiVersion: 'v2' } });
    const { projectId } = seeded.config as { projectId: string };
    const operator = Object.keys(seeded.credentials)[0]!;
    const { userId } = sim.iam.seedUser({
      userName: `ak-${randomUUID().slice(0, 6)}`,
      domainName: 'acme-cbh',
      password: 'Unused-Pa55!',
    });
    sim.iam.seedAccessKey({ ak: 'CBHTESTAK000000001', sk: 'cbh-test-secret-key-0123456789', userId });
    seeded.credentials[operator] = { ak: 'CBHTESTAK000000001', sk: 'cbh-test-secret-key-0123456789' };
    const before = sim.requests('iam.token').length;
    await connect('huawei-cbh-admin', seeded, logger).change({ oldPassword: '', newPassword: cbhFixture.newPassword });
    expect(sim.cbh.livePassword(seeded.liveId)).toBe(cbhFixture.newPassword);
    expect(sim.requests('iam.token')).toHaveLength(before);
    expectShape(last('cbh.changePassword'), {
      method: 'PUT',
      path: `/v2/${projectId}/cbs/instance/password`,
      contentType: 'application/json',
      headers: {
        authorization: 'SDK-HMAC-SHA256 [redacted]',
        'x-sdk-date': /^\d{8}T\d{6}Z$/,
        'x-project-id': projectId,
      },
      absentHeaders: ['x-auth-token'],
      bodyFields: ['new_password', 'server_id'],
    });

    sim.cbh.state.v1ResponseKey = 'request info';
    const v1 = cbhFixture.seed(sim);
    await connect('huawei-cbh-admin', v1, logger).change({ oldPassword: '', newPassword: 'Other-Passw0rd#3' });
    expect(sim.cbh.livePassword(v1.liveId)).toBe('Other-Passw0rd#3');
    sim.cbh.state.v1ResponseKey = 'request_info';
  });
});
