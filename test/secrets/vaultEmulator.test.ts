import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';

/**
 * The emulator answers with Vault's own status codes and bodies (reference: Vault's HTTP API and the KV v2
 * plugin), checked here over plain HTTP so no client library smooths anything over.
 */
let emu: VaultEmulator;

beforeAll(async () => {
  emu = await startVaultEmulator({ mounts: { secret: 2, legacy: 1 } });
});
afterAll(async () => {
  await emu.close();
});

/** Parsed JSON, navigable without casts; the assertions check the actual shapes. */
interface Json {
  [key: string]: Json | undefined;
}

async function call(method: string, path: string, body?: unknown, token: string | null = emu.rootToken) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers['X-Vault-Token'] = token;
  const res = await fetch(`${emu.url}/v1/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as Json) };
}

describe('KV v2 data', () => {
  it('answers a missing key with 404 and an empty errors list', async () => {
    expect(await call('GET', 'secret/data/emu/missing')).toEqual({ status: 404, body: { errors: [] } });
  });

  it('writes versions with check-and-set and refuses a stale cas with the exact message', async () => {
    const first = await call('POST', 'secret/data/emu/cas', { options: { cas: 0 }, data: { password: 'a' } });
    const stale = await call('POST', 'secret/data/emu/cas', { options: { cas: 0 }, data: { password: 'b' } });
    const noData = await call('POST', 'secret/data/emu/cas', { options: { cas: 1 } });

    expect(first.status).toBe(200);
    expect(first.body?.data).toMatchObject({ version: 1, deletion_time: '', destroyed: false, custom_metadata: null });
    expect(stale).toEqual({
      status: 400,
      body: { errors: ['check-and-set parameter did not match the current version'] },
    });
    expect(noData).toEqual({ status: 400, body: { errors: ['no data provided'] } });
  });

  it('requires cas once the key metadata says cas_required', async () => {
    await call('POST', 'secret/metadata/emu/cas-required', { cas_required: true });

    expect(await call('POST', 'secret/data/emu/cas-required', { data: { password: 'x' } })).toEqual({
      status: 400,
      body: { errors: ['check-and-set parameter required for this call'] },
    });
  });

  it('reads old versions, and answers deleted or destroyed ones with 404 and their metadata', async () => {
    for (const password of ['v1', 'v2', 'v3']) await call('POST', 'secret/data/emu/versions', { data: { password } });
    await call('POST', 'secret/delete/emu/versions', { versions: [2] });
    await call('POST', 'secret/destroy/emu/versions', { versions: [1] });

    const v2 = await call('GET', 'secret/data/emu/versions?version=2');
    const v1 = await call('GET', 'secret/data/emu/versions?version=1');
    await call('POST', 'secret/undelete/emu/versions', { versions: [2, 1] });

    expect(v2.status).toBe(404);
    expect(v2.body?.data?.data).toBeNull();
    expect(v2.body?.data?.metadata?.deletion_time).not.toBe('');
    expect(v1.body?.data?.metadata).toMatchObject({ destroyed: true, version: 1 });
    expect((await call('GET', 'secret/data/emu/versions?version=2')).body?.data?.data).toEqual({ password: 'v2' });
    expect((await call('GET', 'secret/data/emu/versions?version=1')).status).toBe(404);
  });

  it('keeps max_versions versions (10 by default) and moves oldest_version on', async () => {
    for (let i = 1; i <= 12; i++) await call('POST', 'secret/data/emu/many', { data: { password: `p${i}` } });

    const meta = await call('GET', 'secret/metadata/emu/many');

    expect(meta.body?.data).toMatchObject({ current_version: 12, oldest_version: 3, max_versions: 0 });
    expect(Object.keys(meta.body?.data?.versions ?? {})).toHaveLength(10);
    expect((await call('GET', 'secret/data/emu/many?version=2')).body).toEqual({ errors: [] });
  });
});

describe('KV v2 metadata and listing', () => {
  it('stores custom_metadata without creating a version, and validates its limits', async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));

    expect(await call('POST', 'secret/metadata/emu/meta', { custom_metadata: { owner: 'a' } })).toEqual({
      status: 204,
      body: undefined,
    });
    expect((await call('GET', 'secret/metadata/emu/meta')).body?.data).toMatchObject({
      current_version: 0,
      custom_metadata: { owner: 'a' },
    });
    expect((await call('POST', 'secret/metadata/emu/meta', { custom_metadata: tooMany })).status).toBe(400);
  });

  it('lists keys with GET ?list=true, folders ending in a slash, and answers an empty folder with 404', async () => {
    await call('POST', 'secret/data/emu-list/a', { data: { x: '1' } });
    await call('POST', 'secret/data/emu-list/folder/b', { data: { x: '1' } });

    expect((await call('GET', 'secret/metadata/emu-list?list=true')).body?.data).toEqual({ keys: ['a', 'folder/'] });
    expect(await call('GET', 'secret/metadata/emu-empty?list=true')).toEqual({ status: 404, body: { errors: [] } });
  });

  it('deletes every version when the metadata is deleted', async () => {
    await call('POST', 'secret/data/emu/gone', { data: { password: 'p' } });

    expect((await call('DELETE', 'secret/metadata/emu/gone')).status).toBe(204);
    expect(await call('GET', 'secret/metadata/emu/gone')).toEqual({ status: 404, body: { errors: [] } });
  });
});

describe('tokens and policies', () => {
  it('refuses a policy denial and a bad token with 403 and Vault bodies', async () => {
    emu.setPolicy('emu-read', 'path "secret/data/emu/*" { capabilities = ["read"] }');
    const token = emu.createToken({ policies: ['emu-read'] });

    expect(await call('POST', 'secret/data/emu/denied', { data: { a: '1' } }, token)).toEqual({
      status: 403,
      body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] },
    });
    expect((await call('GET', 'secret/data/emu/denied', undefined, 'hvs.bogus')).body?.errors?.[0]).toContain(
      'invalid token',
    );
    expect((await call('GET', 'secret/data/emu/denied', undefined, null)).status).toBe(403);
  });

  it('applies the most specific policy path, as Vault does', async () => {
    emu.setPolicy(
      'emu-priority',
      `path "secret/data/p/*" { capabilities = ["read", "create", "update"] }
       path "secret/data/p/locked/*" { capabilities = ["read"] }
       path "secret/data/p/+/open" { capabilities = ["create"] }`,
    );
    const token = emu.createToken({ policies: ['emu-priority'] });
    const write = (p: string) => call('POST', `secret/data/${p}`, { data: { a: '1' } }, token);

    expect((await write('p/x')).status).toBe(200);
    expect((await write('p/locked/x')).status).toBe(403);
    expect((await write('p/locked/open')).status).toBe(403);
    expect((await write('p/other/open')).status).toBe(200);
  });

  it('reports TTLs through lookup-self and extends them with renew-self', async () => {
    const token = emu.createToken({ ttl: 60 });

    const lookup = await call('GET', 'auth/token/lookup-self', undefined, token);
    const renew = await call('POST', 'auth/token/renew-self', { increment: '2m' }, token);

    expect(lookup.body?.data).toMatchObject({ renewable: true, policies: ['default'] });
    expect(lookup.body?.data?.ttl).toBeGreaterThan(55);
    expect(renew.body?.auth).toMatchObject({ client_token: token, lease_duration: 120, renewable: true });
    expect((await call('POST', 'auth/token/renew-self', {}, emu.rootToken)).status).toBe(400);
  });

  it('lets a non-root token create child tokens only with a subset of its policies', async () => {
    emu.setPolicy('emu-creator', 'path "auth/token/create" { capabilities = ["update"] }');
    const token = emu.createToken({ policies: ['emu-creator'] });

    const child = await call('POST', 'auth/token/create', { policies: ['root'] }, token);

    expect(child).toEqual({ status: 400, body: { errors: ['child policies must be subset of parent'] } });
  });

  it('refuses an AppRole login with wrong credentials with 400 invalid role or secret ID', async () => {
    const { roleId } = emu.addAppRole('emu', { policies: [] });

    expect(await call('POST', 'auth/approle/login', { role_id: roleId, secret_id: 'nope' }, null)).toEqual({
      status: 400,
      body: { errors: ['invalid role or secret ID'] },
    });
  });
});

describe('mounts and the seal', () => {
  it('describes mounts the way sys/internal/ui/mounts does, and hides unknown ones behind a 403', async () => {
    const v2 = await call('GET', 'sys/internal/ui/mounts/secret/emu/x');
    const v1 = await call('GET', 'sys/internal/ui/mounts/legacy');
    const none = await call('GET', 'sys/internal/ui/mounts/nowhere');

    expect(v2.body?.data).toMatchObject({ path: 'secret/', type: 'kv', options: { version: '2' } });
    expect(v1.body?.data).toMatchObject({ path: 'legacy/', options: { version: '1' } });
    expect(none.status).toBe(403);
    expect(none.body?.errors?.[0]).toContain('preflight capability check returned 403');
  });

  it('stores a KV v2 shaped write on a KV v1 mount as a plain secret, answering 204', async () => {
    const write = await call('POST', 'legacy/data/x', { options: { cas: 0 }, data: { password: 'p' } });

    expect(write.status).toBe(204);
    expect((await call('GET', 'legacy/data/x')).body?.data).toEqual({ options: { cas: 0 }, data: { password: 'p' } });
  });

  it('answers an unknown path with 404 no handler for route', async () => {
    expect((await call('GET', 'nomount/data/x')).body?.errors?.[0]).toMatch(/^no handler for route "nomount\/data\/x"/);
  });

  it('answers 503 Vault is sealed while sealed, and sys/health says so with a 503 of its own', async () => {
    emu.seal();
    try {
      expect(await call('GET', 'secret/data/emu/x')).toEqual({ status: 503, body: { errors: ['Vault is sealed'] } });
      const health = await call('GET', 'sys/health', undefined, null);
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ initialized: true, sealed: true, standby: false });
    } finally {
      emu.unseal();
    }
    expect((await call('GET', 'sys/health', undefined, null)).status).toBe(200);
  });
});
