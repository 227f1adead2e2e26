import type { AccountPasswordPolicy } from './connectorRules.js';

/**
 * The strictest content rules an IAM account password policy can impose that still leave a random
 * password satisfiable, merged over what is known: all four character classes, no character three
 * times in a row, never the user name or its reverse, at least 8 characters (IAM's newer default).
 * Used when the account policy cannot be read and none is declared, and for the one fresh password
 * after the target refused one. Recent-password history needs no rule: a fresh random password of
 * this length never repeats an old one. `minimum_password_age` is a cooldown, not a content rule: it
 * stays as known (see docs/rotation.md).
 */
export function strictestAccountPolicy(known: AccountPasswordPolicy | undefined): AccountPasswordPolicy {
  const run = known?.maximum_consecutive_identical_chars;
  return {
    ...known,
    password_char_combination: 4,
    maximum_consecutive_identical_chars: run !== undefined && run > 0 ? Math.min(run, 2) : 2,
    password_not_username_or_invert: true,
    minimum_password_length: Math.max(known?.minimum_password_length ?? 0, 8),
  };
}
