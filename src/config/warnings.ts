import { checkPolicyConfig } from '../policy/checkPolicyConfig.js';
import type { RotorConfig } from './schema.js';

/**
 * Things that are allowed but probably not meant. Policy-specific warnings (entropy) join here
 * from the policy engine.
 */
export function configWarnings(config: RotorConfig): string[] {
  const warnings: string[] = [];
  config.targets.forEach((t, i) => {
    if (t.insecureSkipVerify) warnings.push(`targets[${i}].insecureSkipVerify: TLS verification is OFF for ${t.id}`);
  });
  warnings.push(...checkPolicyConfig(config).warnings);
  return warnings;
}
