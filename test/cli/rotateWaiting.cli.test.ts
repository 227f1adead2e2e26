import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventsOf, makeCliRotorFixture, type CliRotorFixture } from './cliRotorFixture.js';

/**
 * `rotor rotate --wait` tells why a job waits the moment the worker parks it, and when no worker is
 * there to run it at all — instead of a bare TIMEOUT after the whole --timeout.
 */
describe('rotor rotate --wait on a Meeting target inside its 5-minute cooldown', () => {
  let fx: CliRotorFixture;

  beforeAll(async () => {
    fx = await makeCliRotorFixture({
      worker: true,
      targets: [{ id: 'meet-u00', kind: 'huawei-meeting-user', account: 'u00@acme.com', secretPath: 'meeting/u00' }],
    });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('names the cooldown and the time the job will run, as soon as the job is parked', async () => {
    const first = fx.cli(['rotate', 'meet-u00', '--wait', '--timeout', '30s', '--json']);
    expect(await first.exited).toBe(0);
    const rotatedAt = Date.parse((await fx.rotor?.store.readSecret('meeting/u00'))?.customMetadata.rotated_at ?? '');
    expect(Number.isNaN(rotatedAt)).toBe(false);

    const second = fx.cli(['rotate', 'meet-u00', '--wait', '--timeout', '8s', '--json']);
    expect(await second.exited).toBe(1);
    const [queued] = eventsOf(second, 'queued');
    const waiting = eventsOf(second, 'waiting');
    expect(waiting).toHaveLength(1);
    const notice = waiting[0]?.json ?? {};
    expect(notice).toMatchObject({
      targetId: 'meet-u00',
      code: 'CooldownActive',
      why: "waiting for Meeting's 5-minute cooldown",
    });
    // It runs when the cooldown that began with the first rotation ends.
    expect(Math.abs(Date.parse(String(notice.until)) - (rotatedAt + 5 * 60_000))).toBeLessThan(2_000);
    // Said at once, not at the end of the 8 s timeout.
    expect((waiting[0]?.at ?? Infinity) - (queued?.at ?? 0)).toBeLessThan(3_000);
    // A worker is running, so nothing claims otherwise.
    expect(eventsOf(second, 'no-worker')).toEqual([]);
    expect(eventsOf(second, 'timeout')[0]?.json).toMatchObject({
      targetId: 'meet-u00',
      state: 'delayed',
      waiting: { code: 'CooldownActive', until: Date.parse(String(notice.until)) },
    });
    // Only one change reached Meeting: the second request waits instead of being refused.
    expect(fx.sim.requests('meeting.changePassword').filter((r) => r.status < 300)).toHaveLength(1);

    // The job stays queued, and `rotor status` tells the same reason.
    const status = fx.cli(['status', 'meet-u00', '--json']);
    expect(await status.exited).toBe(0);
    expect(status.stdout[0]?.json?.job).toMatchObject({
      state: 'delayed',
      waiting: { code: 'CooldownActive', until: notice.until, why: "waiting for Meeting's 5-minute cooldown" },
    });
  }, 60_000);
});

describe('rotor rotate --wait with no worker running', () => {
  let fx: CliRotorFixture;

  beforeAll(async () => {
    fx = await makeCliRotorFixture({
      worker: false,
      targets: [
        {
          id: 'iam-0',
          kind: 'huawei-iam-user',
          userId: 'u0000000000000000000000000000001',
          userName: 'user0',
          domainName: 'acme',
          secretPath: 'iam/0',
        },
      ],
    });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('says after a few seconds that no worker is running and how to start one', async () => {
    const run = fx.cli(['rotate', 'iam-0', '--wait', '--timeout', '10s', '--json']);
    expect(await run.exited).toBe(1);
    const [queued] = eventsOf(run, 'queued');
    const [noWorker] = eventsOf(run, 'no-worker');
    expect(noWorker?.json.message).toBe('no worker is running: start `rotor worker` or `rotor run`');
    // After the grace period, well before the timeout.
    const after = (noWorker?.at ?? Infinity) - (queued?.at ?? 0);
    expect(after).toBeGreaterThanOrEqual(4_000);
    expect(after).toBeLessThan(8_000);
    expect(eventsOf(run, 'timeout')[0]?.json).toMatchObject({ targetId: 'iam-0', state: 'waiting' });
  }, 60_000);
});
