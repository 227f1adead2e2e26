import type { ConnectorPasswordRules } from '../../policy/connectorRules.js';

/** Meeting's documented special set, in the order its page lists it. Space is not in it. */
export const MEETING_SPECIAL_CHARS = '`~!@#$%^&*()-_=+\\|[{}];:",\'<.>/?';

/**
 * The rules Meeting's API enforces. Where Huawei's documents disagree or are silent, the stricter
 * reading (a password the target would accept but we refuse costs nothing, the reverse a rotation).
 */
export const meetingPasswordRules: ConnectorPasswordRules = {
  minLength: 8,
  defaultMinLength: 8,
  maxLength: 32,
  minClasses: 2,
  specialChars: MEETING_SPECIAL_CHARS,
  // "No 3 or more identical characters in a row".
  maxRun: 2,
  minDiffFromOld: 2,
  // "Cannot equal a recently used password" without a number: 10 covers IAM's largest setting and
  // Vault KV v2's default max_versions, i.e. every password rotor can know about.
  historyCount: 10,
  // The English page says "be", the Chinese one "contain": we take "contain".
  mustNotContainNames: true,
  mustNotContainContact: false,
};
