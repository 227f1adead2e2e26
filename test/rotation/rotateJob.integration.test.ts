import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Rotor } from '../../src/app/makeRotor.js';
import { rotationJobId } from '../../src/queue/names.js';
import { captureLogs } from '../helpers/logCapture.js';
import { dumpRedis } from '../helpers/redisDump.js';
import { makeRotor, makeRotorFixture, type RotorFixture } from '../helpers/rotorFixture.js';

describe('a rotation job on real Redis', () => {
  const logs = captureLogs();
  let fx: RotorFixture;
  let rotor: Rotor;

  beforeAll(async () => {
    fx = await makeRotorFixture({ iamUsers: 3, logger: logs.logger });
    rotor = await makeRotor(fx.config, logs.logger);
  });
  afterAll(async () => {
    await rotor?.close();
    await fx?.close();
  });

  it('ends with Vault holding the live password, and the old one as the previous KV version', async () => {
    const { queue, events } = await fx.startWorker(rotor);
    const [user] = fx.users;
    if (!user) throw new Error('fixture has no user');
    const job = await queue.add(
      'rotate',
      { targetId: user.id, requestedBy: 'test' },
      { jobId: rotationJobId(user.id) },
    );
    await job.waitUntilFinished(events, 20_000);

    const current = await rotor.store.readSecret(`huawei/iam/${user.id}`);
    const live = fx.sim.livePassword('huawei-iam-user', user.userId);
    expect(live).toBeDefined();
    expect(live).not.toBe(user.password);
    expect(current?.password).toBe(live);
    expect(current?.version).toBe(2);
    // Consumers' other fields survive a rotation.
    expect(current?.data.owner).toBe('team-a');
    expect(current?.customMetadata.rotor_target).toBe(user.id);
    const previous = await rotor.store.readSecretVersion(`huawei/iam/${user.id}`, 1);
    expect(previous?.password).toBe(user.password);
    expect(await rotor.store.readPending(user.id)).toBeNull();
  });

  it('rotates several targets, each exactly once, and keeps every password out of logs and Redis', async () => {
    const { queue, events } = await fx.startWorker(rotor);
    const rest = fx.users.slice(1);
    const jobs = await Promise.all(
      rest.map((u) => queue.add('rotate', { targetId: u.id }, { jobId: rotationJobId(u.id) })),
    );
    await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 20_000)));

    const passwords: string[] = [];
    for (const u of fx.users) {
      const live = fx.sim.livePassword('huawei-iam-user', u.userId) as string;
      expect((await rotor.store.readSecret(`huawei/iam/${u.id}`))?.password).toBe(live);
      passwords.push(u.password, live);
    }
    expect(fx.sim.requests('iam.changePassword').filter((r) => r.status === 204)).toHaveLength(fx.users.length);

    const logText = logs.text();
    const redisText = await dumpRedis(fx.redis, `${fx.prefix}:`);
    expect(logs.lines.length).toBeGreaterThan(5);
    expect(redisText.length).toBeGreaterThan(0);
    for (const p of passwords) {
      expect(logText).not.toContain(p);
      expect(redisText).not.toContain(p);
    }
  });

  it('refuses a job that rotor did not enqueue, and changes nothing', async () => {
    const { queue, events } = await fx.startWorker(rotor);
    const before = fx.sim.requestLog.length;
    const job = await queue.add('rotate', { targetId: 'no-such-target' });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/not a rotor rotation job.*unknown target/);
    const odd = await queue.add('rotate', { targetId: fx.users[0]?.id, password: 'hunter2' });
    await expect(odd.waitUntilFinished(events, 10_000)).rejects.toThrow(/payload: unrecognized_keys/);
    const sneaky = await queue.add('rotate', { targetId: fx.users[0]?.id, reason: 'password=hunter2' });
    await expect(sneaky.waitUntilFinished(events, 10_000)).rejects.toThrow(/payload\.reason: its value looks like/);
    expect(fx.sim.requestLog.length).toBe(before);
    const rejected = ((await rotor.audit.read?.()) ?? []).filter((e) => e.type === 'job.rejected');
    expect(rejected).toHaveLength(3);
    expect(JSON.stringify(rejected)).not.toContain('hunter2');
  });
});
