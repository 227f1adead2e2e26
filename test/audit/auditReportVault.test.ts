import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Redis } from 'ioredis';
import { makeRedisAuditLog } from '../../src/audit/redisAuditLog.js';
import { registerAuditCommand } from '../../src/cli/commands/audit.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { makeVaultStore } from '../../src/secrets/index.js';
import { connect, dropPrefix, redisUrl, silentLogger, testPrefix } from './redisTestKit.js';

/**
 * `rotor audit report` against the Vault emulator: ages come from the `rotated_at` stamp that
 * finalize writes, and the password sitting next to it never reaches the report.
 */
/** Runs `rotor ...` in-process and captures stdout and stderr. */
async function run(configPath: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command('rotor').exitOverride();
  registerAuditCommand(program, () => ({ configPath }));
  const out = { stdout: '', stderr: '' };
  const saved = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true)) as typeof saved.out;
  process.stderr.write = ((chunk: string | Uint8Array) => ((out.stderr += String(chunk)), true)) as typeof saved.err;
  try {
    await program.parseAsync(['node', 'rotor', ...args]);
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
  return out;
}

describe('rotor audit report with Vault', () => {
  let vault: VaultEmulator;
  let dir: string;
  let config: string;
  let redis: Redis;
  const prefix = testPrefix();
  const livePassword = 'Vault-Held-Pa55!word';
  const rotatedAt = new Date(Date.now() - 40 * 86_400_000);

  beforeAll(async () => {
    vault = await startVaultEmulator();
    process.env.ROTOR_AUDIT_TEST_VAULT_TOKEN = vault.rootToken;
    const version = vault.kvPut('secret', 'huawei/iam/alice', { password: 'old-one', username: 'alice' });
    const store = await makeVaultStore(
      {
        address: vault.url,
        auth: { method: 'token', token: vault.rootToken },
        mount: 'secret',
        statePrefix: 'rotor/state',
        timeoutMs: 5000,
      },
      { logger: silentLogger },
    );
    await store.promote('huawei/iam/alice', {
      password: livePassword,
      cas: version,
      rotationId: 'r-1',
      targetId: 'iam-alice',
      rotatedAt,
    });
    await store.close();
    vault.kvPut('secret', 'huawei/iam/bob', { password: 'seeded-by-hand' });

    dir = await mkdtemp(join(tmpdir(), 'rotor-audit-vault-'));
    config = join(dir, 'rotor.yaml');
    const target = (id: string, user: string) =>
      `  - { id: ${id}, kind: huawei-iam-user, endpoint: "https://iam.example.com", userId: ${user}, userName: ${user}, domainName: acme, secretPath: huawei/iam/${user}, maxAge: 30d }`;
    await writeFile(
      config,
      [
        `redis: { url: '${redisUrl}', prefix: '${prefix}' }`,
        `vault: { address: '${vault.url}', auth: { method: token, token: '\${ROTOR_AUDIT_TEST_VAULT_TOKEN}' } }`,
        'targets:',
        target('iam-alice', 'alice'),
        target('iam-bob', 'bob'),
      ].join('\n'),
    );
    redis = connect();
    // The audit log says alice rotated yesterday; Vault's stamp (40 days ago) is what counts.
    const log = makeRedisAuditLog({ redis, prefix, logger: silentLogger });
    await log.append({ type: 'rotation.succeeded', actor: 'worker', targetId: 'iam-alice', detail: { version: 9 } });
    await log.close();
  });

  afterAll(async () => {
    delete process.env.ROTOR_AUDIT_TEST_VAULT_TOKEN;
    await vault.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('takes ages from the rotated_at stamp in Vault and never prints the password', async () => {
    const { stdout } = await run(config, ['audit', 'report', '--format', 'json']);
    const report = JSON.parse(stdout) as { targets: Array<Record<string, unknown>> };
    expect(report.targets).toEqual([
      expect.objectContaining({
        targetId: 'iam-alice',
        status: 'overdue',
        lastSuccess: rotatedAt.toISOString(),
        version: 2,
      }),
      expect.objectContaining({ targetId: 'iam-bob', status: 'never-rotated' }),
    ]);
    expect(stdout).not.toContain(livePassword);
    expect(stdout).not.toContain('seeded-by-hand');
  });

  it('signs a report with the key kept in Vault, which never appears in any output', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    vault.kvPut('secret', 'rotor/report-signing', { privateKey: pem });
    const signing = join(dir, 'signing.yaml');
    await writeFile(
      signing,
      `${await readFile(config, 'utf8')}\naudit: { signing: { vaultPath: rotor/report-signing } }\n`,
    );
    const out = join(dir, 'report.json');
    const made = await run(signing, ['audit', 'report', '--out', out, '--sign']);
    const checked = await run(signing, ['audit', 'verify-report', out]);
    expect(checked.stdout).toMatch(/report\.json: signature valid: signed /);
    const everything =
      made.stdout +
      made.stderr +
      checked.stdout +
      (await readFile(`${out}.sig`, 'utf8')) +
      (await readFile(out, 'utf8'));
    expect(everything).not.toContain('PRIVATE KEY');
    expect(everything).not.toContain(pem.split('\n')[1]);
  });
});
