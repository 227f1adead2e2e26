import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Rotor } from '../../src/app/makeRotor.js';
import { configSchema } from '../../src/config/schema.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import { ConfigError, formatProblem } from '../../src/config/problems.js';
import { enqueueRotation } from '../../src/queue/enqueueRotation.js';
import { waitForRotations } from '../../src/queue/waitForRotations.js';
import { captureLogs } from '../helpers/logCapture.js';
import { makeRotor, makeRotorFixture, type RotorFixture } from '../helpers/rotorFixture.js';

describe('alternating accounts', () => {
  let fx: RotorFixture | undefined;
  let rotor: Rotor | undefined;
  afterEach(async () => {
    await rotor?.close();
    await fx?.close();
    rotor = undefined;
    fx = undefined;
  });

  it('changes the account consumers do not use, then switches them over; the other keeps working until its turn', async () => {
    const logs = captureLogs('info');
    fx = await makeRotorFixture({ iamUsers: 0, logger: logs.logger });
    const users = ['a', 'b'].map((name) => ({
      name,
      userId: `u${randomUUID().replace(/-/g, '')}`,
      userName: `svc-${name}`,
      password: `Seed-${randomUUID()}`,
    }));
    const [a, b] = users as [(typeof users)[number], (typeof users)[number]];
    for (const u of users) {
      fx.sim.iam.seedUser({ userId: u.userId, userName: u.userName, domainName: 'acme', password: u.password });
    }
    // The operator seeds the secret with account a's password, and rotor's accounts record with b's.
    fx.vault.kvPut('secret', 'huawei/iam/svc', { password: a.password, owner: 'team-a' });
    fx.vault.kvPut('secret', 'rotor/state/accounts/svc', { b: b.password });
    const config = configSchema.parse({
      redis: { url: fx.config.redis.url, prefix: fx.prefix },
      vault: { address: fx.vault.url, auth: { method: 'token', token: fx.vault.rootToken } },
      targets: [
        {
          id: 'svc',
          kind: 'huawei-iam-user',
          endpoint: fx.sim.url,
          domainName: 'acme',
          userId: a.userId,
          userName: a.userName,
          secretPath: 'huawei/iam/svc',
          http: { ratePerSecond: 1000, rateBurst: 100 },
          strategy: 'alternating',
          accounts: [
            { name: 'a', userId: a.userId, userName: a.userName },
            { name: 'b', userId: b.userId, userName: b.userName },
          ],
        },
      ],
    });
    rotor = await makeRotor(config, logs.logger);
    const { queue } = await fx.startWorker(rotor, 2);
    const live = (u: typeof a) => fx?.sim.iam.livePassword(u.userId);
    const rotate = async () => {
      const job = await enqueueRotation(
        { queue, target: (id) => rotor?.target(id), audit: rotor!.audit, attempts: 3 },
        'svc',
        { requestedBy: 'test' },
      );
      const [result] = await waitForRotations(queue, [job], { timeoutMs: 20_000 });
      expect(result?.status).toBe('succeeded');
    };

    await rotate();
    const first = await rotor.store.readSecret('huawei/iam/svc');
    expect(first?.data).toMatchObject({ account: 'b', owner: 'team-a' });
    expect(first?.password).toBe(live(b));
    expect(live(b)).not.toBe(b.password);
    // a was not touched: whoever still holds a's password keeps logging in.
    expect(live(a)).toBe(a.password);
    expect((await rotor.store.readSecret('rotor/state/accounts/svc'))?.data).toEqual({ a: a.password, b: live(b) });

    await rotate();
    const second = await rotor.store.readSecret('huawei/iam/svc');
    expect(second?.data).toMatchObject({ account: 'a', owner: 'team-a' });
    expect(second?.password).toBe(live(a));
    expect(live(a)).not.toBe(a.password);
    expect((await rotor.store.readSecret('rotor/state/accounts/svc'))?.data).toEqual({ a: live(a), b: live(b) });
    expect(await rotor.store.readPending('svc')).toBeNull();
    expect(fx.sim.requests('iam.token').filter((r) => r.status === 401)).toHaveLength(0);
    for (const p of [a.password, b.password, live(a), live(b)]) expect(logs.text()).not.toContain(p as string);
  }, 60_000);

  it('refuses accounts that do not make a target of the kind, naming the file, line and field', () => {
    const yaml = (accounts: string) => `
vault: { address: "http://127.0.0.1:8200", auth: { method: token, token: t } }
targets:
  - id: svc
    kind: huawei-iam-user
    endpoint: https://iam.example.com
    domainName: acme
    userId: u1
    userName: svc-a
    secretPath: huawei/iam/svc
    strategy: alternating
${accounts}
`;
    const problems = (text: string) => {
      try {
        parseConfig(text, 'rotor.yaml', {});
        return [];
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return err.problems.map((p) => formatProblem(p));
      }
    };
    expect(problems(yaml('    accounts:\n      - { name: a }\n      - { name: b, userNmae: svc-b }'))).toEqual([
      expect.stringMatching(/^rotor\.yaml:14:\d+: targets\[0\]\.accounts\[1\]\.userNmae: unknown field "userNmae"/),
    ]);
    expect(problems(yaml('    accounts:\n      - { name: a }'))).toEqual([
      expect.stringMatching(
        /^rotor\.yaml:13:\d+: targets\[0\]\.accounts: strategy: alternating needs exactly two accounts/,
      ),
    ]);
    expect(problems(yaml('    accounts:\n      - { name: a }\n      - { name: b, userId: u2 }'))).toEqual([]);
  });
});
