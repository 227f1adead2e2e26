import { ASCII_PUNCTUATION } from '../../policy/charsets.js';
import type { ConnectorPasswordRules } from '../../policy/connectorRules.js';

/** The rules IAM's API enforces (the account password policy, read at run time, adds its own). */
export const iamPasswordRules: ConnectorPasswordRules = {
  // 6–32 per the API page; newer docs raise the default minimum to 8, so 8 applies unless the account
  // policy (read from the API) or the configured policy states a minimum.
  minLength: 6,
  defaultMinLength: 8,
  maxLength: 32,
  minClasses: 2,
  // IAM's console lists the ASCII punctuation "and space"; we leave space out (the stricter reading).
  specialChars: ASCII_PUNCTUATION,
  // "Must differ from the current password".
  minDiffFromOld: 1,
  historyCount: 0,
  mustNotContainNames: false,
  mustNotContainContact: true,
};
