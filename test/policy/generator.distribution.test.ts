import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { generatePassword } from '../../src/policy/index.js';
import { effectivePolicy } from '../../src/connectors/kindPolicy.js';
import { chiSquare, chiSquareCriticalValue, chiSquarePValue, uniformChiSquare } from './chiSquare.js';

/*
 * Threshold: the suite below runs CHECKS chi-square tests. Each fails a correct generator with
 * probability ALPHA = 1e-6 / CHECKS, so by the union bound the whole suite fails a correct generator
 * less than once in a million runs. Critical values at that ALPHA (and, for reference, at p = 1e-6):
 *   df  3 (class of one position)     34.36  (30.66)
 *   df  8 (digits without 0)          46.81  (42.70)
 *   df 11 (12 specials)               53.18  (48.87)
 *   df 23 (uppercase without I, O)    75.51  (70.55)
 *   df 24 (lowercase without l)       77.24  (72.23)
 * The asymptotic chi-square law needs ≥ 5 expected per cell; the smallest cell here expects ~4,000.
 */
const CHECKS = 6;
const ALPHA = 1e-6 / CHECKS;
const PASSWORDS = 10_000;

const policy = effectivePolicy({
  policyName: 'strong',
  configured: { length: 24, lower: 2, upper: 2, digits: 2, special: 2, specialChars: '!@#$%^&*-_=+', exclude: 'lIO0' },
});
const passwords = Array.from({ length: PASSWORDS }, () => generatePassword(policy));

function expectUniform(counts: number[]) {
  const df = counts.length - 1;
  expect(uniformChiSquare(counts)).toBeLessThan(chiSquareCriticalValue(df, ALPHA));
}

describe('generator distribution', () => {
  it('the chi-square helper reproduces textbook critical values', () => {
    expect(chiSquareCriticalValue(1, 0.05)).toBeCloseTo(3.841, 3);
    expect(chiSquareCriticalValue(10, 0.001)).toBeCloseTo(29.588, 3);
    expect(chiSquareCriticalValue(24, 0.001)).toBeCloseTo(51.179, 3);
    // The far tail matters here: χ²₁ at 1e-6 is z² for z = 4.8916.
    expect(chiSquareCriticalValue(1, 1e-6)).toBeCloseTo(23.928, 2);
    expect(chiSquarePValue(100, 100)).toBeCloseTo(0.4812, 3);
  });

  it('draws more than 100,000 characters for the test', () => {
    expect(passwords.join('').length).toBeGreaterThanOrEqual(100_000);
  });

  it.each(policy.classes.map((c) => [c.name, c.chars] as const))(
    'every allowed character of class %s is equally likely',
    (_name, chars) => {
      const counts = new Map<string, number>([...chars].map((c) => [c, 0]));
      for (const password of passwords) {
        for (const c of password) if (counts.has(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      expectUniform([...counts.values()]);
    },
  );

  it.each([
    ['first', 0],
    ['last', 23],
  ])(
    'the class of the %s character follows its expected share, so required characters are not left in place',
    (_which, position) => {
      // After a uniform shuffle every position holds a uniformly chosen draw: P(class c) = E[count of c] / length.
      const free = policy.length - policy.classes.reduce((sum, c) => sum + c.required, 0);
      const probabilities = policy.classes.map(
        (c) => (c.required + (free * c.chars.length) / policy.alphabet.length) / policy.length,
      );
      const counts = policy.classes.map(() => 0);
      for (const password of passwords) {
        const index = policy.classes.findIndex((c) => c.chars.includes(password.charAt(position)));
        counts[index] = (counts[index] ?? 0) + 1;
      }
      expect(chiSquare(counts, probabilities)).toBeLessThan(chiSquareCriticalValue(policy.classes.length - 1, ALPHA));
    },
  );

  it('the same check catches the modulo bias of a byte-based sampler', () => {
    // `byte % 25` favours the first 6 letters (11/256 against 10/256): a bias a sound check must see.
    const counts: number[] = Array.from({ length: 25 }, () => 0);
    const bytes = randomBytes(300_000);
    for (const b of bytes) counts[b % 25] = (counts[b % 25] ?? 0) + 1;
    expect(uniformChiSquare(counts)).toBeGreaterThan(chiSquareCriticalValue(24, ALPHA));
  });
});
