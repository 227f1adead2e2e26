import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { silentLogger } from '../../src/observability/logger.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { rotateTarget } from '../../src/rotation/rotateTarget.js';
import { redisUrl } from '../helpers/rotorFixture.js';

const file = 'config/examples/huawei-iam-access-key.yaml';

/** The shipped access-key example rotates a user's own key with nothing but its three variables set. */
describe(file, () => {
  let sim: HuaweiSimulator;
  let vault: VaultEmulator;
  let rotor: Rotor | undefined;
  const prefix = `test-${randomUUID()}`;

  beforeAll(async () => {
    sim = await startHuaweiSimulator();
    vault = await startVaultEmulator();
  });
  afterAll(async () => {
    await rotor?.close();
    const redis = makeRedisConnection(redisUrl);
    await deleteKeysWithPrefix(redis, `${prefix}:`);
    redis.disconnect();
    await sim.close();
    await vault.close();
  });

  it('holds one huawei-iam-access-key target under a top-level targets: list, built from the three variables', () => {
    const doc = parse(readFileSync(file, 'utf8')) as { targets: Record<string, unknown>[]; credentials?: unknown };
    expect(doc.targets).toHaveLength(1);
    expect(doc.targets[0]).toMatchObject({
      kind: 'huawei-iam-access-key',
      endpoint: '${AK_EXAMPLE_ENDPOINT}',
      userId: '${AK_EXAMPLE_USER_ID}',
      secretPath: '${AK_EXAMPLE_SECRET_PATH}',
    });
    // Signed with the key being rotated: no operator, no credentials section.
    expect(doc.targets[0]?.operator).toBeUndefined();
    expect(doc.credentials).toBeUndefined();
  });

  it("rotates the user's own key, signing every call with it, and keeps the secret's other fields", async () => {
    const { userId } = sim.iam.seedUser({
      userName: 'self-rotator',
      domainName: 'ak-example',
      password: 'Self-Rot4te!',
    });
    const old = { ak: 'EXAMPLEAK00000000001', sk: `example-${randomUUID()}` };
    sim.iam.seedAccessKey({ ...old, userId });
    vault.kvPut('secret', 'apps/ci/iam-key', { access_key: old.ak, secret_key: old.sk, region: 'cn-north-4' });
    const loaded = await loadConfig(file, {
      AK_EXAMPLE_ENDPOINT: sim.url,
      AK_EXAMPLE_USER_ID: userId,
      AK_EXAMPLE_SECRET_PATH: 'apps/ci/iam-key',
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: vault.rootToken,
    });
    const config = { ...loaded, redis: { ...loaded.redis, url: redisUrl, prefix } };
    rotor = await makeRotor(config, silentLogger);
    const target = config.targets[0]!;
    const outcome = await rotateTarget(rotor.rotationDeps(target), { actor: 'test' });
    expect(outcome.verified).toBe(true);

    const secret = await rotor.store.readSecret('apps/ci/iam-key');
    expect(secret?.data.region).toBe('cn-north-4');
    expect(secret?.data.access_key).not.toBe(old.ak);
    const issued = sim.iam.state.accessKeys.get(secret?.data.access_key as string);
    expect(issued).toMatchObject({ userId, status: 'active', sk: secret?.data.secret_key });
    const calls = sim.requestLog.filter((r) => r.route.includes('AccessKey'));
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(c.headers.authorization).toBe('SDK-HMAC-SHA256 [redacted]');
      expect(c.headers['x-auth-token']).toBeUndefined();
    }
  });
});
