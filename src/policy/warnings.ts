import { policyEntropyBits } from './entropy.js';
import type { EffectivePolicy } from './types.js';

/** Below this, `rotor config validate` warns: 80 bits is the usual floor for a machine-held secret. */
export const MIN_ENTROPY_BITS = 80;

/** Warnings about a valid policy that is weaker than it should be. Never about a password. */
export function describePolicyWarnings(policy: EffectivePolicy): string[] {
  const warnings: string[] = [];
  const bits = policyEntropyBits(policy);
  if (bits < MIN_ENTROPY_BITS) {
    warnings.push(
      `policy ${policy.name}${policy.kind ? ` (${policy.kind})` : ''}: entropy ${Math.floor(bits)} bits (lower bound) is ` +
        `below ${MIN_ENTROPY_BITS}; raise the length or allow more characters`,
    );
  }
  return warnings;
}
