import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { makeVaultStore, vaultConfigSchema } from '../../src/secrets/index.js';

/**
 * The KV v2 emulator against the behaviour of HashiCorp's KV v2 plugin (hashicorp/vault-plugin-secrets-kv):
 * each test names the plugin file and function it mirrors. The emulator's clock is injected, so
 * delete_version_after is exercised by moving time rather than by waiting.
 */
let emu: VaultEmulator;
let clock = Date.parse('2025-06-01T12:00:00.000Z');
const hour = 3_600_000;

beforeAll(async () => {
  emu = await startVaultEmulator({ now: () => clock });
});
afterAll(async () => {
  await emu.close();
});

interface Json {
  [key: string]: Json | undefined;
}

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}/v1/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-Vault-Token': emu.rootToken },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as Json) };
}

async function writeVersions(mount: string, key: string, passwords: string[]): Promise<void> {
  for (const password of passwords) {
    const answer = await call('POST', `${mount}/data/${key}`, { data: { password } });
    expect(answer.status).toBe(200);
  }
}

describe('max_versions', () => {
  // path_data.go KeyMetadata.AddVersion: maxVersions = max(k.MaxVersions, configMaxVersions), else 10.
  it('keeps the larger of the key and the mount setting when the mount allows more, pruning the oldest', async () => {
    emu.enableKv('fid-mv-mount', 2);
    await call('POST', 'fid-mv-mount/config', { max_versions: 5 });
    await call('POST', 'fid-mv-mount/metadata/k', { max_versions: 3 });

    await writeVersions('fid-mv-mount', 'k', ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
    const meta = await call('GET', 'fid-mv-mount/metadata/k');

    expect(meta.body?.data).toMatchObject({ current_version: 7, oldest_version: 3, max_versions: 3 });
    expect(Object.keys(meta.body?.data?.versions ?? {}).sort()).toEqual(['3', '4', '5', '6', '7']);
    expect((await call('GET', 'fid-mv-mount/data/k?version=2')).status).toBe(404);
    expect((await call('GET', 'fid-mv-mount/data/k?version=3')).body?.data?.data).toEqual({ password: 'p3' });
  });

  // path_data.go KeyMetadata.AddVersion: the same max() lets a key keep more than its mount.
  it('keeps the larger of the key and the mount setting when the key allows more', async () => {
    emu.enableKv('fid-mv-key', 2);
    await call('POST', 'fid-mv-key/config', { max_versions: 2 });
    await call('POST', 'fid-mv-key/metadata/k', { max_versions: 4 });

    await writeVersions('fid-mv-key', 'k', ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    const meta = await call('GET', 'fid-mv-key/metadata/k');

    expect(meta.body?.data).toMatchObject({ current_version: 6, oldest_version: 3 });
    expect(Object.keys(meta.body?.data?.versions ?? {}).sort()).toEqual(['3', '4', '5', '6']);
  });
});

describe('delete_version_after', () => {
  // path_data.go pathDataWrite sets DeletionTime = created + delete_version_after (delete_version_after.go
  // deletionTime); pathDataRead answers 404 only once deletionTime.Before(time.Now()).
  it('gives every new version a future deletion_time; the version is readable until then and deleted after', async () => {
    await call('POST', 'secret/metadata/fid/dva-key', { delete_version_after: '1h' });

    const written = await call('POST', 'secret/data/fid/dva-key', { data: { password: 'short-lived' } });
    const created = Date.parse(String(written.body?.data?.created_time));
    const before = await call('GET', 'secret/data/fid/dva-key');
    clock += hour + 1;
    const after = await call('GET', 'secret/data/fid/dva-key');

    expect(Date.parse(String(written.body?.data?.deletion_time))).toBe(created + hour);
    expect(before.status).toBe(200);
    expect(before.body?.data?.data).toEqual({ password: 'short-lived' });
    expect(after.status).toBe(404);
    expect(after.body?.data?.data).toBeNull();
    expect(after.body?.data?.metadata).toMatchObject({ version: 1, destroyed: false });
  });

  // path_metadata.go pathMetadataRead reports delete_version_after as a Go duration string.
  it('reports the key setting as a Go duration and refuses a negative one (TypeDurationSecond)', async () => {
    await call('POST', 'secret/metadata/fid/dva-format', { delete_version_after: 5400 });
    const negative = await call('POST', 'secret/metadata/fid/dva-format', { delete_version_after: '-5s' });

    expect((await call('GET', 'secret/metadata/fid/dva-format')).body?.data?.delete_version_after).toBe('1h30m0s');
    expect(negative.status).toBe(400);
    expect(negative.body?.errors?.[0]).toContain('cannot provide negative value');
  });

  // delete_version_after.go deletionTime: the smaller non-zero of the mount's and the key's settings.
  it('uses the smaller non-zero of the mount and key settings', async () => {
    emu.enableKv('fid-dva', 2);
    await call('POST', 'fid-dva/config', { delete_version_after: '2h' });
    await call('POST', 'fid-dva/metadata/key-shorter', { delete_version_after: '30m' });
    await call('POST', 'fid-dva/metadata/key-longer', { delete_version_after: '3h' });

    const deletesAfter = async (key: string) => {
      const w = await call('POST', `fid-dva/data/${key}`, { data: { password: 'p' } });
      return Date.parse(String(w.body?.data?.deletion_time)) - Date.parse(String(w.body?.data?.created_time));
    };

    expect(await deletesAfter('key-shorter')).toBe(hour / 2);
    expect(await deletesAfter('key-longer')).toBe(2 * hour);
    expect(await deletesAfter('mount-only')).toBe(2 * hour);
  });

  // path_config.go pathConfigWrite: a negative mount value disables delete_version_after for every key.
  it('sets no deletion_time at all when the mount disabled it, whatever the key says', async () => {
    emu.enableKv('fid-dva-off', 2);
    await call('POST', 'fid-dva-off/config', { delete_version_after: '-1s' });
    await call('POST', 'fid-dva-off/metadata/k', { delete_version_after: '1h' });

    const written = await call('POST', 'fid-dva-off/data/k', { data: { password: 'p' } });

    expect((await call('GET', 'fid-dva-off/config')).body?.data?.delete_version_after).toBe('-1s');
    expect(written.body?.data?.deletion_time).toBe('');
  });

  // path_delete.go pathDeleteWrite deletes a version whose deletion_time is still ahead (sets it to now);
  // pathUndeleteWrite restarts the delete_version_after clock from now.
  it('deletes a version now despite a future deletion_time, and undelete schedules it again from now', async () => {
    await call('POST', 'secret/metadata/fid/dva-undelete', { delete_version_after: '1h' });
    await writeVersions('secret', 'fid/dva-undelete', ['u1']);

    await call('POST', 'secret/delete/fid/dva-undelete', { versions: [1] });
    clock += 1;
    const deleted = await call('GET', 'secret/data/fid/dva-undelete?version=1');
    const undeleteAt = clock;
    await call('POST', 'secret/undelete/fid/dva-undelete', { versions: [1] });
    const back = await call('GET', 'secret/data/fid/dva-undelete?version=1');

    expect(deleted.status).toBe(404);
    expect(back.status).toBe(200);
    expect(Date.parse(String(back.body?.data?.metadata?.deletion_time))).toBe(undeleteAt + hour);
  });
});

describe('check-and-set', () => {
  // path_data.go validateCheckAndSetOption: mapstructure.WeakDecode(cas) failing → this exact error.
  it('refuses a cas that is not a number with "error parsing check-and-set parameter"', async () => {
    await writeVersions('secret', 'fid/cas', ['c1']);

    for (const cas of ['abc', 1.5, { v: 1 }, [1]]) {
      expect(await call('POST', 'secret/data/fid/cas', { options: { cas }, data: { password: 'x' } })).toEqual({
        status: 400,
        body: { errors: ['error parsing check-and-set parameter'] },
      });
    }
  });

  // path_data.go validateCheckAndSetOption: WeakDecode accepts a numeric string; uint64(cas) != CurrentVersion.
  it('accepts a numeric string cas that matches, and refuses one that does not match the current version', async () => {
    await writeVersions('secret', 'fid/cas-string', ['s1']);

    const matching = await call('POST', 'secret/data/fid/cas-string', { options: { cas: '1' }, data: { a: '2' } });
    const stale = await call('POST', 'secret/data/fid/cas-string', { options: { cas: 1 }, data: { a: '3' } });

    expect(matching.body?.data?.version).toBe(2);
    expect(stale).toEqual({
      status: 400,
      body: { errors: ['check-and-set parameter did not match the current version'] },
    });
  });

  // path_data.go validateCheckAndSetOption: config.CasRequired || meta.CasRequired without cas → 400.
  it('requires cas on every key once the mount config says cas_required', async () => {
    emu.enableKv('fid-cas-req', 2);
    await call('POST', 'fid-cas-req/config', { cas_required: true });

    expect(await call('POST', 'fid-cas-req/data/k', { data: { password: 'x' } })).toEqual({
      status: 400,
      body: { errors: ['check-and-set parameter required for this call'] },
    });
    expect((await call('POST', 'fid-cas-req/data/k', { options: { cas: 0 }, data: { password: 'x' } })).status).toBe(
      200,
    );
  });
});

describe('metadata writes', () => {
  // path_metadata.go pathMetadataWrite "Fast path validation": none of the four fields → nil response, nothing stored.
  it('answers 204 and creates nothing when the write names none of the metadata fields', async () => {
    expect((await call('POST', 'secret/metadata/fid/fast', {})).status).toBe(204);
    expect((await call('POST', 'secret/metadata/fid/fast', { unrelated: 1 })).status).toBe(204);

    expect(await call('GET', 'secret/metadata/fid/fast')).toEqual({ status: 404, body: { errors: [] } });
    expect((await call('GET', 'secret/data/fid/fast')).status).toBe(404);
  });

  // path_metadata.go validateCustomMetadata: strutil.Printable on keys and values; every problem reported.
  it('refuses custom_metadata with unprintable characters or over-long keys, listing every problem', async () => {
    const unprintable = await call('POST', 'secret/metadata/fid/custom', { custom_metadata: { note: 'a\u0007b' } });
    const both = await call('POST', 'secret/metadata/fid/custom', {
      custom_metadata: { ['k'.repeat(129)]: 'v', 'tab\tkey': 'v' },
    });

    expect(unprintable).toEqual({
      status: 400,
      body: {
        errors: [
          '1 error occurred:\n\t* custom_metadata validation failed: value for key "note" contains unprintable characters\n\n',
        ],
      },
    });
    expect(both.status).toBe(400);
    expect(both.body?.errors?.[0]).toMatch(/^2 errors occurred:/);
    expect(both.body?.errors?.[0]).toContain('is 129 but must be 0 < len(key) <= 128');
    expect(both.body?.errors?.[0]).toContain('key "tab\\tkey" (tab\tkey) contains unprintable characters');
    expect((await call('GET', 'secret/metadata/fid/custom')).status).toBe(404);
  });

  // path_metadata.go pathMetadataWrite: cas_required false on a mount that mandates it → kept, with a warning.
  it('warns when a key turns cas_required off on a mount that requires it', async () => {
    emu.enableKv('fid-warn', 2);
    await call('POST', 'fid-warn/config', { cas_required: true });

    const answer = await call('POST', 'fid-warn/metadata/k', { cas_required: false });

    expect(answer.status).toBe(200);
    expect(answer.body?.warnings?.[0]).toContain('"cas_required" set to false, but is mandated by backend config');
  });
});

describe("rotor's password history on a key with delete_version_after", () => {
  // The emulator's clock is not rotor's (it starts in 2025): whether a deletion_time has passed is Vault's call.
  it("counts versions whose deletion_time is ahead on Vault's clock, and drops them once Vault reads them as deleted", async () => {
    const path = 'huawei/fid/history-dva';
    await call('POST', `secret/metadata/${path}`, { delete_version_after: '1h' });
    await writeVersions('secret', path, ['h1', 'h2', 'h3', 'h4']);
    const config = vaultConfigSchema.parse({ address: emu.url, auth: { method: 'token', token: emu.rootToken } });
    const store = await makeVaultStore(config);
    try {
      const live = await store.passwordHistory(path, 10);
      clock += 2 * hour;
      await writeVersions('secret', path, ['h5']);
      const afterExpiry = await store.passwordHistory(path, 10);

      expect(live).toEqual(['h3', 'h2', 'h1']);
      expect(afterExpiry).toEqual([]);
      expect((await store.readSecret(path))?.password).toBe('h5');
    } finally {
      await store.close();
    }
  });
});
