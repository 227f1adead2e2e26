import type { TargetConfig } from '../config/schema.js';
import {
  effectivePolicy,
  generatePassword,
  PolicyConflictError,
  strictestAccountPolicy,
  validatePassword,
  type AccountPasswordPolicy,
  type ConnectorPasswordRules,
  type PasswordContext,
  type PolicyConfig,
} from '../policy/index.js';
import { PolicyRejected } from '../errors/index.js';

export interface PasswordRequest {
  oldPassword: string;
  /** The account password policy (IAM): read from the target, or declared; undefined when unknown. */
  accountPolicy?: AccountPasswordPolicy;
  /** The target refused a password for its rules: draw the next with the strictest rules it allows. */
  strictest?: boolean;
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
  /** The target's account has a policy of its own (IAM): when it is unknown, assume the strictest. */
  accountRules: boolean,
  /** From the target's connector: its hard rules and what its password must not contain. */
  connector: { rules: ConnectorPasswordRules; context: PasswordContext },
): PasswordMaker {
  const { rules, context } = connector;
  const policyFor = (account: AccountPasswordPolicy | undefined) =>
    effectivePolicy({ policyName, configured, kind: target.kind, rules, accountPolicy: account });
  return async ({ oldPassword, accountPolicy, readHistory, strictest }) => {
    let policy = policyFor(accountPolicy);
    if (accountRules && (accountPolicy === undefined || strictest)) {
      // Unknown rules, or rules the target just refused: draw with the strictest rules its API allows,
      // unless the configured policy cannot meet them (then the known rules are all there is).
      try {
        policy = policyFor(strictestAccountPolicy(accountPolicy));
      } catch (err) {
        if (!(err instanceof PolicyConflictError)) throw err;
      }
    }
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
