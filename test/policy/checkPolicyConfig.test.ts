import { describe, expect, it } from '@jest/globals';
import { policySchema, PolicyConflictError, validatePassword } from '../../src/policy/index.js';
import { checkPolicyConfig, generateForPolicy, effectivePolicy } from '../../src/connectors/kindPolicy.js';

const policies = {
  strong: { length: 24, lower: 2, upper: 2, digits: 2, special: 2, specialChars: '!@#$%^&*-_=+', exclude: 'lIO0' },
  long: { length: 40 },
  short: { length: 10 },
};

describe('checkPolicyConfig', () => {
  it('finds nothing wrong with the architecture example, as the config loader parses it', () => {
    expect(
      checkPolicyConfig({
        policies: { strong: policySchema.parse(policies.strong) },
        targets: [
          { id: 'iam-alice', kind: 'huawei-iam-user', policy: 'strong' },
          { id: 'meeting-bob', kind: 'huawei-meeting-user' },
          { id: 'cbh-prod', kind: 'huawei-cbh-admin' },
        ],
      }),
    ).toEqual({ conflicts: [], warnings: [] });
  });

  it('reports each target whose connector cannot take its policy, and each undefined policy', () => {
    const report = checkPolicyConfig({
      policies,
      targets: [
        { id: 'meeting-bob', kind: 'huawei-meeting-user', policy: 'long' },
        { id: 'free', policy: 'long', kind: 'huawei-cbh-admin' },
        { id: 'ghost', kind: 'huawei-iam-user', policy: 'missing' },
      ],
    });
    expect(report.conflicts).toEqual([
      'target meeting-bob: policy long: length 40 exceeds huawei-meeting-user maximum 32',
      'target free: policy long: length 40 exceeds huawei-cbh-admin maximum 32',
      'target ghost: policy missing is not defined under policies',
    ]);
  });

  it('reports a policy that conflicts with itself even when no target uses it', () => {
    const report = checkPolicyConfig({ policies: { x: { length: 24, lower: 10, upper: 10, digits: 5, special: 5 } } });
    expect(report.conflicts).toEqual(['policy x: lower+upper+digits+special = 30 exceeds length 24']);
  });

  it('warns about weak policies, alone and per target', () => {
    const report = checkPolicyConfig({
      policies,
      targets: [{ id: 'iam-carol', kind: 'huawei-iam-user', policy: 'short' }],
    });
    expect(report.conflicts).toEqual([]);
    expect(report.warnings).toHaveLength(2);
    expect(report.warnings[0]).toMatch(/^policy short: entropy \d+ bits \(lower bound\) is below 80/);
    expect(report.warnings[1]).toMatch(/^target iam-carol: policy short \(huawei-iam-user\): entropy \d+ bits/);
  });
});

describe('generateForPolicy', () => {
  it('returns count passwords that meet the policy and the target kind', () => {
    const passwords = generateForPolicy({ policies, policyName: 'strong', targetKind: 'huawei-cbh-admin', count: 5 });
    const policy = effectivePolicy({ policyName: 'strong', configured: policies.strong, kind: 'huawei-cbh-admin' });
    expect(passwords).toHaveLength(5);
    for (const p of passwords) expect(validatePassword(p, policy)).toEqual([]);
  });

  it('avoids the target names it is given', () => {
    const names = ['abc'];
    const tight = {
      abc: {
        length: 30,
        lower: 0,
        upper: 0,
        digits: 0,
        special: 0,
        specialChars: '',
        exclude: 'defghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
      },
    };
    for (const p of generateForPolicy({ policies: tight, policyName: 'abc', targetContext: { names }, count: 50 })) {
      expect(p).not.toMatch(/abc|cba/i);
    }
  });

  it('generates one password by default', () => {
    expect(generateForPolicy({ policies, policyName: 'strong' })).toHaveLength(1);
  });

  it('refuses an undefined policy by listing the defined ones', () => {
    expect(() => generateForPolicy({ policies, policyName: 'nope' })).toThrow(
      'policy nope is not defined under policies (defined: strong, long, short)',
    );
  });

  it.each([0, -1, 1.5, 10_001])('refuses a count of %p', (count) => {
    expect(() => generateForPolicy({ policies, policyName: 'strong', count })).toThrow(
      '--count must be a whole number',
    );
  });

  it("refuses a policy the target's rules cannot meet", () => {
    expect(() => generateForPolicy({ policies, policyName: 'long', targetKind: 'huawei-meeting-user' })).toThrow(
      PolicyConflictError,
    );
  });
});
