import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connectors } from '../../src/connectors/registry.js';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { captureLogger, leaks } from './logCapture.js';
import { cbhFixture, connect, iamFixture, meetingFixture } from './conformance/fixtures.js';

/** What each kind does beyond the shared contract: cooldowns, lockouts, configuration errors. */
let sim: HuaweiSimulator;
const { logger, lines } = captureLogger();

beforeAll(async () => {
  sim = await startHuaweiSimulator();
});
afterAll(async () => {
  expect(leaks(lines, sim.secrets())).toEqual([]);
  await sim.close();
});

describe('huawei-meeting-user', () => {
  it("declares the 5-minute cooldown; Meeting's refusal inside it stops instead of retrying", async () => {
    expect(connectors['huawei-meeting-user'].cooldownMs).toBe(5 * 60_000);
    const seeded = meetingFixture.seed(sim);
    await connect('huawei-meeting-user', seeded, logger).change({
      oldPassword: meetingFixture.oldPassword,
      newPassword: 'Second-Pa55#2',
    });
    // The cooldown's code is not documented: by default a refused change is a refusal of the password.
    const err = await connect('huawei-meeting-user', seeded, logger)
      .change({ oldPassword: 'Second-Pa55#2', newPassword: 'Third-Pa55#3' })
      .catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'PolicyRejected', details: { status: 400 } });
    expect(sim.meeting.livePassword(seeded.liveId)).toBe('Second-Pa55#2');
  });

  // The cooldown's code is undocumented: a strict-docs simulator never sends it.
  const withCodes = process.env.ROTOR_SIM_STRICT_DOCS === '1' ? it.skip : it;

  withCodes('reads the cooldown code as CooldownActive once a target names it in errorCodes', async () => {
    const seeded = meetingFixture.seed(sim);
    const named = { ...seeded, config: { ...seeded.config, errorCodes: { cooldown: ['USG.206030020'] } } };
    await connect('huawei-meeting-user', named, logger).change({
      oldPassword: meetingFixture.oldPassword,
      newPassword: 'Second-Pa55#2',
    });
    const err = await connect('huawei-meeting-user', named, logger)
      .change({ oldPassword: 'Second-Pa55#2', newPassword: 'Third-Pa55#3' })
      .catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'CooldownActive', details: { status: 400, retryAfterMs: 5 * 60_000 } });
    sim.clock.advance(5 * 60_000);
    await connect('huawei-meeting-user', named, logger).change({
      oldPassword: 'Second-Pa55#2',
      newPassword: 'Third-Pa55#3',
    });
    expect(sim.meeting.livePassword(seeded.liveId)).toBe('Third-Pa55#3');
  });

  it("shares an App ID's token between the users it changes: one app login for two targets", async () => {
    const appId = `app${randomUUID().slice(0, 8)}`;
    sim.meeting.seedApp({ appId, appKey: 'app-key-0123456789abcdef' });
    const withApp = () => {
      const seeded = meetingFixture.seed(sim);
      return {
        ...seeded,
        config: { ...seeded.config, auth: { method: 'app', credential: 'meeting-app' } },
        credentials: { 'meeting-app': { appId, appKey: 'app-key-0123456789abcdef' } },
      };
    };
    const targets = [withApp(), withApp()];
    const appLogins = () => sim.requests('meeting.appAuth').length;
    const before = appLogins();
    for (const t of targets) {
      await connect('huawei-meeting-user', t, logger).change({
        oldPassword: meetingFixture.oldPassword,
        newPassword: meetingFixture.newPassword,
      });
      expect(sim.meeting.livePassword(t.liveId)).toBe(meetingFixture.newPassword);
    }
    expect(appLogins() - before).toBe(1);
  });
});

