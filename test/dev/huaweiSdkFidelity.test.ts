import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import log4js from 'log4js';
import core from '@huaweicloud/huaweicloud-sdk-core';
import iam from '@huaweicloud/huaweicloud-sdk-iam/v3/public-api.js';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';

/**
 * The official Node SDK, a client no one here wrote, must work against the simulator: that is what
 * keeps the simulator honest about paths, bodies, headers, status codes and the AK/SK signature.
 */
// The SDK logs whole requests, passwords included, on any error: silence it before anything runs.
log4js.configure({
  appenders: { none: { type: 'stdout' } },
  categories: { default: { appenders: ['none'], level: 'off' } },
});

describe('the official Huawei Cloud IAM SDK against the simulator', () => {
  let sim: HuaweiSimulator;
  let userId: string;
  let domainId: string;

  beforeAll(async () => {
    sim = await startHuaweiSimulator();
    ({ userId, domainId } = sim.iam.seedUser({ userName: 'carol', domainName: 'sdkco', password: 'Sdk-Old-Pa55!' }));
    sim.iam.seedAccessKey({ ak: 'SDKTESTAK0000000001', sk: 'sdk-secret-key-0123456789', userId });
  });
  afterAll(() => sim.close());

  function client(extraHeaders: Record<string, string> = {}) {
    const credentials = new core.GlobalCredentials()
      .withAk('SDKTESTAK0000000001')
      .withSk('sdk-secret-key-0123456789')
      .withDomainId(domainId);
    return iam.IamClient.newBuilder()
      .withCredential(credentials)
      .withEndpoint(sim.url)
      .withOptions({ axiosRequestConfig: { headers: extraHeaders } })
      .build();
  }

  async function token(password: string): Promise<string> {
    const user = new iam.PwdPasswordUser()
      .withName('carol')
      .withPassword(password)
      .withDomain(new iam.PwdPasswordUserDomain().withName('sdkco'));
    const identity = new iam.PwdIdentity().withMethods(['password']).withPassword(new iam.PwdPassword().withUser(user));
    const request = new iam.KeystoneCreateUserTokenByPasswordRequest().withBody(
      new iam.KeystoneCreateUserTokenByPasswordRequestBody().withAuth(new iam.PwdAuth().withIdentity(identity)),
    );
    const res = await client().keystoneCreateUserTokenByPassword(request);
    expect(res.httpStatusCode).toBe(201);
    // The SDK copies the X-Subject-Token header into the (plain) response object under its header name.
    const subjectToken = (res as unknown as Record<string, unknown>)['X-Subject-Token'];
    expect(typeof subjectToken).toBe('string');
    return subjectToken as string;
  }

  it('gets a token by password and changes the password with it', async () => {
    const t = await token('Sdk-Old-Pa55!');
    const request = new iam.KeystoneUpdateUserPasswordRequest(userId).withBody(
      new iam.KeystoneUpdateUserPasswordRequestBody(
        new iam.KeystoneUpdatePasswordOption('Sdk-New-Pa55#', 'Sdk-Old-Pa55!'),
      ),
    );
    const res = await client({ 'X-Auth-Token': t }).keystoneUpdateUserPassword(request);
    expect(res.httpStatusCode).toBe(204);
    expect(sim.iam.livePassword(userId)).toBe('Sdk-New-Pa55#');
    await expect(token('Sdk-New-Pa55#')).resolves.toMatch(/./);
  });

  it('signs every request with AK/SK, and the simulator accepts the signature', () => {
    const sdkRequests = sim.requestLog.filter((r) => r.route.startsWith('iam.'));
    expect(sdkRequests.length).toBeGreaterThanOrEqual(3);
    for (const r of sdkRequests) {
      expect(r.headers.authorization).toBe('SDK-HMAC-SHA256 [redacted]');
      expect(r.headers['x-sdk-date']).toMatch(/^\d{8}T\d{6}Z$/);
      expect(r.status).toBeLessThan(300);
    }
  });

  it('maps a refused change to the documented error fields', async () => {
    const t = await token('Sdk-New-Pa55#');
    const request = new iam.KeystoneUpdateUserPasswordRequest(userId).withBody(
      new iam.KeystoneUpdateUserPasswordRequestBody(
        new iam.KeystoneUpdatePasswordOption('Sdk-Next-Pa55#', 'not-the-password'),
      ),
    );
    const err = await client({ 'X-Auth-Token': t })
      .keystoneUpdateUserPassword(request)
      .then(
        () => undefined,
        (e: unknown) => e as { httpStatusCode?: number; errorCode?: string; errorMsg?: string },
      );
    // Strict-docs mode answers a Keystone body: the SDK then has no IAM code to show.
    expect(err).toMatchObject({ httpStatusCode: 400, errorMsg: 'The original password is incorrect.' });
    if (sim.strictDocs) expect(err?.errorCode).not.toBe('1103');
    else expect(err?.errorCode).toBe('1103');
  });

  it('is refused a password change signed with AK/SK but carrying no X-Auth-Token', async () => {
    const request = new iam.KeystoneUpdateUserPasswordRequest(userId).withBody(
      new iam.KeystoneUpdateUserPasswordRequestBody(
        new iam.KeystoneUpdatePasswordOption('Sdk-Unsigned-Pa55#', 'Sdk-New-Pa55#'),
      ),
    );
    const err = await client()
      .keystoneUpdateUserPassword(request)
      .then(
        () => undefined,
        (e: unknown) => e as { httpStatusCode?: number; errorMsg?: string },
      );
    expect(err).toMatchObject({
      httpStatusCode: 401,
      errorMsg: 'The request you have made requires authentication.',
    });
    expect(sim.iam.livePassword(userId)).toBe('Sdk-New-Pa55#');
    // The signature itself was fine: the refusal is IAM's, for the missing user token.
    expect(sim.requests('iam.changePassword').at(-1)).toMatchObject({
      status: 401,
      headers: { authorization: 'SDK-HMAC-SHA256 [redacted]' },
    });
  });
});
