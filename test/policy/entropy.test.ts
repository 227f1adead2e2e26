import { describe, expect, it } from '@jest/globals';
import {
  describePolicyWarnings,
  maxRunFailureBound,
  policyEntropyBits,
  type EffectivePolicy,
  type PolicyConfigInput,
} from '../../src/policy/index.js';
import { effectivePolicy } from '../../src/connectors/kindPolicy.js';
import { longestRun } from '../../src/policy/validator.js';
import { PRINTABLE } from './arbitraries.js';

/** A policy over exactly the characters of `keep` (letters, digits and punctuation as classes allow). */
function tiny(keep: string, config: PolicyConfigInput): EffectivePolicy {
  const exclude = [...PRINTABLE].filter((c) => !keep.includes(c)).join('');
  return effectivePolicy({ configured: { lower: 0, upper: 0, digits: 0, special: 0, ...config, exclude } });
}

function* sequences(sets: string[]): Generator<string[]> {
  if (sets.length === 0) {
    yield [];
    return;
  }
  const [head, ...rest] = sets as [string, ...string[]];
  for (const c of head) for (const tail of sequences(rest)) yield [c, ...tail];
}

function* permutations(n: number): Generator<number[]> {
  if (n === 0) {
    yield [];
    return;
  }
  for (const p of permutations(n - 1))
    for (let i = 0; i <= p.length; i += 1) yield [...p.slice(0, i), n - 1, ...p.slice(i)];
}

/** The generator's exact output distribution, by enumerating every draw sequence and every shuffle. */
function exactMinEntropy(policy: EffectivePolicy): number {
  const sets = policy.classes.flatMap((c) => Array<string>(c.required).fill(c.chars));
  while (sets.length < policy.length) sets.push(policy.alphabet);
  const weights = new Map<string, number>();
  for (const draws of sequences(sets)) {
    for (const order of permutations(policy.length)) {
      const out = order.map((i) => draws[i] as string);
      if (policy.maxRun !== undefined && longestRun(out) > policy.maxRun) continue;
      const key = out.join('');
      weights.set(key, (weights.get(key) ?? 0) + 1);
    }
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  return -Math.log2(Math.max(...weights.values()) / total);
}

describe('policyEntropyBits', () => {
  it('follows the documented formula for the strong policy', () => {
    const p = effectivePolicy({
      configured: {
        length: 24,
        lower: 2,
        upper: 2,
        digits: 2,
        special: 2,
        specialChars: '!@#$%^&*-_=+',
        exclude: 'lIO0',
      },
    });
    const expected = 2 * Math.log2(25) + 2 * Math.log2(24) + 2 * Math.log2(9) + 2 * Math.log2(12) + 16 * Math.log2(70);
    expect(policyEntropyBits(p)).toBeCloseTo(expected, 9);
    expect(policyEntropyBits(p)).toBeCloseTo(130.04, 2);
  });

  it.each<[string, string, PolicyConfigInput]>([
    ['one required letter', 'ab12', { length: 3, lower: 1 }],
    ['one letter and one digit required', 'abc12', { length: 4, lower: 1, digits: 1 }],
    ['a run limit of 2', 'abc12', { length: 5, lower: 2, digits: 1, maxRun: 2 }],
    ['a run limit of 1', 'abcdefghij1234', { length: 4, lower: 1, digits: 1, maxRun: 1 }],
    ['classes of unequal size', 'abcdefg1!', { length: 4, lower: 1, digits: 1, special: 1 }],
  ])('never exceeds the exact min-entropy of the generator, with %s', (_case, keep, config) => {
    const policy = tiny(keep, config);
    expect(policyEntropyBits(policy)).toBeGreaterThan(0);
    expect(policyEntropyBits(policy)).toBeLessThanOrEqual(exactMinEntropy(policy) + 1e-9);
  });

  it('bounds the chance of a run above maxRun from above', () => {
    const policy = tiny('abcdefghij1234', { length: 4, lower: 1, digits: 1, maxRun: 1 });
    const unconstrained = { ...policy, maxRun: undefined };
    const sets = policy.classes.flatMap((c) => Array<string>(c.required).fill(c.chars));
    while (sets.length < policy.length) sets.push(policy.alphabet);
    // Exact: the share of (draws, shuffle) pairs with a run of 2, for maxRun 1.
    let bad = 0;
    let all = 0;
    for (const draws of sequences(sets)) {
      for (const order of permutations(policy.length)) {
        all += 1;
        if (longestRun(order.map((i) => draws[i] as string)) > 1) bad += 1;
      }
    }
    expect(maxRunFailureBound(policy)).toBeGreaterThanOrEqual(bad / all);
    expect(maxRunFailureBound(unconstrained)).toBe(0);
  });
});

describe('describePolicyWarnings', () => {
  it('warns when the entropy lower bound is under 80 bits', () => {
    const weak = effectivePolicy({ policyName: 'short', configured: { length: 12 }, kind: 'huawei-iam-user' });
    expect(describePolicyWarnings(weak)).toEqual([
      `policy short (huawei-iam-user): entropy ${Math.floor(policyEntropyBits(weak))} bits (lower bound) is below 80; raise the length or allow more characters`,
    ]);
  });

  it('says nothing about a 24-character, 4-class policy', () => {
    expect(describePolicyWarnings(effectivePolicy({ configured: { length: 24 } }))).toEqual([]);
  });
});
