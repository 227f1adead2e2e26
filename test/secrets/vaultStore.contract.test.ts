import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PendingRecord } from '../../src/secrets/index.js';
import { errorTexts, seed, vaultUnderTest, type VaultUnderTest } from './vaultUnderTest.js';

/**
 * The contract every Vault the store talks to must honour: the emulator by default, a real Vault when
 * VAULT_ADDR and VAULT_TOKEN are set (see docs/vault.md).
 */
let vut: VaultUnderTest;

beforeAll(async () => {
  vut = await vaultUnderTest();
});
afterAll(async () => {
  await vut.close();
});

const pending = (password: string, step = 'prepared'): PendingRecord => ({
  password,
  rotation_id: 'rot-1',
  started_at: '2025-01-01T00:00:00.000Z',
  step,
  from_version: 1,
});

describe(`reading secrets (${realVaultLabel()})`, () => {
  it('reads the current password with every other field and the version', async () => {
    const path = vut.secretPath('read-current');
    await seed(vut, path, { password: 'old-1', username: 'alice' });
    const version = await seed(vut, path, { password: 'old-2', username: 'alice', note: 'x' });
    const store = await vut.store();

    const secret = await store.readSecret(path);

    expect(secret).toMatchObject({ password: 'old-2', version, data: { username: 'alice', note: 'x' } });
    expect(secret?.createdTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('answers null for a secret that does not exist, and for a version that does not exist', async () => {
    const store = await vut.store();
    const path = vut.secretPath('never-written');

    expect(await store.readSecret(path)).toBeNull();
    await seed(vut, path, { password: 'p' });
    expect(await store.readSecretVersion(path, 7)).toBeNull();
  });
});

describe('promoting a new password', () => {
  it('keeps every other field, keeps the previous password as the previous version, and stamps custom_metadata', async () => {
    const path = vut.secretPath('promote');
    const v1 = await seed(vut, path, { password: 'before', username: 'alice', port: 22 });
    await vut.admin.write(`secret/metadata/${path}`, { custom_metadata: { owner: 'team-a' } });
    const store = await vut.store();

    const v2 = await store.promote(path, {
      password: 'after',
      cas: v1,
      rotationId: 'rot-42',
      targetId: 'iam-alice',
      rotatedAt: new Date('2025-03-01T10:00:00.000Z'),
    });

    expect(v2).toBe(v1 + 1);
    const current = await store.readSecret(path);
    expect(current).toMatchObject({ password: 'after', version: v2, data: { username: 'alice', port: 22 } });
    expect(current?.customMetadata).toEqual({
      owner: 'team-a',
      rotated_at: '2025-03-01T10:00:00.000Z',
      rotation_id: 'rot-42',
      rotor_target: 'iam-alice',
    });
    expect((await store.readSecretVersion(path, v1))?.password).toBe('before');
  });

  it('creates the secret when it does not exist yet (cas 0)', async () => {
    const path = vut.secretPath('promote-new');
    const store = await vut.store();
    const at = new Date();

    const version = await store.promote(path, {
      password: 'first',
      cas: 0,
      rotationId: 'r',
      targetId: 't',
      rotatedAt: at,
    });

    expect(await store.readSecret(path)).toMatchObject({ version, password: 'first', data: { password: 'first' } });
  });

  it('lets exactly one of two promotes racing on the same version win; the other gets Conflict', async () => {
    const path = vut.secretPath('race');
    const v1 = await seed(vut, path, { password: 'start' });
    const store = await vut.store();
    const args = (password: string) => ({
      password,
      cas: v1,
      rotationId: password,
      targetId: 't',
      rotatedAt: new Date(),
    });

    const results = await Promise.allSettled([
      store.promote(path, args('racer-a-pw')),
      store.promote(path, args('racer-b-pw')),
    ]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ name: 'Conflict' });
    expect(errorTexts(lost[0]?.reason)).not.toMatch(/racer-[ab]-pw/);
    const winner = (await store.readSecret(path))?.password;
    expect(['racer-a-pw', 'racer-b-pw']).toContain(winner);
  });

  it('refuses a promote based on a stale version with Conflict and leaves the secret alone', async () => {
    const path = vut.secretPath('stale');
    const v1 = await seed(vut, path, { password: 'one' });
    await seed(vut, path, { password: 'two-by-someone-else' });
    const store = await vut.store();

    const err = await store
      .promote(path, { password: 'stale-pw', cas: v1, rotationId: 'r', targetId: 't', rotatedAt: new Date() })
      .catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'Conflict' });
    expect(errorTexts(err)).not.toContain('stale-pw');
    expect((await store.readSecret(path))?.password).toBe('two-by-someone-else');
  });

  it('runs what goes alongside only once the new version is written, and fails with its error after stamping', async () => {
    const path = vut.secretPath('alongside');
    const v1 = await seed(vut, path, { password: 'old' });
    const store = await vut.store();
    const seen: Array<string | undefined> = [];
    const args = (password: string, cas: number, alongside: () => Promise<void>) => ({
      password,
      cas,
      rotationId: `rot-${password}`,
      targetId: 't',
      rotatedAt: new Date('2025-04-01T00:00:00.000Z'),
      alongside,
    });

    // Refused (stale cas): the work alongside never starts.
    const refused = await store
      .promote(
        path,
        args('never', v1 - 1, async () => void seen.push('stale')),
      )
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'Conflict' });
    // Accepted: it starts with the new password already readable; its failure is the promote's.
    const failed = await store
      .promote(
        path,
        args('new', v1, async () => {
          seen.push((await store.readSecret(path))?.password);
          throw new Error('pending record not removed');
        }),
      )
      .catch((e: unknown) => e);

    expect(seen).toEqual(['new']);
    expect(failed).toMatchObject({ message: 'pending record not removed' });
    expect((await store.readSecret(path))?.customMetadata).toMatchObject({
      rotation_id: 'rot-new',
      rotated_at: '2025-04-01T00:00:00.000Z',
    });
  });

  it('stamps a rotation over the custom_metadata it is given, without a new version', async () => {
    const path = vut.secretPath('stamp-only');
    const v1 = await seed(vut, path, { password: 'live' });
    const store = await vut.store();

    await store.stampRotation(
      path,
      { rotationId: 'rot-7', targetId: 'iam-bob', rotatedAt: new Date('2025-05-01T00:00:00.000Z') },
      { owner: 'team-b', rotation_id: 'rot-6' },
    );

    const current = await store.readSecret(path);
    expect(current?.version).toBe(v1);
    expect(current?.customMetadata).toEqual({
      owner: 'team-b',
      rotated_at: '2025-05-01T00:00:00.000Z',
      rotation_id: 'rot-7',
      rotor_target: 'iam-bob',
    });
  });
});

