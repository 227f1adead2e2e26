import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { makeLogger } from '../../src/observability/logger.js';
import { startVaultEmulator } from '../../src/dev/vaultEmulator.js';
import { makeVaultStore, vaultConfigSchema } from '../../src/secrets/index.js';
import { errorTexts, realVault, seed, vaultUnderTest, type VaultUnderTest } from './vaultUnderTest.js';

/**
 * Behaviour that needs control over the server — sealing it, holding a request unanswered, tokens that
 * live a second or two — so it runs on the emulator only.
 */
const skipReason = realVault ? ' [skipped on a real Vault: needs to seal it, hang requests and mint 1-2 s tokens]' : '';
const emulatorOnly = realVault ? describe.skip : describe;

let vut: VaultUnderTest;
let dir: string;

beforeAll(async () => {
  vut = await vaultUnderTest();
  dir = await mkdtemp(join(tmpdir(), 'rotor-vault-'));
});
afterAll(async () => {
  await vut.close();
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const emu = () => {
  if (!vut.emulator) throw new Error('emulator only');
  return vut.emulator;
};
const rotorPolicy = `path "secret/*" { capabilities = ["read", "create", "update", "delete"] }`;

emulatorOnly(`an unavailable Vault${skipReason}`, () => {
  it('is Unavailable while sealed — at start and on use — and health says sealed', async () => {
    const store = await vut.store();
    const path = vut.secretPath('sealed');
    emu().seal();
    try {
      const args = { password: 'sealed-new-pw', cas: 0, rotationId: 'r', targetId: 't', rotatedAt: new Date() };
      const onUse = await store.promote(path, args).catch((e: unknown) => e);
      const atStart = await vut.store().catch((e: unknown) => e);
      expect(onUse).toMatchObject({ name: 'Unavailable', details: { status: 503 } });
      expect(errorTexts(onUse)).not.toContain('sealed-new-pw');
      expect(errorTexts(onUse)).not.toContain(vut.rootToken);
      expect(atStart).toMatchObject({ name: 'Unavailable' });
      expect(await store.health()).toMatchObject({ sealed: true });
    } finally {
      emu().unseal();
    }
    expect(await store.readSecret(path)).toBeNull();
  });

  it('is Unavailable once timeoutMs passes without an answer, and the error holds no secret', async () => {
    const path = vut.secretPath('hang');
    const v1 = await seed(vut, path, { password: 'hang-old' });
    const store = await vut.store({ timeoutMs: 300 });
    emu().hang(/^POST secret\/data\//);
    const started = Date.now();
    try {
      const args = { password: 'hang-new-pw', cas: v1, rotationId: 'r', targetId: 't', rotatedAt: new Date() };
      const err = await store.promote(path, args).catch((e: unknown) => e);

      expect(err).toMatchObject({ name: 'Unavailable' });
      expect((err as Error).message).toContain('within 300 ms');
      expect(errorTexts(err)).not.toMatch(/hang-new-pw|hang-old/);
      expect(errorTexts(err)).not.toContain(vut.rootToken);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      emu().hang(null);
    }
  });

  it('is Unavailable when nothing listens at the address', async () => {
    const gone = await startVaultEmulator();
    await gone.close();
    const config = vaultConfigSchema.parse({ address: gone.url, auth: { method: 'token', token: 'unused-token' } });

    const err = await makeVaultStore(config).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'Unavailable' });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });
});

emulatorOnly(`token lifetime${skipReason}`, () => {
  it('renews a renewable token before it expires, so work goes on past its first TTL', async () => {
    emu().setPolicy('rotor-renew', rotorPolicy);
    const token = emu().createToken({ policies: ['rotor-renew'], ttl: 2 });
    const store = await vut.store({ token });
    const renewalsBefore = emu().counters.renewals;

    await sleep(2600);

    expect(await store.readSecret(vut.secretPath('renewed'))).toBeNull();
    expect(emu().counters.renewals).toBeGreaterThan(renewalsBefore);
    expect(emu().tokenTtl(token)).toBeGreaterThan(0);
  });

  it('reports a fixed token that expired as expired: token auth cannot log in again', async () => {
    emu().setPolicy('rotor-fixed', rotorPolicy);
    const token = emu().createToken({ policies: ['rotor-fixed'], ttl: 1, renewable: false });
    const store = await vut.store({ token });

    await sleep(1300);
    const err = await store.readSecret(vut.secretPath('expired')).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'PermissionDenied' });
    expect((err as Error).message).toMatch(/invalid, expired or revoked/);
  });

  it('logs in again with AppRole before the token reaches its max TTL, rather than waiting for a refusal', async () => {
    emu().setPolicy('rotor-approle-ttl', rotorPolicy);
    const spec = { policies: ['rotor-approle-ttl'], tokenTtl: 2, tokenMaxTtl: 3 };
    const { roleId, secretId } = emu().addAppRole('short', spec);
    const store = await vut.store({ auth: { method: 'approle', roleId, secretId } });
    const loginsBefore = emu().counters.logins;

    // Renewal at ~1.3 s is capped by the 3 s max TTL; the next step must be a login, before the token ends.
    await sleep(2500);

    expect(emu().counters.logins).toBeGreaterThan(loginsBefore);
    await sleep(1000);
    expect(await store.readSecret(vut.secretPath('approle-ttl'))).toBeNull();
  });

  it('answers a revoked token by logging in once and retrying, even for many requests at once', async () => {
    emu().setPolicy('rotor-approle-revoke', rotorPolicy);
    const { roleId, secretId } = emu().addAppRole('revoked', { policies: ['rotor-approle-revoke'], tokenTtl: 600 });
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const logger = makeLogger({ destination: sink, level: 'debug' });
    const store = await vut.store({ auth: { method: 'approle', roleId, secretId } }, { logger });
    const path = vut.secretPath('revoked');
    await seed(vut, path, { password: 'after-revoke-pw' });
    emu().revokeAllTokens();
    const loginsBefore = emu().counters.logins;

    const reads = await Promise.all([1, 2, 3, 4, 5].map(() => store.readSecret(path)));

    expect(reads.map((r) => r?.password)).toEqual(Array(5).fill('after-revoke-pw'));
    expect(emu().counters.logins).toBe(loginsBefore + 1);
    const log = lines.join('');
    expect(log).toContain('logging in again');
    expect(log).not.toContain(secretId);
    expect(log).not.toContain('after-revoke-pw');
  });
});

