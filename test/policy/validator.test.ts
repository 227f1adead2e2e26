import { describe, expect, it } from '@jest/globals';
import { newCharacterCount, validatePassword } from '../../src/policy/index.js';
import { effectivePolicy } from '../../src/connectors/kindPolicy.js';

const policy = effectivePolicy({
  policyName: 'v',
  configured: {
    minLength: 10,
    maxLength: 16,
    lower: 2,
    upper: 1,
    digits: 1,
    special: 1,
    specialChars: '!@#',
    exclude: 'O0',
    minClasses: 4,
    maxRun: 2,
    minDiffFromOld: 3,
    historyCount: 2,
  },
});

const rulesOf = (password: string, ctx = {}) => validatePassword(password, policy, ctx).map((v) => v.rule);

describe('validatePassword', () => {
  it('accepts a password that meets every rule', () => {
    expect(rulesOf('abCd3!efgh', { oldPassword: 'zzzzzzzzzz', history: ['x'], names: ['bob'] })).toEqual([]);
  });

  it('names every broken rule at once', () => {
    const ctx = { oldPassword: 'bbbbbob', names: ['bob'], history: ['bbbbbob'] };
    expect(rulesOf('bbbbbob', ctx)).toEqual([
      'length',
      'upper',
      'digits',
      'special',
      'minClasses',
      'maxRun',
      'mustNotContainNames',
      'minDiffFromOld',
      'historyCount',
    ]);
  });

  it('counts characters outside the alphabet, excluded ones included, as an alphabet violation', () => {
    expect(rulesOf('abCd3!efgO')).toEqual(['alphabet']);
    expect(rulesOf('abCd3!efg$')).toEqual(['alphabet']);
    expect(rulesOf('abCd3!efg\u00e9')).toEqual(['alphabet']);
  });

  it('finds names and reversed names whatever their case', () => {
    expect(rulesOf('abCd3!ALICE', { names: ['alice'] })).toEqual(['mustNotContainNames']);
    expect(rulesOf('abCd3!ecIlA', { names: ['Alice'] })).toEqual(['mustNotContainNames']);
    expect(rulesOf('abCd3!alic', { names: ['alice', ' ', ''] })).toEqual([]);
  });

  it('compares only the last historyCount passwords', () => {
    expect(rulesOf('abCd3!efgh', { history: ['x', 'abCd3!efgh'] })).toEqual(['historyCount']);
    expect(rulesOf('abCd3!efgh', { history: ['x', 'y', 'abCd3!efgh'] })).toEqual([]);
  });

  it('skips the rules relative to the context when the context does not give their input', () => {
    expect(rulesOf('abCd3!efgh')).toEqual([]);
  });

  it('never puts the password or a name in a message', () => {
    const password = 'Xalice3!3!3!3!3!3!3!';
    const violations = validatePassword(password, policy, {
      names: ['alice'],
      oldPassword: password,
      history: [password],
    });
    expect(violations.length).toBeGreaterThan(3);
    for (const v of violations) {
      expect(v.message).not.toContain(password);
      expect(v.message).not.toContain('alice');
    }
  });

  it('treats a mobile number the same with or without its country code and separators', () => {
    const iam = effectivePolicy({ kind: 'huawei-iam-user' });
    for (const mobile of ['+86 138-0013-8000', '0086-13800138000', '13800138000']) {
      expect(validatePassword('Pw13800138000x', iam, { mobile }).map((v) => v.rule)).toEqual(['mustNotContainContact']);
    }
  });
});

describe('newCharacterCount', () => {
  it.each([
    ['abcd', 'abcd', 0],
    ['dcba', 'abcd', 0],
    ['abce', 'abcd', 1],
    ['aabb', 'ab', 2],
    ['abcdef', 'abc', 3],
    ['abc', 'abcdef', 0],
    ['ABCD', 'abcd', 4],
  ])('counts %j against old %j as %i new characters', (next, old, expected) => {
    expect(newCharacterCount(next, old)).toBe(expected);
  });
});