describe('huawei-iam-user', () => {
  const withCodes = process.env.ROTOR_SIM_STRICT_DOCS === '1' ? it.skip : it;

  withCodes("reports the account's minimum password age as CooldownActive when its code is named", async () => {
    const seeded = iamFixture.seed(sim);
    const named = { ...seeded, config: { ...seeded.config, errorCodes: { cooldown: ['1119', 'IAM.1119'] } } };
    sim.iam.setPasswordPolicy('acme', { minimum_password_age: 60 });
    try {
      const c = connect('huawei-iam-user', named, logger);
      await c.change({ oldPassword: iamFixture.oldPassword, newPassword: 'Second-Pa55#2' });
      await expect(c.change({ oldPassword: 'Second-Pa55#2', newPassword: 'Third-Pa55#3' })).rejects.toMatchObject({
        name: 'CooldownActive',
      });
      // Without the (undocumented) code the same refusal stops the rotation instead of looping.
      const plain = connect('huawei-iam-user', seeded, logger);
      await expect(plain.change({ oldPassword: 'Second-Pa55#2', newPassword: 'Third-Pa55#3' })).rejects.toMatchObject({
        name: 'PolicyRejected',
      });
    } finally {
      sim.iam.setPasswordPolicy('acme', { minimum_password_age: 0 });
    }
  });

  it('reports a locked user as AuthFailed, never as a plain wrong password', async () => {
    const seeded = iamFixture.seed(sim);
    const user = sim.iam.state.users.get(seeded.liveId)!;
    user.lockedUntil = sim.clock.now() + 60_000;
    const c = connect('huawei-iam-user', seeded, logger);
    await expect(c.verify(iamFixture.oldPassword)).rejects.toMatchObject({
      name: 'AuthFailed',
      message: expect.stringContaining('locked'),
    });
    await expect(
      c.change({ oldPassword: iamFixture.oldPassword, newPassword: iamFixture.newPassword }),
    ).rejects.toMatchObject({
      name: 'AuthFailed',
    });
  });

  it('reads the account policy only with permission: an ordinary user is refused (unknown), a granted one reads it', async () => {
    const seeded = iamFixture.seed(sim);
    const c = connect('huawei-iam-user', seeded, logger);
    await expect(c.accountPolicy!.read()).rejects.toMatchObject({ name: 'Misconfigured' });
    await c.authenticate(iamFixture.oldPassword);
    // Real IAM answers 403 to a user without iam:securitypolicies:getPasswordPolicy: unknown, not a failure.
    await expect(c.accountPolicy!.read()).resolves.toBeUndefined();
    sim.iam.grant(seeded.liveId, 'iam:securitypolicies:getPasswordPolicy');
    await expect(c.accountPolicy!.read()).resolves.toMatchObject({ maximum_password_length: 32 });
  });

  it('reads the account policy as the admin credential when the target has one, with no user login first', async () => {
    const seeded = iamFixture.seed(sim);
    const adminName = `admin-${randomUUID().slice(0, 8)}`;
    sim.iam.seedUser({
      userId: adminName,
      userName: adminName,
      domainName: 'acme',
      password: 'Admin-Pa55#1',
      admin: true,
    });
    const withAdmin = {
      ...seeded,
      config: { ...seeded.config, adminCredential: 'iam-admin' },
      credentials: { 'iam-admin': { userName: adminName, password: 'Admin-Pa55#1' } },
    };
    const c = connect('huawei-iam-user', withAdmin, logger);
    await expect(c.accountPolicy!.read()).resolves.toMatchObject({ maximum_password_length: 32 });
  });

  it('carries the declared account policy in IAM field names', () => {
    const seeded = iamFixture.seed(sim);
    const declared = { passwordCharCombination: 3, minimumPasswordAge: 30, passwordNotUsernameOrInvert: true };
    const c = connect('huawei-iam-user', { ...seeded, config: { ...seeded.config, accountPolicy: declared } }, logger);
    expect(c.accountPolicy!.declared).toEqual({
      password_char_combination: 3,
      minimum_password_age: 30,
      password_not_username_or_invert: true,
    });
  });

  it('refuses an admin reset when no admin credential is configured', async () => {
    const c = connect('huawei-iam-user', iamFixture.seed(sim), logger);
    await expect(c.adminReset!('Reset-Pa55#1')).rejects.toMatchObject({ name: 'Misconfigured' });
  });
});

describe('huawei-cbh-admin', () => {
  it('declares an idempotent change without verify, and says why in its capabilities', () => {
    expect(connectors['huawei-cbh-admin'].capabilities).toMatchObject({
      canVerify: false,
      idempotentChange: true,
      unverifiedReason: expect.stringContaining('no API to verify'),
    });
  });

  it('reports a server id the project does not have as Misconfigured', async () => {
    const seeded = cbhFixture.seed(sim);
    seeded.config.serverId = randomUUID();
    await expect(
      connect('huawei-cbh-admin', seeded, logger).change({ oldPassword: '', newPassword: cbhFixture.newPassword }),
    ).rejects.toMatchObject({
      name: 'Misconfigured',
      details: { status: 400, upstreamCode: 'CBH.10020011' },
    });
  });

  it('reports a refused AK/SK signature as AuthFailed', async () => {
    const seeded = cbhFixture.seed(sim);
    const operator = Object.keys(seeded.credentials)[0]!;
    seeded.credentials[operator] = { ak: 'UNKNOWNAK', sk: 'unknown-secret-key-0000' };
    await expect(
      connect('huawei-cbh-admin', seeded, logger).change({ oldPassword: '', newPassword: cbhFixture.newPassword }),
    ).rejects.toMatchObject({
      name: 'AuthFailed',
    });
  });

  it("shares a user/password operator's token between the instances it changes, until it is refused", async () => {
    const first = cbhFixture.seed(sim);
    const serverId = randomUUID();
    sim.cbh.seedInstance({
      serverId,
      projectId: String(first.config.projectId),
      domainName: 'acme-cbh',
      adminPassword: cbhFixture.oldPassword,
    });
    const second = {
      ...first,
      liveId: serverId,
      config: { ...first.config, id: `${String(first.config.id)}-b`, serverId },
    };
    const logins = () => sim.requests('iam.token').length;
    const before = logins();
    for (const t of [first, second]) {
      await connect('huawei-cbh-admin', t, logger).change({ oldPassword: '', newPassword: cbhFixture.newPassword });
      expect(sim.cbh.livePassword(t.liveId)).toBe(cbhFixture.newPassword);
    }
    expect(logins() - before).toBe(1);
    // Expired at IAM: the next change is refused once with it, logs in afresh, and goes through.
    first.expireTokens?.();
    await connect('huawei-cbh-admin', second, logger).change({ oldPassword: '', newPassword: 'Third-Passw0rd#8' });
    expect(sim.cbh.livePassword(serverId)).toBe('Third-Passw0rd#8');
    expect(logins() - before).toBe(2);
  });

  it('needs iamEndpoint when the operator is a user with a password', async () => {
    const seeded = cbhFixture.seed(sim);
    delete seeded.config.iamEndpoint;
    await expect(connect('huawei-cbh-admin', seeded, logger).authenticate('')).rejects.toMatchObject({
      name: 'Misconfigured',
    });
  });
});
