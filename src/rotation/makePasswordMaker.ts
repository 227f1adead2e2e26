import type { TargetConfig } from '../config/schema.js';
import { effectivePolicy, generatePassword, validatePassword, type PolicyConfig } from '../policy/index.js';
import { PolicyRejected } from './errors.js';
import type { PasswordMaker } from './rotateTarget.js';

/** Names the target's rules forbid inside a password (user name, account), per kind. */
function namesOf(target: TargetConfig): { names: string[]; email?: string; mobile?: string } {
  switch (target.kind) {
    case 'huawei-iam-user':
      return { names: [target.userName], email: target.email, mobile: target.mobile };
    case 'huawei-meeting-user':
      return { names: [target.account, target.account.split('@')[0] ?? target.account] };
    case 'huawei-cbh-admin':
      return { names: ['admin'] };
  }
}

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
  const context = namesOf(target);
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
