import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectors } from '../../src/connectors/index.js';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { captureLogger, leaks } from './logCapture.js';

describe('huawei-iam-user against the simulator', () => {
  let sim: HuaweiSimulator;
  beforeAll(async () => {
    sim = await startHuaweiSimulator();
  });
  afterAll(() => sim.close());

  it('changes the password with the old one and verifies the new one by a login', async () => {
    sim.iam.seedUser({ userId: 'u-alice', userName: 'alice', domainName: 'acme', password: 'Old-Passw0rd!' });
    const { logger, lines } = captureLogger();
    const target = connectors['huawei-iam-user'].targetSchema.parse({
      id: 'iam-alice',
      kind: 'huawei-iam-user',
      endpoint: sim.url,
      userId: 'u-alice',
      userName: 'alice',
      domainName: 'acme',
      secretPath: 'huawei/iam/alice',
    });
    const connector = connectors['huawei-iam-user'].create(target, { logger, readCredential: async () => ({}) });
    await connector.authenticate('Old-Passw0rd!');
    await connector.change({ oldPassword: 'Old-Passw0rd!', newPassword: 'New-Passw0rd#2' });
    expect(sim.livePassword('huawei-iam-user', 'u-alice')).toBe('New-Passw0rd#2');
    expect(await connector.verify('New-Passw0rd#2')).toBe(true);
    expect(sim.requests('iam.changePassword')).toHaveLength(1);
    expect(sim.requests('iam.changePassword')[0]).toMatchObject({
      status: 204,
      contentType: 'application/json;charset=utf8',
      bodyFields: ['user.password', 'user.original_password'],
    });
    expect(leaks(lines, ['Old-Passw0rd!', 'New-Passw0rd#2'])).toEqual([]);
  });
});
