import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { missingVaultCredentials } from '../../src/config/lazyCredentials.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { ConfigError } from '../../src/config/problems.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { rotateQueueName } from '../../src/queue/names.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { makeRotationClient } from '../../src/queue/rotationClient.js';
import { makeVaultStore } from '../../src/secrets/index.js';
import { scratchDir, writeConfig } from '../cli/cliFixture.js';
import { iamTarget, redisUrl } from '../scheduling/schedulingFixture.js';

/**
 * A service that only enqueues rotations loads rotor's config without any Vault credential in its
 * environment; whatever opens Vault fails with the config problem that names the variable.
 */
describe('Vault credentials are needed only by what opens Vault', () => {
  const prefix = `test-${randomUUID()}`;
  const redis = makeRedisConnection(redisUrl);
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let vault: VaultEmulator;
  let file: string;

  beforeAll(async () => {
    scratch = await scratchDir();
    vault = await startVaultEmulator();
    file = await writeConfig(scratch.dir, 'rotor', {
      redis: { url: redisUrl, prefix },
      vault: { address: vault.url, auth: { method: 'token', token: '${VAULT_TOKEN}' } },
      targets: [iamTarget('iam-a')],
    });
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, `${prefix}:`);
    redis.disconnect();
    await vault?.close();
    await scratch?.remove();
  });

  it('loads the config and enqueues a rotation without VAULT_TOKEN', async () => {
    const config = await loadConfig(file, {});
    const client = makeRotationClient({ config });
    try {
      const entry = await client.enqueueRotation('iam-a', { requestedBy: 'api:hr-portal' });
      expect(entry).toMatchObject({ targetId: 'iam-a', jobId: 'rotate.iam-a', state: 'added' });
    } finally {
      await client.close();
    }
    const queue = new Queue(rotateQueueName, { connection: redis, prefix });
    expect(await queue.getJobState('rotate.iam-a')).toBe('waiting');
    await queue.close();
  });

  it('fails opening Vault with the config problem naming VAULT_TOKEN, before any request reaches Vault', async () => {
    const config = await loadConfig(file, {});
    const before = vault.counters.requests;
    const err = await makeVaultStore(config.vault).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      {
        file,
        line: expect.any(Number),
        col: expect.any(Number),
        path: 'vault.auth.token',
        message:
          'environment variable VAULT_TOKEN is not set (and no default given); every command that opens Vault needs it',
      },
    ]);
    expect(vault.counters.requests).toBe(before);
    expect(missingVaultCredentials(config)).toEqual((err as ConfigError).problems);
  });

  it('keeps the unset credential out of copies and serialisations of the config', async () => {
    const config = await loadConfig(file, {});
    expect(JSON.parse(JSON.stringify(config.vault.auth))).toEqual({ method: 'token' });
    expect({ ...config.vault.auth }).toEqual({ method: 'token' });
  });

  it('uses the token as before when VAULT_TOKEN is set', async () => {
    const config = await loadConfig(file, { VAULT_TOKEN: vault.rootToken });
    expect(missingVaultCredentials(config)).toEqual([]);
    const store = await makeVaultStore(config.vault);
    expect(await store.readSecret('huawei/iam/iam-a')).toBeNull();
    await store.close();
  });
});
