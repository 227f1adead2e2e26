import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import log4js from 'log4js';
import core from '@huaweicloud/huaweicloud-sdk-core';
import iamSdk from '@huaweicloud/huaweicloud-sdk-iam/v3/public-api.js';
import { signSdkHmacSha256 } from '../../src/connectors/huawei/akskSigner.js';
import { iamActions, startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { call, expectKeystone, type Reply } from './huaweiSimHelpers.js';

log4js.configure({
  appenders: { none: { type: 'stdout' } },
  categories: { default: { appenders: ['none'], level: 'off' } },
});

/**
 * IAM's permanent access-key API as its pages (api-iam iam_03_0001 … iam_03_0005) document it: the
 * shapes, the limit of 2 keys per user with its `akSkNumExceed` example, the SK shown only at creation,
 * `last_use_time` (the creation time until the key is used), and AK/SK signing accepted only while a key is active.
 */
describe('simulated IAM permanent access keys', () => {
  let sim: HuaweiSimulator;
  const path = '/v3.0/OS-CREDENTIAL/credentials';
  let n = 0;

  beforeAll(async () => {
    sim = await startHuaweiSimulator();
  });
  afterAll(() => sim.close());

  type Key = { ak: string; sk: string };
  type Cred = {
    access: string;
    secret: string;
    status: string;
    user_id: string;
    create_time: string;
    last_use_time: string;
    description: string;
  };

  /** A fresh user holding one seeded key, as an operator starts. */
  function seedUser(): { userId: string; domainId: string; key: Key } {
    n += 1;
    const { userId, domainId } = sim.iam.seedUser({
      userName: `ak-user-${n}`,
      domainName: 'sim-ak',
      password: 'Ak-Passw0rd!',
    });
    const key = { ak: `SEEDAK${String(n).padStart(14, '0')}`, sk: `seed-secret-key-${n}-0123456789abcdef` };
    sim.iam.seedAccessKey({ ...key, userId });
    return { userId, domainId, key };
  }

  /** A request signed with `key`, as the SDK signs it. */
  async function signed(key: Key, method: string, p: string, body?: unknown): Promise<Reply> {
    const url = new URL(`${sim.url}${p}`);
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> =
      body === undefined ? {} : { 'Content-Type': 'application/json;charset=utf8' };
    const auth = signSdkHmacSha256({ method, url, headers, body: text }, key);
    return call(sim.url, method, p, body, { ...headers, ...auth });
  }

  const create = (key: Key, userId: string, description?: string) =>
    signed(key, 'POST', path, { credential: { user_id: userId, ...(description ? { description } : {}) } });
  const show = (key: Key, ak: string) => signed(key, 'GET', `${path}/${ak}`);

  it('creates a key: 201 with the AK, the SK, active status and the creation time', async () => {
    const { userId, key } = seedUser();
    const r = await create(key, userId, 'rotor');
    expect(r.status).toBe(201);
    const cred = r.body.credential as Cred;
    expect(Object.keys(cred).sort()).toEqual(['access', 'create_time', 'description', 'secret', 'status', 'user_id']);
    expect(cred).toMatchObject({ user_id: userId, status: 'active', description: 'rotor' });
    expect(cred.access).toMatch(/^[A-Z0-9]{20}$/);
    expect(cred.secret.length).toBe(40);
    expect(cred.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // The new key signs at once.
    expect((await show({ ak: cred.access, sk: cred.secret }, cred.access)).status).toBe(200);
  });

  it('shows the SK only in the create reply: neither the list nor the query carries it', async () => {
    const { userId, key } = seedUser();
    const created = (await create(key, userId)).body.credential as Cred;
    const listed = await signed(key, 'GET', `${path}?user_id=${userId}`);
    expect(listed.status).toBe(200);
    const creds = listed.body.credentials as Record<string, unknown>[];
    expect(creds.map((c) => c.access).sort()).toEqual([key.ak, created.access].sort());
    for (const c of creds)
      expect(Object.keys(c).sort()).toEqual(['access', 'create_time', 'description', 'status', 'user_id']);
    const one = await show(key, created.access);
    expect(Object.keys(one.body.credential as object).sort()).toEqual([
      'access',
      'create_time',
      'description',
      'last_use_time',
      'status',
      'user_id',
    ]);
    expect(listed.text + one.text).not.toContain(created.secret);
  });

  it('refuses a third key with the documented 400 akSkNumExceed body, creating nothing', async () => {
    const { userId, key } = seedUser();
    expect((await create(key, userId)).status).toBe(201);
    const third = await create(key, userId);
    expect(third.status).toBe(400);
    expect(third.body).toEqual({
      error: { message: 'akSkNumExceed', code: 400, title: 'Bad Request', error_msg: null, error_code: null },
    });
    expect(sim.iam.accessKeysOf(userId)).toHaveLength(2);
  });

  it('reports last_use_time: the creation time until used, then the time of the last signed request', async () => {
    const { userId, key } = seedUser();
    const created = (await create(key, userId)).body.credential as Cred;
    const fresh = { ak: created.access, sk: created.secret };
    const before = (await show(key, fresh.ak)).body.credential as Cred;
    expect(before.last_use_time).toBe(before.create_time);
    sim.clock.advance(60_000);
    expect((await show(fresh, key.ak)).status).toBe(200); // the new key signs a request
    const after = (await show(key, fresh.ak)).body.credential as Cred;
    expect(Date.parse(after.last_use_time)).toBeGreaterThanOrEqual(Date.parse(before.create_time) + 60_000);
  });

  it('accepts AK/SK signatures only while the key is active; inactive is reversible', async () => {
    const { userId, key } = seedUser();
    const created = (await create(key, userId)).body.credential as Cred;
    const old = key;
    const fresh = { ak: created.access, sk: created.secret };
    const off = await signed(fresh, 'PUT', `${path}/${old.ak}`, { credential: { status: 'inactive' } });
    expect(off.status).toBe(200);
    expect(off.body.credential).toMatchObject({ access: old.ak, status: 'inactive', user_id: userId });
    const lastUse = ((await show(fresh, old.ak)).body.credential as Cred).last_use_time;

    sim.clock.advance(60_000);
    const refused = await show(old, old.ak);
    expect(refused.status).toBe(401);
    // A refused signature is not a use.
    expect(((await show(fresh, old.ak)).body.credential as Cred).last_use_time).toBe(lastUse);

    const on = await signed(fresh, 'PUT', `${path}/${old.ak}`, { credential: { status: 'active' } });
    expect(on.status).toBe(200);
    expect((await show(old, old.ak)).status).toBe(200);
  });

  it('refuses a status other than active or inactive with 400, changing nothing', async () => {
    const { key } = seedUser();
    const r = await signed(key, 'PUT', `${path}/${key.ak}`, { credential: { status: 'disabled' } });
    expectKeystone(r, 400);
    expect(sim.iam.accessKeysOf(sim.iam.state.accessKeys.get(key.ak)!.userId)[0]!.status).toBe('active');
  });

  it('deletes a key with 204; it is gone (404) and no longer signs', async () => {
    const { userId, key } = seedUser();
    const created = (await create(key, userId)).body.credential as Cred;
    const fresh = { ak: created.access, sk: created.secret };
    const del = await signed(fresh, 'DELETE', `${path}/${key.ak}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expectKeystone(await show(fresh, key.ak), 404);
    expect((await show(key, fresh.ak)).status).toBe(401);
    expect(sim.iam.accessKeysOf(userId).map((k) => k.ak)).toEqual([fresh.ak]);
  });

  it("refuses an ordinary user another user's keys (403); an admin manages them", async () => {
    const a = seedUser();
    const b = seedUser();
    expectKeystone(await create(b.key, a.userId), 403);
    expectKeystone(await signed(b.key, 'DELETE', `${path}/${a.key.ak}`), 403);
    expectKeystone(await signed(b.key, 'GET', `${path}?user_id=${a.userId}`), 403);
    const { userId: adminId } = sim.iam.seedUser({
      userName: 'ak-admin',
      domainName: 'sim-ak',
      password: 'Adm-Passw0rd!',
      admin: true,
    });
    const adminKey = { ak: 'ADMINAK0000000000001', sk: 'admin-secret-key-0123456789abcdef' };
    sim.iam.seedAccessKey({ ...adminKey, userId: adminId });
    expect((await create(adminKey, a.userId)).status).toBe(201);
    expect(iamActions.createCredential).toBe('iam:credentials:createCredential');
  });

  it('keeps a key created by a request whose reply was lost: listed, its SK gone for good', async () => {
    const { userId, key } = seedUser();
    sim.inject({ kind: 'applyThenDrop', route: 'iam.createAccessKey' });
    await expect(create(key, userId)).rejects.toThrow();
    const listed = (await signed(key, 'GET', `${path}?user_id=${userId}`)).body.credentials as { access: string }[];
    expect(listed).toHaveLength(2);
    // The orphan fills the user's second slot.
    expect((await create(key, userId)).body).toMatchObject({ error: { message: 'akSkNumExceed' } });
  });

  it('answers the official IAM SDK: create, list, show, update, delete', async () => {
    const { userId, domainId, key } = seedUser();
    const client = iamSdk.IamClient.newBuilder()
      .withCredential(new core.GlobalCredentials().withAk(key.ak).withSk(key.sk).withDomainId(domainId))
      .withEndpoint(sim.url)
      .build();
    const created = await client.createPermanentAccessKey(
      new iamSdk.CreatePermanentAccessKeyRequest().withBody(
        new iamSdk.CreatePermanentAccessKeyRequestBody(new iamSdk.CreateCredentialOption().withUserId(userId)),
      ),
    );
    expect(created.httpStatusCode).toBe(201);
    const ak = created.credential!.access!;
    expect(created.credential!.secret).toHaveLength(40);
    const listed = await client.listPermanentAccessKeys(new iamSdk.ListPermanentAccessKeysRequest().withUserId(userId));
    expect(listed.credentials!.map((c) => c.access).sort()).toEqual([key.ak, ak].sort());
    const shown = await client.showPermanentAccessKey(new iamSdk.ShowPermanentAccessKeyRequest().withAccessKey(ak));
    expect(shown.credential).toMatchObject({ access: ak, status: 'active' });
    // The SDK hands back the body's plain object: the wire name, not its getter.
    expect(typeof (shown.credential as unknown as { last_use_time?: unknown }).last_use_time).toBe('string');
    const updated = await client.updatePermanentAccessKey(
      new iamSdk.UpdatePermanentAccessKeyRequest()
        .withAccessKey(ak)
        .withBody(
          new iamSdk.UpdatePermanentAccessKeyRequestBody(new iamSdk.UpdateCredentialOption().withStatus('inactive')),
        ),
    );
    expect(updated.credential).toMatchObject({ access: ak, status: 'inactive' });
    const deleted = await client.deletePermanentAccessKey(
      new iamSdk.DeletePermanentAccessKeyRequest().withAccessKey(ak),
    );
    expect(deleted.httpStatusCode).toBe(204);
    expect(sim.iam.accessKeysOf(userId).map((k) => k.ak)).toEqual([key.ak]);
  });
});