describe('pending records', () => {
  it('are created only once (cas 0), updated with cas, and deleted with every version', async () => {
    const store = await vut.store();
    const target = `pending-${vut.runId}`;

    const v1 = await store.writePending(target, pending('pending-pw-1'), 0);
    const second = await store.writePending(target, pending('pending-pw-x'), 0).catch((e: unknown) => e);
    const v2 = await store.writePending(target, pending('pending-pw-1', 'changed'), v1);

    expect(second).toMatchObject({ name: 'Conflict' });
    expect(errorTexts(second)).not.toContain('pending-pw');
    expect(await store.readPending(target)).toEqual({ record: pending('pending-pw-1', 'changed'), version: v2 });

    await store.deletePending(target);

    expect(await store.readPending(target)).toBeNull();
    expect(await store.readMetadata(`rotor/state/${vut.runId}/${target}`)).toBeNull();
    expect(await store.writePending(target, pending('pending-pw-2'), 0)).toBe(1);
  });
});

describe('password history and deleted versions', () => {
  it('lists older passwords newest first and skips versions that were deleted or destroyed', async () => {
    const path = vut.secretPath('history');
    for (const password of ['h1', 'h2', 'h3', 'h4', 'h5']) await seed(vut, path, { password });
    await vut.admin.write(`secret/delete/${path}`, { versions: [3] });
    await vut.admin.write(`secret/destroy/${path}`, { versions: [2] });
    const store = await vut.store();

    expect(await store.passwordHistory(path, 10)).toEqual(['h4', 'h1']);
    expect(await store.passwordHistory(path, 1)).toEqual(['h4']);
    expect(await store.readSecretVersion(path, 3)).toBeNull();
    expect(await store.passwordHistory(vut.secretPath('no-history'), 3)).toEqual([]);
  });

  it('reads a deleted current version as deleted with its version number, so the next promote can still name it', async () => {
    const path = vut.secretPath('deleted-current');
    await seed(vut, path, { password: 'd1', keep: 'me' });
    const v2 = await seed(vut, path, { password: 'd2' });
    await vut.admin.delete(`secret/data/${path}`);
    const store = await vut.store();

    const current = await store.readSecret(path);
    const v3 = await store.promote(path, {
      password: 'd3',
      cas: v2,
      rotationId: 'r',
      targetId: 't',
      rotatedAt: new Date(),
    });

    expect(current).toMatchObject({ version: v2, deleted: true, password: undefined, data: {} });
    expect(await store.readSecret(path)).toMatchObject({ version: v3, password: 'd3', data: { password: 'd3' } });
  });

  // KV v2 (path_data.go pathDataWrite) gives every version a future deletion_time when the key has
  // delete_version_after; such a version is live until then and must stay in the history.
  it('finds the password history on a secret whose metadata sets delete_version_after', async () => {
    const path = vut.secretPath('history-delete-after');
    await vut.admin.write(`secret/metadata/${path}`, { delete_version_after: '1h' });
    for (const password of ['a1', 'a2', 'a3', 'a4']) await seed(vut, path, { password });
    const store = await vut.store();

    const meta = await store.readMetadata(path);
    const history = await store.passwordHistory(path, 10);

    expect(meta?.versions.map((v) => v.deletionTime).filter((t) => t === '')).toEqual([]);
    expect(history).toEqual(['a3', 'a2', 'a1']);
    expect(await store.passwordHistory(path, 2)).toEqual(['a3', 'a2']);
    expect((await store.readSecret(path))?.password).toBe('a4');
  });

  it('keeps at most max_versions versions, so the oldest passwords fall out of the history', async () => {
    const path = vut.secretPath('max-versions');
    await vut.admin.write(`secret/metadata/${path}`, { max_versions: 3 });
    for (const password of ['m1', 'm2', 'm3', 'm4', 'm5']) await seed(vut, path, { password });
    const store = await vut.store();

    expect(await store.passwordHistory(path, 10)).toEqual(['m4', 'm3']);
    expect(await store.readSecretVersion(path, 2)).toBeNull();
    expect(await store.readMetadata(path)).toMatchObject({ currentVersion: 5, oldestVersion: 3, maxVersions: 3 });
  });
});

function realVaultLabel(): string {
  return process.env.VAULT_ADDR && process.env.VAULT_TOKEN ? `real Vault at ${process.env.VAULT_ADDR}` : 'emulator';
}
