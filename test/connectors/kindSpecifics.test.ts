import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connectors } from '../../src/connectors/index.js';
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
  it("declares the 5-minute cooldown and reports Meeting's refusal as CooldownActive", async () => {
    expect(connectors['huawei-meeting-user'].cooldownMs).toBe(5 * 60_000);
    const seeded = meetingFixture.seed(sim);
    await connect('huawei-meeting-user', seeded, logger).change({
      oldPassword: meetingFixture.oldPassword,
      newPassword: 'Second-Pa55#2',
    });
    // A second connector does not know about the first change: Meeting itself refuses.
    const err = await connect('huawei-meeting-user', seeded, logger)
      .change({ oldPassword: 'Second-Pa55#2', newPassword: 'Third-Pa55#3' })
      .catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'CooldownActive', details: { status: 400, retryAfterMs: 5 * 60_000 } });
    sim.clock.advance(5 * 60_000);
    await connect('huawei-meeting-user', seeded, logger).change({
      oldPassword: 'Second-Pa55#2',
      newPassword: 'Third-Pa55#3',
    });
    expect(sim.meeting.livePassword(seeded.liveId)).toBe('Third-Pa55#3');
  });

  it('does not even send a change it knows falls inside its own cooldown', async () => {
    const seeded = meetingFixture.seed(sim);
    const c = connect('huawei-meeting-user', seeded, logger);
    await c.change({ oldPassword: meetingFixture.oldPassword, newPassword: 'Second-Pa55#2' });
    const before = sim.requestLog.length;
    await expect(c.change({ oldPassword: 'Second-Pa55#2', newPassword: 'Third-Pa55#3' })).rejects.toMatchObject({
      name: 'CooldownActive',
    });
    expect(sim.requestLog.length).toBe(before);
  });
});

describe('huawei-iam-user', () => {
  it("reports the account's minimum password age as CooldownActive", async () => {
    const seeded = iamFixture.seed(sim);
    sim.iam.setPasswordPolicy('acme', { minimum_password_age: 60 });
    try {
      const c = connect('huawei-iam-user', seeded, logger);
      await c.change({ oldPassword: iamFixture.oldPassword, newPassword: 'Second-Pa55#2' });
      await expect(c.change({ oldPassword: 'Second-Pa55#2', newPassword: 'Third-Pa55#3' })).rejects.toMatchObject({
        name: 'CooldownActive',
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

  it('needs a token before it can read the account policy', async () => {
    const c = connect('huawei-iam-user', iamFixture.seed(sim), logger);
    await expect(c.fetchAccountPolicy!()).rejects.toMatchObject({ name: 'Misconfigured' });
    await c.authenticate(iamFixture.oldPassword);
    await expect(c.fetchAccountPolicy!()).resolves.toMatchObject({ maximum_password_length: 32 });
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

  it('needs iamEndpoint when the operator is a user with a password', async () => {
    const seeded = cbhFixture.seed(sim);
    delete seeded.config.iamEndpoint;
    await expect(connect('huawei-cbh-admin', seeded, logger).authenticate('')).rejects.toMatchObject({
      name: 'Misconfigured',
    });
  });
});
