import { randomInt } from 'node:crypto';
import { PolicyUnsatisfiable } from './errors.js';
import type { EffectivePolicy, PasswordContext } from './types.js';
import { validatePassword } from './validator.js';

export type { PasswordContext } from './types.js';

/**
 * How many candidates to draw before giving up. `effectivePolicy` refuses policies where maxRun alone
 * would reject more than half of them, so a policy without context fails here with chance < 2^-1000;
 * only a context that rules out most passwords (a name made of the whole alphabet, say) gets this far.
 */
export const MAX_ATTEMPTS = 1000;

/**
 * A password for `policy`: the required characters of each class first, the rest drawn from the whole
 * alphabet, then a Fisher–Yates shuffle, every draw from `crypto.randomInt` (uniform, no modulo bias).
 * Candidates breaking a rule the construction does not guarantee (maxRun, and the rules relative to the
 * context) are discarded and drawn again: rejection keeps the others' distribution untouched, where
 * repairing a candidate would bias it. Throws `PolicyUnsatisfiable` after MAX_ATTEMPTS candidates.
 */
export function generatePassword(policy: EffectivePolicy, ctx: PasswordContext = {}): string {
  const failures = new Map<string, number>();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const candidate = drawCandidate(policy);
    const violations = validatePassword(candidate, policy, ctx);
    if (violations.length === 0) return candidate;
    for (const v of violations) failures.set(v.rule, (failures.get(v.rule) ?? 0) + 1);
  }
  const rules = [...failures.keys()];
  throw new PolicyUnsatisfiable(
    `policy ${policy.name}: no password met ${rules.join(', ')} in ${MAX_ATTEMPTS} attempts; ` +
      'the old password, names or history given leave too few of the allowed passwords',
    rules,
  );
}

function drawCandidate(policy: EffectivePolicy): string {
  const chars: string[] = [];
  for (const cls of policy.classes) {
    for (let i = 0; i < cls.required; i += 1) chars.push(pick(cls.chars));
  }
  while (chars.length < policy.length) chars.push(pick(policy.alphabet));
  shuffle(chars);
  return chars.join('');
}

function pick(chars: string): string {
  // The alphabets are ASCII, so indexing by code unit is indexing by character.
  return chars.charAt(randomInt(chars.length));
}

/** Fisher–Yates: every permutation equally likely, given uniform `randomInt`. */
function shuffle(chars: string[]): void {
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    const tmp = chars[i] as string;
    chars[i] = chars[j] as string;
    chars[j] = tmp;
  }
}
