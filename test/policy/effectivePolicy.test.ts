import { describe, expect, it } from '@jest/globals';
import { isRotorError } from '../../src/errors/index.js';
import { PolicyConflictError, type EffectivePolicyInput, type PolicyConfigInput } from '../../src/policy/index.js';
import { effectivePolicy } from '../../src/connectors/kindPolicy.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

const strong: PolicyConfigInput = {
  length: 24,
  lower: 2,
  upper: 2,
  digits: 2,
  special: 2,
  specialChars: '!@#$%^&*-_=+',
  exclude: 'lIO0',
};

function conflictsOf(input: EffectivePolicyInput): string[] {
  try {
    effectivePolicy(input);
  } catch (err) {
    if (err instanceof PolicyConflictError) return err.conflicts;
    throw err;
  }
  throw new Error('expected a PolicyConflictError');
}

describe('effectivePolicy', () => {
  describe('rejects rules that cannot hold together, naming both', () => {
    it.each<[string, EffectivePolicyInput, string]>([
      [
        'a length above the target maximum',
        { policyName: 'strong', configured: { ...strong, length: 40 }, kind: 'huawei-meeting-user' },
        'policy strong: length 40 exceeds huawei-meeting-user maximum 32',
      ],
      [
        'a length below the target minimum',
        {
          policyName: 'p',
          configured: { length: 6, lower: 1, upper: 1, digits: 1, special: 1 },
          kind: 'huawei-meeting-user',
        },
        'policy p: length 6 is below huawei-meeting-user minimum 8',
      ],
      [
        'a maximum below the IAM default minimum',
        { policyName: 'p', configured: { maxLength: 7 }, kind: 'huawei-iam-user' },
        'policy p: maxLength 7 is below huawei-iam-user default minimum 8',
      ],
      [
        'a length below the account password policy',
        {
          policyName: 'p',
          configured: { length: 10 },
          kind: 'huawei-iam-user',
          accountPolicy: { minimum_password_length: 12 },
        },
        'policy p: length 10 is below account password policy minimum_password_length 12',
      ],
      [
        'a range upside down',
        { policyName: 'p', configured: { minLength: 20, maxLength: 10 } },
        'policy p: minLength 20 exceeds maxLength 10',
      ],
      [
        'class minimums longer than the password',
        { policyName: 'x', configured: { length: 24, lower: 10, upper: 10, digits: 5, special: 5 } },
        'policy x: lower+upper+digits+special = 30 exceeds length 24',
      ],
      [
        'specials required while every special is excluded',
        { policyName: 'p', configured: { special: 1, specialChars: '!#', exclude: '!#' } },
        'policy p: special 1 but exclude removes every allowed special character',
      ],
      [
        'specials required from an empty set',
        { policyName: 'p', configured: { special: 2, specialChars: '' } },
        'policy p: special 2 but specialChars is empty',
      ],
      [
        'specials the target does not take',
        { policyName: 'p', configured: { special: 1, specialChars: '#&' }, kind: 'huawei-cbh-admin' },
        'policy p: special 1 but no character of specialChars is allowed by huawei-cbh-admin',
      ],
      [
        'digits required while every digit is excluded',
        { policyName: 'p', configured: { exclude: '0123456789' } },
        'policy p: digits 1 but exclude removes every one of the digits',
      ],
      [
        'more classes than exclude leaves',
        { policyName: 'p', configured: { digits: 0, minClasses: 4, exclude: '0123456789' } },
        'policy p: minClasses 4 needs 4 classes but exclude and specialChars leave 3',
      ],
      [
        'CBH with no special characters',
        { policyName: 'p', configured: { special: 0, specialChars: '' }, kind: 'huawei-cbh-admin' },
        'policy p: huawei-cbh-admin minimum of 4 classes needs 4 classes but exclude and specialChars leave 3',
      ],
      [
        'classes added for minClasses that no longer fit',
        {
          policyName: 'p',
          configured: { length: 8, lower: 8, upper: 0, digits: 0, special: 0 },
          kind: 'huawei-meeting-user',
        },
        'policy p: lower+upper+digits+special = 9 once minClasses 2 adds the missing classes exceeds length 8',
      ],
      [
        'a required difference longer than the password',
        { policyName: 'p', configured: { length: 8, minDiffFromOld: 9 } },
        'policy p: minDiffFromOld 9 exceeds length 8',
      ],
      [
        'a maxRun that a one-character alphabet cannot meet',
        {
          policyName: 'p',
          configured: {
            length: 8,
            lower: 0,
            upper: 0,
            special: 0,
            specialChars: '',
            maxRun: 2,
            exclude: LETTERS + '012345678',
          },
        },
        'policy p: maxRun 2 is too strict for length 8 over 1 allowed characters (fewer than half of the generated passwords could pass)',
      ],
    ])('%s', (_case, input, conflict) => {
      expect(conflictsOf(input)).toContain(conflict);
    });

    it('reports every conflict of a policy at once', () => {
      const conflicts = conflictsOf({
        policyName: 'bad',
        configured: { length: 40, special: 1, specialChars: '' },
        kind: 'huawei-meeting-user',
      });
      expect(conflicts).toEqual([
        'policy bad: length 40 exceeds huawei-meeting-user maximum 32',
        'policy bad: special 1 but specialChars is empty',
      ]);
    });

    it('throws a Misconfigured error, so a rotation stops instead of retrying', () => {
      expect(() => effectivePolicy({ configured: { length: 40 }, kind: 'huawei-meeting-user' })).toThrow(
        expect.objectContaining({ name: 'Misconfigured' }),
      );
      try {
        effectivePolicy({ configured: { length: 40 }, kind: 'huawei-meeting-user' });
      } catch (err) {
        expect(isRotorError(err, 'Misconfigured')).toBe(true);
      }
    });

    it('refuses a malformed policy with the field at fault', () => {
      expect(() => effectivePolicy({ policyName: 'p', configured: { length: 24, minLength: 8 } })).toThrow(
        'policy p: length: use either length (fixed) or minLength/maxLength (a range), not both',
      );
    });
  });

  describe('intersects the rules', () => {
    it('takes the stricter of each rule from the policy and the Meeting connector', () => {
      const p = effectivePolicy({ policyName: 'strong', configured: strong, kind: 'huawei-meeting-user' });
      expect(p).toMatchObject({
        name: 'strong',
        kind: 'huawei-meeting-user',
        length: 24,
        minLength: 24,
        maxLength: 24,
        minClasses: 2,
        maxRun: 2,
        minDiffFromOld: 2,
        historyCount: 10,
        mustNotContainNames: true,
      });
      expect(p.classes.map((c) => c.chars)).toEqual([
        'abcdefghijkmnopqrstuvwxyz',
        'ABCDEFGHJKLMNPQRSTUVWXYZ',
        '123456789',
        '!@#$%^&*-_=+',
      ]);
    });

    it('keeps only the specials both the policy and CBH allow', () => {
      const p = effectivePolicy({ configured: strong, kind: 'huawei-cbh-admin' });
      expect(p.classes[3]?.chars).toBe('!@$%^-_=+');
    });

    it('applies every content rule of the IAM account password policy', () => {
      const p = effectivePolicy({
        configured: { minLength: 8, maxLength: 64, maxRun: 4 },
        kind: 'huawei-iam-user',
        accountPolicy: {
          minimum_password_length: 10,
          maximum_password_length: 20,
          password_char_combination: 3,
          maximum_consecutive_identical_chars: 3,
          number_of_recent_passwords_disallowed: 5,
          password_not_username_or_invert: true,
          minimum_password_age: 60,
        },
      });
      expect(p).toMatchObject({ minLength: 10, maxLength: 20, length: 20, minClasses: 3, maxRun: 3, historyCount: 5 });
    });

    it('reads IAM maximum_consecutive_identical_chars 0 as no limit', () => {
      const p = effectivePolicy({ kind: 'huawei-iam-user', accountPolicy: { maximum_consecutive_identical_chars: 0 } });
      expect(p.maxRun).toBeUndefined();
    });
  });

  describe('lengths', () => {
    it.each<[string, EffectivePolicyInput, { length: number; minLength: number; maxLength: number }]>([
      [
        'no policy on Meeting: 24 within 8–32',
        { kind: 'huawei-meeting-user' },
        { length: 24, minLength: 8, maxLength: 32 },
      ],
      [
        'no policy on IAM: the newer default minimum 8',
        { kind: 'huawei-iam-user' },
        { length: 24, minLength: 8, maxLength: 32 },
      ],
      [
        'an IAM account policy minimum 6 overrides the default 8',
        { kind: 'huawei-iam-user', accountPolicy: { minimum_password_length: 6 } },
        { length: 24, minLength: 6, maxLength: 32 },
      ],
      [
        'a configured IAM minimum 6 overrides the default 8',
        { kind: 'huawei-iam-user', configured: { minLength: 6 } },
        { length: 32, minLength: 6, maxLength: 32 },
      ],
      [
        'a range is generated at its top',
        { configured: { minLength: 12, maxLength: 40 } },
        { length: 40, minLength: 12, maxLength: 40 },
      ],
      ['a policy with no length: 24', { configured: {} }, { length: 24, minLength: 1, maxLength: 256 }],
      [
        'only a minimum above 24: that minimum',
        { configured: { minLength: 30 } },
        { length: 30, minLength: 30, maxLength: 256 },
      ],
      [
        'no length but minimums summing above 24: their sum',
        { configured: { lower: 20, upper: 10 } },
        { length: 32, minLength: 1, maxLength: 256 },
      ],
    ])('%s', (_case, input, expected) => {
      expect(effectivePolicy(input)).toMatchObject(expected);
    });
  });

  it('adds one character of each missing class for the generator, not for the validator', () => {
    const p = effectivePolicy({ kind: 'huawei-meeting-user' });
    expect(p.classes.map((c) => [c.name, c.min, c.required])).toEqual([
      ['lower', 0, 1],
      ['upper', 0, 1],
      ['digits', 0, 0],
      ['special', 0, 0],
    ]);
  });
});
