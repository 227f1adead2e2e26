import { Misconfigured } from '../errors/index.js';
import type { AccountPasswordPolicy, ConnectorPasswordRules } from './connectorRules.js';
import { effectivePolicy } from './effectivePolicy.js';
import { generatePassword } from './generator.js';
import type { PolicyConfigInput } from './schema.js';
import type { PasswordContext } from './types.js';

/** Most passwords one call prints: enough for any trial, small enough not to flood a terminal. */
export const MAX_GENERATE_COUNT = 10_000;

export interface GenerateForPolicyOptions {
  policies: Record<string, PolicyConfigInput>;
  policyName: string;
  /** With `--target`: that target's kind and its connector's rules, which apply too. */
  targetKind?: string;
  targetRules?: ConnectorPasswordRules;
  /** With `--target`: its names, e-mail and mobile, so the generated passwords avoid them. */
  targetContext?: PasswordContext;
  accountPolicy?: AccountPasswordPolicy;
  /** @defaultValue 1 */
  count?: number;
}

/**
 * What `rotor policy generate <policy> [--target ID] [--count N]` prints, one password per entry.
 * Throws `Misconfigured` for an unknown policy or a bad count, `PolicyConflictError` for a policy the
 * target cannot accept. The caller warns on stderr that the output is secret.
 */
export function generateForPolicy(options: GenerateForPolicyOptions): string[] {
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_GENERATE_COUNT) {
    throw new Misconfigured(`--count must be a whole number from 1 to ${MAX_GENERATE_COUNT}`);
  }
  if (!Object.hasOwn(options.policies, options.policyName)) {
    const known = Object.keys(options.policies).join(', ') || 'none';
    throw new Misconfigured(`policy ${options.policyName} is not defined under policies (defined: ${known})`);
  }
  const policy = effectivePolicy({
    policyName: options.policyName,
    ...(options.policies[options.policyName] === undefined ? {} : { configured: options.policies[options.policyName] }),
    ...(options.targetKind === undefined ? {} : { kind: options.targetKind }),
    ...(options.targetRules === undefined ? {} : { rules: options.targetRules }),
    ...(options.accountPolicy === undefined ? {} : { accountPolicy: options.accountPolicy }),
  });
  return Array.from({ length: count }, () => generatePassword(policy, options.targetContext));
}
