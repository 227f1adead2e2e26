import type { TargetConfig } from '../config/schema.js';
import {
  effectivePolicy,
  generatePassword,
  PolicyConflictError,
  strictestAccountPolicy,
  validatePassword,
  type AccountPasswordPolicy,
  type ConnectorPasswordRules,
  type EffectivePolicy,
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

/** The effective policies of one set of inputs: as known, and with the strictest account rules (null: they conflict). */
interface Intersections {
  plain(): EffectivePolicy;
  strictest(): EffectivePolicy | null;
}

const none = {};
// rules → configured policy → policy name and kind → account policy. Targets of one kind share their
// rules and a policy's config object, and the account policy is one cached object for a while
// (app/accountPolicy.ts): the intersection is made once per combination, not per rotation. Weak keys:
// a reloaded config or a new account policy leaves the old entries to the garbage collector.
const memo = new WeakMap<object, WeakMap<object, Map<string, WeakMap<object, Intersections>>>>();

function intersections(
  rules: ConnectorPasswordRules,
  configured: PolicyConfig | undefined,
  policyName: string | undefined,
  kind: string,
  account: AccountPasswordPolicy | undefined,
): Intersections {
  let byConfigured = memo.get(rules);
  if (!byConfigured) memo.set(rules, (byConfigured = new WeakMap()));
  let byName = byConfigured.get(configured ?? none);
  if (!byName) byConfigured.set(configured ?? none, (byName = new Map()));
  const nameKey = `${policyName ?? ''}\n${kind}`;
  let byAccount = byName.get(nameKey);
  if (!byAccount) byName.set(nameKey, (byAccount = new WeakMap()));
  let found = byAccount.get(account ?? none);
  if (!found) {
    const intersect = (accountPolicy: AccountPasswordPolicy | undefined) =>
      effectivePolicy({ policyName, configured, kind, rules, accountPolicy });
    let plain: EffectivePolicy | undefined;
    let strictest: EffectivePolicy | null | undefined;
    found = {
      // A conflict is thrown each time it is asked, as before: only results are kept.
      plain: () => (plain ??= intersect(account)),
      strictest() {
        if (strictest === undefined) {
          try {
            strictest = intersect(strictestAccountPolicy(account));
          } catch (err) {
            if (!(err instanceof PolicyConflictError)) throw err;
            strictest = null;
          }
        }
        return strictest;
      },
    };
    byAccount.set(account ?? none, found);
  }
  return found;
}

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
    intersections(rules, configured, policyName, target.kind, account);
  return async ({ oldPassword, accountPolicy, readHistory, strictest }) => {
    const known = policyFor(accountPolicy);
    let policy = known.plain();
    if (accountRules && (accountPolicy === undefined || strictest)) {
      // Unknown rules, or rules the target just refused: draw with the strictest rules its API allows,
      // unless the configured policy cannot meet them (then the known rules are all there is).
      policy = known.strictest() ?? policy;
    }
    const history = policy.historyCount > 0 ? await readHistory(policy.historyCount) : [];
    const ctx = Object.assign({}, context, { oldPassword, history });
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
