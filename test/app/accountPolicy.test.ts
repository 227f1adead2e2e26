import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import { rotateTarget } from '../../src/rotation/rotateTarget.js';
import { captureLogs } from '../helpers/logCapture.js';
import { makeRotorFixture, type RotorFixture } from '../helpers/rotorFixture.js';

/** The IAM account password policy: read once per account, declared when IAM will not tell, else assumed strict. */
const { logger, lines } = captureLogs('info');
let fx: RotorFixture;
let rotor: Rotor;

beforeAll(async () => {
  fx = await makeRotorFixture({ iamUsers: 3, logger });
  rotor = await makeRotor(fx.config, logger);
});
afterAll(async () => {
  await rotor.close();
  await fx.close();
});

const policyWarnings = () => lines.filter((l) => l.includes('does not let rotor read its account password policy'));

describe('account password policy', () => {
  it('is unknown to users without permission: warned once per account, and passwords follow the strictest rules', async () => {
    for (const u of fx.users.slice(0, 2)) {
      const deps = rotor.rotationDeps(rotor.target(u.id)!);
      await deps.connector.authenticate(u.password);
      expect(await deps.accountPolicy()).toBeUndefined();
      await rotateTarget(deps, { actor: 'test', jobId: `j-${u.id}`, attempt: 1 });
      const stored = await rotor.store.readSecret(`huawei/iam/${u.id}`);
      const password = String(stored?.password);
      // All four classes and no character three times in a row: the strictest content rules IAM allows.
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^a-zA-Z0-9]/);
      expect(password).not.toMatch(/(.)\1\1/);
      expect(password).toBe(fx.sim.iam.livePassword(u.userId));
    }
    // Both users are in account acme on one endpoint: one warning, one policy read each TTL.
    expect(policyWarnings()).toHaveLength(1);
    expect(fx.sim.requests('iam.passwordPolicy')).toHaveLength(1);
  });

  it('is read from IAM once the user may read it', async () => {
    const [, , third] = fx.users;
    fx.sim.iam.grant(third!.userId, 'iam:securitypolicies:getPasswordPolicy');
    // A fresh rotor: the process-wide cache is keyed by endpoint and account, so clear it by time.
    const fresh = await makeRotor({ ...fx.config, rotation: { ...fx.config.rotation, accountPolicyTtlMs: 0 } }, logger);
    try {
      const deps = fresh.rotationDeps(fresh.target(third!.id)!);
      await deps.connector.authenticate(third!.password);
      expect(await deps.accountPolicy()).toMatchObject({ maximum_password_length: 32 });
    } finally {
      await fresh.close();
    }
  });
});
