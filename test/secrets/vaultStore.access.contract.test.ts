import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { makeLogger } from '../../src/observability/logger.js';
import {
  documentedPolicy,
  errorTexts,
  seed,
  tokenWithPolicy,
  vaultUnderTest,
  type VaultUnderTest,
} from './vaultUnderTest.js';

/** Contract: what the store does with tokens and policies (emulator, or a real Vault — see docs/vault.md). */
let vut: VaultUnderTest;

beforeAll(async () => {
  vut = await vaultUnderTest();
});
afterAll(async () => {
  await vut.close();
});

const readOnly = `path "secret/data/huawei/*" { capabilities = ["read"] }`;

const promoteArgs = (password: string, cas: number) => ({
  password,
  cas,
  rotationId: 'rot-access',
  targetId: 'iam-access',
  rotatedAt: new Date(),
});

describe('a refused request', () => {
  it('is PermissionDenied naming the path and the capability, and carries neither password nor token', async () => {
    const path = vut.secretPath('denied');
    const v1 = await seed(vut, path, { password: 'current-pw' });
    const token = await tokenWithPolicy(vut, 'read-only', readOnly);
    const store = await vut.store({ token });

    const update = await store.promote(path, promoteArgs('denied-new-pw', v1)).catch((e: unknown) => e);
    const create = await store
      .writePending(
        `denied-${vut.runId}`,
        {
          password: 'denied-pending-pw',
          rotation_id: 'r',
          started_at: new Date().toISOString(),
          step: 'prepared',
          from_version: v1,
        },
        0,
      )
      .catch((e: unknown) => e);

    expect(update).toMatchObject({ name: 'PermissionDenied', details: { status: 403 } });
    expect((update as Error).message).toContain(`secret/data/${path}`);
    expect((update as Error).message).toContain('"update"');
    expect(create).toMatchObject({ name: 'PermissionDenied' });
    expect((create as Error).message).toContain(`secret/data/rotor/state/${vut.runId}/denied-${vut.runId}`);
    expect((create as Error).message).toContain('"create"');
    for (const err of [update, create]) {
      expect(errorTexts(err)).not.toMatch(/denied-new-pw|denied-pending-pw|current-pw/);
      expect(errorTexts(err)).not.toContain(token);
    }
    expect((await store.readSecret(path))?.password).toBe('current-pw');
  });

  it('says the token is invalid, expired or revoked when it was revoked after start', async () => {
    const token = await tokenWithPolicy(vut, 'revoked', readOnly);
    const store = await vut.store({ token });
    await vut.admin.write('auth/token/revoke', { token });

    const err = await store.readSecret(vut.secretPath('after-revoke')).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'PermissionDenied' });
    expect((err as Error).message).toMatch(/invalid, expired or revoked/);
    expect(errorTexts(err)).not.toContain(token);
  });

  it('refuses to start with a token Vault does not know, without repeating the token', async () => {
    const bogus = 'hvs.NotARealTokenButLooksLikeOne1';

    const err = await vut.store({ token: bogus }).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'PermissionDenied' });
    expect(errorTexts(err)).not.toContain(bogus);
  });
});

