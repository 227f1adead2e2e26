import { describe, expect, it } from '@jest/globals';
import { policySchema } from '../../src/policy/index.js';

describe('policySchema', () => {
  it('parses the policy of the architecture example', () => {
    const parsed = policySchema.parse({
      length: 24,
      lower: 2,
      upper: 2,
      digits: 2,
      special: 2,
      specialChars: '!@#$%^&*-_=+',
      exclude: 'lIO0',
    });
    expect(parsed).toMatchObject({ length: 24, lower: 2, special: 2, minClasses: 0, mustNotContainNames: true });
  });

  it('fills defaults for an empty policy: one of each class, names refused, no length fixed', () => {
    expect(policySchema.parse({})).toEqual({
      lower: 1,
      upper: 1,
      digits: 1,
      special: 1,
      exclude: '',
      minClasses: 0,
      minDiffFromOld: 0,
      historyCount: 0,
      mustNotContainNames: true,
    });
  });

  it.each([
    ['a fixed length together with a range', { length: 24, maxLength: 30 }, 'use either length'],
    ['an unknown field', { lenght: 24 }, 'lenght'],
    ['a letter among the special characters', { specialChars: '!a' }, 'ASCII punctuation'],
    ['space among the special characters', { specialChars: '! ' }, 'ASCII punctuation'],
    ['a fractional count', { digits: 1.5 }, 'digits'],
    ['more than four classes', { minClasses: 5 }, 'minClasses'],
    ['a zero run limit', { maxRun: 0 }, 'maxRun'],
  ])('refuses %s', (_case, input, mentions) => {
    const result = policySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(mentions);
  });
});
