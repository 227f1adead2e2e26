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
  const findings = (input: EffectivePolicyInput): Findings => {
    try {
      return { warnings: describePolicyWarnings(effectivePolicy(input)), conflicts: [] };
    } catch (err) {
      if (err instanceof PolicyConflictError) return { warnings: [], conflicts: err.conflicts };
      if (isRotorError(err, 'Misconfigured')) return { warnings: [], conflicts: [err.message] };
      throw err;
    }
  };
  const report = (prefix: string, found: Findings) => {
    warnings.push(...found.warnings.map((w) => prefix + w));
    conflicts.push(...found.conflicts.map((c) => prefix + c));
  };
  // Targets of one kind with one policy and the same rules get the same findings: worked out once
  // (a config of 100,000 targets has a handful of such pairs).
  const known = new Map<string, Map<ConnectorPasswordRules | undefined, Findings>>();
  const findingsFor = (policyName: string | undefined, kind: string, rules: ConnectorPasswordRules | undefined) => {
    const key = `${policyName ?? ''}\0${kind}`;
    const byRules = known.get(key) ?? new Map<ConnectorPasswordRules | undefined, Findings>();
    known.set(key, byRules);
    let found = byRules.get(rules);
    if (!found) {
      const configured = policyName === undefined ? undefined : policies[policyName];
      found = findings({
        ...(policyName === undefined ? {} : { policyName }),
        ...(configured === undefined ? {} : { configured }),
        kind,
        rules,
      });
      byRules.set(rules, found);
    }
    return found;
  };

  for (const [policyName, configured] of Object.entries(policies)) report('', findings({ policyName, configured }));
  for (const target of config.targets ?? []) {
    const prefix = `target ${target.id}: `;
    if (target.policy !== undefined && !Object.hasOwn(policies, target.policy)) {
      conflicts.push(`${prefix}policy ${target.policy} is not defined under policies`);
      continue;
    }
    report(prefix, findingsFor(target.policy, target.kind, rulesOf(target.kind, target)));
  }
  return { conflicts: dedupe(conflicts), warnings: dedupe(warnings) };
}

interface Findings {
  warnings: string[];
  conflicts: string[];
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}
