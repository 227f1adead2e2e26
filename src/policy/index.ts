export { policySchema, DEFAULT_LENGTH, MAX_POLICY_LENGTH } from './schema.js';
export type { PolicyConfig, PolicyConfigInput } from './schema.js';
export {
  connectorRules,
  accountPasswordPolicySchema,
  MEETING_SPECIAL_CHARS,
  CBH_SPECIAL_CHARS,
} from './connectorRules.js';
export type { ConnectorPasswordRules, AccountPasswordPolicy } from './connectorRules.js';
export { effectivePolicy } from './effectivePolicy.js';
export { strictestAccountPolicy } from './strictestAccountPolicy.js';
export type { EffectivePolicyInput } from './effectivePolicy.js';
export { PolicyConflictError, PolicyUnsatisfiable } from './errors.js';
export { generatePassword, MAX_ATTEMPTS } from './generator.js';
export { validatePassword, newCharacterCount } from './validator.js';
export { policyEntropyBits, maxRunFailureBound } from './entropy.js';
export { describePolicyWarnings, MIN_ENTROPY_BITS } from './warnings.js';
export { checkPolicyConfig } from './checkPolicyConfig.js';
export type { PolicyConfigView, PolicyConfigReport } from './checkPolicyConfig.js';
export { generateForPolicy, MAX_GENERATE_COUNT } from './generateForPolicy.js';
export type { GenerateForPolicyOptions } from './generateForPolicy.js';
export { classNames, ASCII_PUNCTUATION } from './charsets.js';
export type { ClassName } from './charsets.js';
export type { CharClass, EffectivePolicy, PasswordContext, PolicyRule, PolicyViolation } from './types.js';
