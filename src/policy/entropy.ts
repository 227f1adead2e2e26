import type { EffectivePolicy } from './types.js';

/**
 * A lower bound, in bits, on the min-entropy of one generated password (min-entropy ≤ Shannon entropy,
 * so it bounds both):
 *
 *   H ≥ Σ_c r_c·log2(n_c) + (L − R)·log2(N) + log2(1 − ε)
 *
 * r_c required characters of class c drawn from its n_c characters, L − R free characters drawn from the
 * N characters of the whole alphabet, R = Σ r_c. Why it holds: for any output w and any shuffle, the draws
 * must be one particular sequence, whose probability is at most Π n_c^−r_c · N^−(L−R); averaging over
 * shuffles keeps that bound, and the shuffle's own randomness is not counted. Rejecting passwords that
 * break maxRun raises any password's probability by at most 1/(1 − ε), ε = `maxRunFailureBound`.
 * Rules relative to the context (names, old password, history) are not in it: they depend on the target.
 */
export function policyEntropyBits(policy: Pick<EffectivePolicy, 'classes' | 'alphabet' | 'length' | 'maxRun'>): number {
  let bits = 0;
  let required = 0;
  for (const cls of policy.classes) {
    if (cls.required === 0) continue;
    bits += cls.required * Math.log2(cls.chars.length);
    required += cls.required;
  }
  bits += (policy.length - required) * Math.log2(policy.alphabet.length);
  const failure = maxRunFailureBound(policy);
  return failure >= 1 ? 0 : bits + Math.log2(1 - failure);
}

/**
 * An upper bound on the chance that a generated password holds a run longer than maxRun.
 * A run of k + 1 starting at one position needs the k characters after it to equal the first; with
 * independent draws, each from a set of n_j characters, that chance is at most Π 1/n_j over those k draws.
 * The shuffle puts a uniformly random k-subset of the L draws there, and by Maclaurin's inequality the mean
 * of such products is at most q̄^k, q̄ being the mean of 1/n_j over all draws. A union over the L − k
 * starting positions gives ε ≤ (L − k)·q̄^k.
 */
export function maxRunFailureBound(
  policy: Pick<EffectivePolicy, 'classes' | 'alphabet' | 'length' | 'maxRun'>,
): number {
  const k = policy.maxRun;
  const length = policy.length;
  if (k === undefined || k >= length) return 0;
  let sum = 0;
  let required = 0;
  for (const cls of policy.classes) {
    if (cls.required === 0) continue;
    sum += cls.required / cls.chars.length;
    required += cls.required;
  }
  sum += (length - required) / policy.alphabet.length;
  const meanInverse = sum / length;
  return Math.min(1, (length - k) * meanInverse ** k);
}