emulatorOnly(`policy denials with a login method${skipReason}`, () => {
  it('reports a denial of a live AppRole token as PermissionDenied without logging in again', async () => {
    emu().setPolicy('rotor-read-only', 'path "secret/data/*" { capabilities = ["read"] }');
    const { roleId, secretId } = emu().addAppRole('read-only', { policies: ['rotor-read-only'] });
    const store = await vut.store({ auth: { method: 'approle', roleId, secretId } });
    const loginsBefore = emu().counters.logins;

    const err = await store
      .promote(vut.secretPath('denied'), {
        password: 'p',
        cas: 0,
        rotationId: 'r',
        targetId: 't',
        rotatedAt: new Date(),
      })
      .catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'PermissionDenied' });
    expect((err as Error).message).toContain('"create"');
    expect(emu().counters.logins).toBe(loginsBefore);
  });
});

emulatorOnly(`credentials from files${skipReason}`, () => {
  it('reads the Kubernetes service-account JWT from its file at every login', async () => {
    emu().setPolicy('rotor-k8s', rotorPolicy);
    const jwtPath = join(dir, 'token');
    await writeFile(jwtPath, 'jwt-one\n');
    emu().addKubernetesRole('rotor', { jwts: ['jwt-one'], policies: ['rotor-k8s'] });
    const store = await vut.store({ auth: { method: 'kubernetes', role: 'rotor', jwtPath } });

    // The kubelet rotated the projected token; Vault accepts only the new one.
    await writeFile(jwtPath, 'jwt-two\n');
    emu().addKubernetesRole('rotor', { jwts: ['jwt-two'], policies: ['rotor-k8s'] });
    emu().revokeAllTokens();

    expect(await store.readSecret(vut.secretPath('k8s'))).toBeNull();
  });

  it('logs in with AppRole ids from files, and names a missing file without reading anything into the error', async () => {
    emu().setPolicy('rotor-files', rotorPolicy);
    const { roleId, secretId } = emu().addAppRole('files', { policies: ['rotor-files'] });
    const roleIdFile = join(dir, 'role-id');
    const secretIdFile = join(dir, 'secret-id');
    await writeFile(roleIdFile, `${roleId}\n`);
    await writeFile(secretIdFile, `${secretId}\n`);

    const store = await vut.store({ auth: { method: 'approle', roleIdFile, secretIdFile } });
    const missing = await vut
      .store({ auth: { method: 'approle', roleIdFile, secretIdFile: join(dir, 'nope') } })
      .catch((e: unknown) => e);

    expect(await store.readSecret(vut.secretPath('files'))).toBeNull();
    expect(missing).toMatchObject({ name: 'Misconfigured' });
    expect((missing as Error).message).toContain('secretIdFile');
    expect((missing as Error).message).toContain('ENOENT');
    expect(errorTexts(missing)).not.toContain(roleId);
  });
});
