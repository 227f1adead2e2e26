import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { makeVaultStore, vaultConfigSchema } from '../../src/secrets/index.js';
import { errorTexts } from './vaultUnderTest.js';

/** TLS to Vault: verified against vault.caFile, never switched off. Runs on an HTTPS emulator. */
let emu: VaultEmulator;
let dir: string;
let caFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rotor-vault-tls-'));
  caFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  // A self-signed certificate for 127.0.0.1: it is its own CA, so it can be handed over as vault.caFile.
  // prettier-ignore
  const args = [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', caFile, '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1',
  ];
  execFileSync('openssl', args, { stdio: 'ignore' });
  emu = await startVaultEmulator({
    tls: { key: await readFile(keyFile, 'utf8'), cert: await readFile(caFile, 'utf8') },
  });
});
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

const config = (extra: Record<string, unknown>) =>
  vaultConfigSchema.parse({ address: emu.url, auth: { method: 'token', token: emu.rootToken }, ...extra });

describe('TLS to Vault', () => {
  it('trusts the certificate signed by vault.caFile', async () => {
    emu.kvPut('secret', 'huawei/tls', { password: 'tls-pw' });
    const store = await makeVaultStore(config({ caFile }));

    expect((await store.readSecret('huawei/tls'))?.password).toBe('tls-pw');
    await store.close();
  });

  it('refuses an unknown certificate as Misconfigured, even with VAULT_SKIP_VERIFY set', async () => {
    process.env.VAULT_SKIP_VERIFY = '1';
    try {
      const err = await makeVaultStore(config({})).catch((e: unknown) => e);

      expect(err).toMatchObject({ name: 'Misconfigured' });
      expect((err as Error).message).toMatch(/TLS certificate was not accepted.*vault\.caFile/);
      expect(errorTexts(err)).not.toContain(emu.rootToken);
    } finally {
      delete process.env.VAULT_SKIP_VERIFY;
    }
  });

  it('names a CA file it cannot read', async () => {
    const err = await makeVaultStore(config({ caFile: join(dir, 'missing.pem') })).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'Misconfigured' });
    expect((err as Error).message).toContain('vault.caFile');
  });
});