describe('the least-privilege policy in docs/vault.md', () => {
  it('allows every call a rotation makes, and the access check finds nothing missing', async () => {
    const token = await tokenWithPolicy(vut, 'rotor-doc', documentedPolicy());
    const store = await vut.store({ token });
    const path = vut.secretPath('documented');
    const target = `doc-${vut.runId}`;
    const v1 = await seed(vut, path, { password: 'doc-old', username: 'alice' });

    expect(await store.checkAccess([path])).toEqual([]);
    expect((await store.readSecret(path))?.version).toBe(v1);
    const pv = await store.writePending(
      target,
      {
        password: 'doc-new',
        rotation_id: 'rot-doc',
        started_at: new Date().toISOString(),
        step: 'prepared',
        from_version: v1,
      },
      0,
    );
    expect((await store.readPending(target))?.version).toBe(pv);
    const v2 = await store.promote(path, promoteArgs('doc-new', v1));
    await store.deletePending(target);

    const current = await store.readSecret(path);
    expect(current).toMatchObject({ version: v2, password: 'doc-new', data: { username: 'alice' } });
    expect(current?.customMetadata).toMatchObject({ rotation_id: 'rot-access', rotor_target: 'iam-access' });
    expect(await store.passwordHistory(path, 5)).toEqual(['doc-old']);
    expect(await store.readPending(target)).toBeNull();
  });

  it('keeps operator credentials read-only even though they sit below the secret paths', async () => {
    const token = await tokenWithPolicy(vut, 'rotor-doc-ops', documentedPolicy());
    const store = await vut.store({ token });
    const operators = `huawei/operators/${vut.runId}`;
    const v1 = await seed(vut, operators, { userName: 'op', password: 'operator-pw' });
    vut.onClose(() => vut.admin.delete(`secret/metadata/${operators}`));

    const err = await store.promote(operators, promoteArgs('overwrite-pw', v1)).catch((e: unknown) => e);

    expect((await store.readSecret(operators))?.password).toBe('operator-pw');
    expect(err).toMatchObject({ name: 'PermissionDenied' });
  });

  it('names what a read-only token is missing', async () => {
    const token = await tokenWithPolicy(vut, 'read-only-check', readOnly);
    const store = await vut.store({ token });
    const path = vut.secretPath('check');

    const problems = await store.checkAccess([path]);

    expect(problems).toContainEqual(
      expect.objectContaining({ path: `secret/data/${path}`, missing: ['create', 'update'] }),
    );
    expect(problems.map((p) => p.path)).toContain(`secret/metadata/rotor/state/${vut.runId}/access-check`);
  });
});

describe('stamping custom_metadata', () => {
  it('does not undo a promote when the metadata write is refused: the password is promoted and a warning says why', async () => {
    const noMetadata = `path "secret/data/huawei/*" { capabilities = ["read", "create", "update"] }`;
    const token = await tokenWithPolicy(vut, 'no-metadata', noMetadata);
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const store = await vut.store({ token }, { logger: makeLogger({ destination: sink, level: 'debug' }) });
    const path = vut.secretPath('no-stamp');
    const v1 = await seed(vut, path, { password: 'stamp-old' });

    const v2 = await store.promote(path, promoteArgs('stamp-new-pw', v1));

    expect((await store.readSecret(path))?.password).toBe('stamp-new-pw');
    expect(v2).toBe(v1 + 1);
    const log = lines.join('');
    expect(log).toContain('custom_metadata not stamped');
    expect(log).not.toContain('stamp-new-pw');
    expect(log).not.toContain(token);
  });
});

describe('AppRole login', () => {
  it('logs in with role_id and secret_id, and reports a wrong secret_id as Misconfigured without echoing it', async () => {
    const mountPath = `approle-${vut.runId}`;
    await vut.admin.write(`sys/auth/${mountPath}`, { type: 'approle' });
    vut.onClose(() => vut.admin.delete(`sys/auth/${mountPath}`));
    await tokenWithPolicy(vut, 'rotor-approle', documentedPolicy());
    await vut.admin.write(`auth/${mountPath}/role/rotor`, {
      token_policies: [`rotor-approle-${vut.runId}`],
      token_ttl: '5m',
    });
    const roleId = ((await vut.admin.read(`auth/${mountPath}/role/rotor/role-id`)) as { data: { role_id: string } })
      .data.role_id;
    const secretId = (
      (await vut.admin.write(`auth/${mountPath}/role/rotor/secret-id`, {})) as { data: { secret_id: string } }
    ).data.secret_id;
    const path = vut.secretPath('approle');
    await seed(vut, path, { password: 'approle-pw' });

    const store = await vut.store({ auth: { method: 'approle', roleId, secretId, mountPath } });
    const wrong = await vut
      .store({ auth: { method: 'approle', roleId, secretId: 'wrong-secret-id-123', mountPath } })
      .catch((e: unknown) => e);

    expect((await store.readSecret(path))?.password).toBe('approle-pw');
    expect(wrong).toMatchObject({ name: 'Misconfigured' });
    expect(errorTexts(wrong)).not.toContain('wrong-secret-id-123');
    expect(errorTexts(wrong)).not.toContain(roleId);
  });
});
