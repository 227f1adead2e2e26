import type { ConnectorPasswordRules } from '../../policy/connectorRules.js';

/**
 * CBH says only "letters, digits and special characters" without listing them. We use the set Huawei
 * documents for ECS instance passwords, a conservative subset of ASCII punctuation that avoids quotes,
 * backslash and shell metacharacters; narrow it further with `specialChars` if an instance refuses one.
 */
export const CBH_SPECIAL_CHARS = '!@$%^-_=+[{}]:,./?';

/** The rules CBH's API enforces, in the stricter reading where its pages disagree. */
export const cbhPasswordRules: ConnectorPasswordRules = {
  minLength: 8,
  defaultMinLength: 8,
  maxLength: 32,
  // The Chinese page lists "uppercase, lowercase, digits and special characters": we require all four.
  minClasses: 4,
  specialChars: CBH_SPECIAL_CHARS,
  minDiffFromOld: 0,
  historyCount: 0,
  mustNotContainNames: false,
  mustNotContainContact: false,
};
