import { passwordContextOf } from '../config/passwordContext.js';
import type { TargetConfig } from '../config/schema.js';
import { effectivePolicy, generatePassword, validatePassword, type PolicyConfig } from '../policy/index.js';
import { PolicyRejected } from './errors.js';
import type { PasswordMaker } from './rotateTarget.js';

/**
 * Binds a target to its effective policy: the generator draws, and the validator checks the result
 * again before it can reach the change call (a rejection on the target costs a round trip, or worse).
 */
export function makePasswordMaker(
  target: TargetConfig,
  configured: PolicyConfig | undefined,
  policyName: string | undefined,
): { makePassword: PasswordMaker; historyCount: number } {
  const policy = effectivePolicy({ policyName, configured, kind: target.kind });
  const context = passwordContextOf(target);
  return {
    historyCount: policy.historyCount ?? 0,
    makePassword({ oldPassword, history }) {
      const ctx = { ...context, oldPassword, history };
      const password = generatePassword(policy, ctx);
      const violations = validatePassword(password, policy, ctx);
      if (violations.length > 0) {
        throw new PolicyRejected(
          `target ${target.id}: generated password breaks ${violations.map((v) => v.rule).join(', ')}`,
        );
      }
      return password;
    },
  };
}
