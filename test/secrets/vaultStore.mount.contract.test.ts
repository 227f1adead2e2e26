import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorTexts, vaultUnderTest, type VaultUnderTest } from './vaultUnderTest.js';

/** Contract: a mount that is not KV version 2 is said plainly, at start and on use. */
let vut: VaultUnderTest;

beforeAll(async () => {
  vut = await vaultUnderTest();
});
afterAll(async () => {
  await vut.close();
});

let kvV1Mounts = 0;
async function kvV1Mount(): Promise<string> {
  kvV1Mounts += 1;
  const mount = `kv1-${vut.runId}-${kvV1Mounts}`;
  await vut.admin.write(`sys/mounts/${mount}`, { type: 'kv', options: { version: '1' } });
  vut.onClose(() => vut.admin.delete(`sys/mounts/${mount}`));
  return mount;
}

describe('the configured mount', () => {
  it('is refused at start when it is KV version 1, and the message says so', async () => {
    const mount = await kvV1Mount();

    const err = await vut.store({ mount }).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'Misconfigured' });
    expect((err as Error).message).toMatch(new RegExp(`"${mount}" .*KV version 1.*rotor needs KV version 2`));
    expect(errorTexts(err)).not.toContain(vut.rootToken);
  });

  it('is recognised as KV version 1 from the answer to a write when the start check is skipped', async () => {
    const mount = await kvV1Mount();
    const store = await vut.store({ mount }, { checkMount: false });

    const err = await store
      .writePending(
        't',
        { password: 'v1-pw', rotation_id: 'r', started_at: 'now', step: 'prepared', from_version: 0 },
        0,
      )
      .catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'Misconfigured' });
    expect((err as Error).message).toMatch(/KV version 1/);
    expect((err as Error).message).not.toContain('v1-pw');
  });

  it('is refused at start when no such mount exists', async () => {
    const mount = `missing-${vut.runId}`;

    const err = await vut.store({ mount }).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'Misconfigured' });
    expect((err as Error).message).toContain(`no mount "${mount}/"`);
  });

  it('is refused at start when it names a folder inside a mount rather than the mount', async () => {
    const err = await vut.store({ mount: 'secret/huawei' }).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'Misconfigured' });
    expect((err as Error).message).toContain('lies inside the mount "secret"');
    expect(errorTexts(err)).not.toContain(vut.rootToken);
  });

  it('is reported as a missing route when the start check is skipped and the mount does not exist', async () => {
    const store = await vut.store({ mount: `missing-${vut.runId}` }, { checkMount: false });

    const err = await store.readSecret('huawei/x').catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'Misconfigured' });
    expect((err as Error).message).toMatch(/no handler/);
  });
});

describe('health', () => {
  it('reports an initialised, unsealed Vault and its version', async () => {
    const store = await vut.store();

    const health = await store.health();

    expect(health).toMatchObject({ initialized: true, sealed: false });
    expect(health.version).toMatch(/^\d+\.\d+/);
  });
});
