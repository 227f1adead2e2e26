import { passwordContextOf } from '../config/passwordContext.js';
import type { TargetConfig } from '../config/schema.js';
import {
  effectivePolicy,
  generatePassword,
  validatePassword,
  type AccountPasswordPolicy,
  type PolicyConfig,
} from '../policy/index.js';
import { PolicyRejected } from './errors.js';

export interface PasswordRequest {
  oldPassword: string;
  /** The IAM account password policy read from the target, when it could be read. */
  accountPolicy?: AccountPasswordPolicy;
  /** Older passwords (previous KV versions), newest first; asked only as deep as the policy needs. */
  readHistory(count: number): Promise<string[]>;
}

/** Produces a password that satisfies the target's effective policy. */
export type PasswordMaker = (request: PasswordRequest) => Promise<string>;

/**
 * Binds a target to its effective policy: the generator draws, and the validator checks the result
 * again before it can reach the change call (a rejection on the target costs a round trip, or worse).
 * The configured policy is checked at config load; the account policy joins here, at run time.
 */
export function makePasswordMaker(
  target: TargetConfig,
  configured: PolicyConfig | undefined,
  policyName: string | undefined,
): PasswordMaker {
  const context = passwordContextOf(target);
  return async ({ oldPassword, accountPolicy, readHistory }) => {
    const policy = effectivePolicy({ policyName, configured, kind: target.kind, accountPolicy });
    const history = policy.historyCount > 0 ? await readHistory(policy.historyCount) : [];
    const ctx = { ...context, oldPassword, history };
    const password = generatePassword(policy, ctx);
    const violations = validatePassword(password, policy, ctx);
    if (violations.length > 0) {
      throw new PolicyRejected(
        `target ${target.id}: generated password breaks ${violations.map((v) => v.rule).join(', ')}`,
      );
    }
    return password;
  };
}
