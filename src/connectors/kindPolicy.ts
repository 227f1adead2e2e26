import * as policy from '../policy/index.js';
import { connectors, descriptorOf, type ConnectorRegistry } from './registry.js';
import { resolvedFor } from './types.js';

/**
 * The policy functions, told a target's kind instead of its rules: the registry supplies each kind's
 * hard password rules, so `policy/` stays below the connectors and never names a kind.
 */
const rulesFrom = (registry: ConnectorRegistry) => (kind: string, target?: unknown) => {
  const descriptor = descriptorOf(registry, kind);
  return descriptor && (target === undefined ? descriptor.rules : resolvedFor(descriptor, target).rules);
};

export function effectivePolicy(
  input: policy.EffectivePolicyInput,
  registry: ConnectorRegistry = connectors,
): policy.EffectivePolicy {
  const rules = input.rules ?? (input.kind === undefined ? undefined : rulesFrom(registry)(input.kind));
  return policy.effectivePolicy({ ...input, ...(rules === undefined ? {} : { rules }) });
}

export function checkPolicyConfig(
  config: policy.PolicyConfigView,
  registry: ConnectorRegistry = connectors,
): policy.PolicyConfigReport {
  return policy.checkPolicyConfig(config, rulesFrom(registry));
}

export function generateForPolicy(
  options: policy.GenerateForPolicyOptions,
  registry: ConnectorRegistry = connectors,
): string[] {
  const rules =
    options.targetRules ?? (options.targetKind === undefined ? undefined : rulesFrom(registry)(options.targetKind));
  return policy.generateForPolicy({ ...options, ...(rules === undefined ? {} : { targetRules: rules }) });
}

/** One target's hard password rules: its kind's, or its own where the kind lets a target describe them (http). */
export function rulesOfTarget(
  target: { kind: string },
  registry: ConnectorRegistry = connectors,
): policy.ConnectorPasswordRules | undefined {
  return rulesFrom(registry)(target.kind, target);
}
