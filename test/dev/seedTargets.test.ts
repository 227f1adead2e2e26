import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configSchema } from '../../src/config/schema.js';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { seedTargets } from '../../src/dev/seedTargets.js';
import { call, iamLogin } from './huaweiSimHelpers.js';

/** `rotor sim --seed` and the demo seed accounts this way: who may read the account password policy. */
describe('seeding an IAM target with a reconcile admin', () => {
  let sim: HuaweiSimulator;
  const stored = new Map<string, Record<string, string>>();
  beforeAll(async () => {
    sim = await startHuaweiSimulator();
    const config = configSchema.parse({
      vault: { address: 'http://127.0.0.1:8200', auth: { method: 'token', token: 'unused' } },
      credentials: { 'iam-admin': { secretPath: 'ops/iam-admin' } },
      targets: [
        {
          id: 'iam-alice',
          kind: 'huawei-iam-user',
          endpoint: sim.url,
          userId: 'u-alice',
          userName: 'alice',
          domainName: 'seedco',
          secretPath: 'huawei/iam/alice',
          adminCredential: 'iam-admin',
        },
      ],
    });
    await seedTargets(sim, config, async (path, data) => void stored.set(path, data));
  });
  afterAll(() => sim.close());

  const readPolicy = async (userName: string, password: string) => {
    const login = await iamLogin(sim.url, userName, password, 'seedco');
    expect(login.status).toBe(201);
    const domainId = (login.body.token as { user: { domain: { id: string } } }).user.domain.id;
    return call(sim.url, 'GET', `/v3.0/OS-SECURITYPOLICY/domains/${domainId}/password-policy`, undefined, {
      'X-Auth-Token': login.headers.get('x-subject-token')!,
    });
  };

  it('gives the reconcile admin the password-policy permission', async () => {
    const admin = stored.get('ops/iam-admin')!;
    expect(admin.domainName).toBe('seedco');
    const r = await readPolicy(admin.userName!, admin.password!);
    expect(r.status).toBe(200);
    expect(r.body).toHaveProperty('password_policy');
  });

  it('leaves the rotated user without it: 403 IAM.0002', async () => {
    const r = await readPolicy('alice', stored.get('huawei/iam/alice')!.password!);
    expect([r.status, r.body.error_code]).toEqual([403, 'IAM.0002']);
  });
});
