import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { repoRoot } from '../helpers/runCli.js';
import { redisUrl } from '../scheduling/schedulingFixture.js';
import { closedPort, linesOf, scratchDir, timedCli, writeConfig } from './cliFixture.js';

/** Vault setups that are not plain refusals: sealed, AppRole credentials refused, and waiting for Vault. */
const prefix = `test-${randomUUID()}`;
let scratch: Awaited<ReturnType<typeof scratchDir>>;
let vault: VaultEmulator;

const target = {
  id: 'iam-a',
  kind: 'huawei-iam-user',
  endpoint: 'http://127.0.0.1:9',
  userId: 'u-a',
  userName: 'a',
  domainName: 'acme',
  secretPath: 'huawei/iam/a',
};
const document = (auth: Record<string, unknown>) => ({
  redis: { url: redisUrl, prefix },
  vault: { address: vault.url, auth },
  targets: [target],
});

beforeAll(async () => {
  scratch = await scratchDir();
  vault = await startVaultEmulator();
});
afterAll(async () => {
  await vault?.close();
  await scratch?.remove();
  const redis = makeRedisConnection(redisUrl);
  await deleteKeysWithPrefix(redis, `${prefix}:`);
  redis.disconnect();
});

describe('rotor against a Vault that is not ready', () => {
  it('says a sealed Vault must be unsealed, in one line, and exits 1', async () => {
    const config = await writeConfig(scratch.dir, 'sealed', document({ method: 'token', token: '${VAULT_TOKEN}' }));
    vault.seal();
    try {
      const result = await timedCli(['--config', config, 'status'], { VAULT_TOKEN: vault.rootToken });
      expect(result.code).toBe(1);
      expect(linesOf(result.stderr)).toEqual([
        expect.stringMatching(/^rotor: Vault at http:\/\/127\.0\.0\.1:\d+ is sealed or not ready \(503\): unseal it/),
      ]);
    } finally {
      vault.unseal();
    }
  });

  it('names the AppRole settings when Vault refuses the AppRole login, and never prints the secret_id', async () => {
    const { roleId } = vault.addAppRole('rotor', { policies: [] });
    const secretId = `wrong-${randomUUID()}`;
    const config = await writeConfig(
      scratch.dir,
      'approle',
      document({ method: 'approle', roleId, secretId: '${ROTOR_TEST_SECRET_ID}' }),
    );
    const result = await timedCli(['--config', config, 'status'], { ROTOR_TEST_SECRET_ID: secretId });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([
      expect.stringMatching(
        /^rotor: Vault at \S+ refused the AppRole login at auth\/approle\/login \(\d{3} [a-z ]+\): check vault\.auth roleId and secretId/,
      ),
    ]);
    expect(result.stdout + result.stderr).not.toContain(secretId);
  });

  it('lets `rotor worker --wait-for-vault 3s` try that long for an unreachable Vault, then exit 1 with the one line', async () => {
    const port = await closedPort();
    const config = await writeConfig(scratch.dir, 'gone', {
      ...document({ method: 'token', token: '${VAULT_TOKEN}' }),
      vault: { address: `http://127.0.0.1:${port}`, auth: { method: 'token', token: '${VAULT_TOKEN}' } },
    });
    const result = await timedCli(['--config', config, 'worker', '--wait-for-vault', '3s'], {
      VAULT_TOKEN: vault.rootToken,
    });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([
      `rotor: Vault at http://127.0.0.1:${port} is unreachable (ECONNREFUSED): is Vault running? check vault.address`,
    ]);
    // It tried again meanwhile (and said so in its log), then gave up soon after the 3 s.
    expect(result.stdout).toContain('Vault is not available yet; waiting');
    expect(result.ms).toBeGreaterThanOrEqual(3_000);
    expect(result.ms).toBeLessThan(15_000);
  }, 60_000);

  it('lets `rotor worker` wait for a sealed Vault to be unsealed, then run until SIGTERM', async () => {
    const config = await writeConfig(scratch.dir, 'wait', document({ method: 'token', token: '${VAULT_TOKEN}' }));
    vault.seal();
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/rotor.ts', '--config', config, 'worker'], {
      cwd: repoRoot,
      env: { ...process.env, NODE_OPTIONS: '', VAULT_TOKEN: vault.rootToken, ROTOR_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const until = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until(() => stdout.includes('Vault is not available yet; waiting'), 'the waiting notice');
      expect(stdout).toContain('is sealed or not ready (503)');
      vault.unseal();
      await until(() => stdout.includes('rotor worker started'), 'the worker to start');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      vault.unseal();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
