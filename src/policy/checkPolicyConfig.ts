import { isRotorError } from '../errors/index.js';
import { effectivePolicy } from './effectivePolicy.js';
import type { EffectivePolicyInput } from './effectivePolicy.js';
import type { ConnectorPasswordRules } from './connectorRules.js';
import { PolicyConflictError } from './errors.js';
import type { PolicyConfigInput } from './schema.js';
import { describePolicyWarnings } from './warnings.js';

/** The parts of a config that policies depend on; a parsed rotor config fits it as is. */
export interface PolicyConfigView {
  policies?: Record<string, PolicyConfigInput>;
  targets?: ReadonlyArray<{ id: string; kind: string; policy?: string }>;
}

export interface PolicyConfigReport {
  /** Each makes the config invalid: `rotor config validate` exits 2. */
  conflicts: string[];
  /** Worth a look, not fatal (entropy under 80 bits). */
  warnings: string[];
}

/**
 * Checks every policy on its own and with each target that uses it (a target without `policy:` gets its
 * connector's rules alone). The account policy of IAM targets is only known at run time, so it is checked
 * then, by `effectivePolicy` in the rotation's prepare step.
 */
export function checkPolicyConfig(
  config: PolicyConfigView,
  /**
   * A kind's hard password rules (the connector registry's), or a target's own where its kind lets it
   * describe them; undefined for a kind it does not know.
   */
  rulesOf: (kind: string, target?: unknown) => ConnectorPasswordRules | undefined,
): PolicyConfigReport {
  const policies = config.policies ?? {};
  const conflicts: string[] = [];
  const warnings: string[] = [];
  const check = (prefix: string, input: EffectivePolicyInput) => {
    try {
      warnings.push(...describePolicyWarnings(effectivePolicy(input)).map((w) => prefix + w));
    } catch (err) {
      if (err instanceof PolicyConflictError) conflicts.push(...err.conflicts.map((c) => prefix + c));
      else if (isRotorError(err, 'Misconfigured')) conflicts.push(prefix + err.message);
      else throw err;
    }
  };

  for (const [policyName, configured] of Object.entries(policies)) check('', { policyName, configured });
  for (const target of config.targets ?? []) {
    const prefix = `target ${target.id}: `;
    if (target.policy !== undefined && !Object.hasOwn(policies, target.policy)) {
      conflicts.push(`${prefix}policy ${target.policy} is not defined under policies`);
      continue;
    }
    const configured = target.policy === undefined ? undefined : policies[target.policy];
    check(prefix, {
      ...(target.policy === undefined ? {} : { policyName: target.policy }),
      ...(configured === undefined ? {} : { configured }),
      kind: target.kind,
      rules: rulesOf(target.kind, target),
    });
  }
  return { conflicts: dedupe(conflicts), warnings: dedupe(warnings) };
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}
