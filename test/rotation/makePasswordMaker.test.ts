import { describe, expect, it } from '@jest/globals';
import { iamUserConnector } from '../../src/connectors/huawei-iam-user/index.js';
import { iamUserTargetSchema } from '../../src/connectors/huawei-iam-user/schema.js';
import { policySchema } from '../../src/policy/index.js';
import { makePasswordMaker } from '../../src/rotation/makePasswordMaker.js';

/** A policy that asks only for letters and digits: what the account adds must show up in the passwords. */
const relaxed = policySchema.parse({ length: 12, lower: 1, upper: 0, digits: 1, special: 0 });
const target = iamUserTargetSchema.parse({
  id: 'iam-x',
  kind: 'huawei-iam-user',
  endpoint: 'https://iam.example.test',
  userId: 'u1',
  userName: 'xavier',
  domainName: 'acme',
  secretPath: 'p/x',
});
const iam = { rules: iamUserConnector.rules, context: iamUserConnector.passwordContext(target) };
const draw = (maker: ReturnType<typeof makePasswordMaker>, args: { known?: boolean; strictest?: boolean }) =>
  maker({
    oldPassword: 'Old-Passw0rd!x',
    accountPolicy: args.known ? { password_char_combination: 2 } : undefined,
    strictest: args.strictest,
    readHistory: async () => [],
  });
const classes = (p: string) => [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(p)).length;

describe('password maker and the account policy', () => {
  it('draws with all four classes and no triple run when the account policy is unknown', async () => {
    const maker = makePasswordMaker(target, relaxed, 'relaxed', true, iam);
    for (let i = 0; i < 300; i++) {
      const p = await draw(maker, {});
      expect(classes(p)).toBe(4);
      expect(p).not.toMatch(/(.)\1\1/);
    }
  });

  it('keeps to the known account policy, and tightens only for the draw after a refusal', async () => {
    const maker = makePasswordMaker(target, relaxed, 'relaxed', true, iam);
    const known = await Promise.all(Array.from({ length: 300 }, () => draw(maker, { known: true })));
    expect(known.some((p) => classes(p) < 4)).toBe(true);
    for (let i = 0; i < 300; i++) expect(classes(await draw(maker, { known: true, strictest: true }))).toBe(4);
  });

  it('assumes nothing for kinds whose accounts carry no policy of their own', async () => {
    const maker = makePasswordMaker(target, relaxed, 'relaxed', false, iam);
    const drawn = await Promise.all(Array.from({ length: 300 }, () => draw(maker, {})));
    expect(drawn.some((p) => classes(p) < 4)).toBe(true);
  });
});
