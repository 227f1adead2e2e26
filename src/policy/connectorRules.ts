import { z } from 'zod';

/**
 * The rules a target's own API enforces, whatever rotor's config says; each connector's descriptor
 * holds its own (`connectors/<kind>/rules.ts`). Where Huawei's documents disagree
 * or are silent, these follow the stricter reading (see the notes on each entry): a password the target
 * would accept under the lenient reading but that we refuse costs nothing, the reverse costs a rotation.
 */
export interface ConnectorPasswordRules {
  /** Hard floor of the length. */
  minLength: number;
  /** Floor used when neither the configured policy nor the account policy states a minimum. */
  defaultMinLength: number;
  maxLength: number;
  /** Minimum number of classes (lower, upper, digits, special) present. */
  minClasses: number;
  /** The special characters the target accepts. */
  specialChars: string;
  /** Longest run of one repeated character; undefined = no limit. */
  maxRun?: number;
  /** Minimum number of new characters not found in the old password (0 = no rule). */
  minDiffFromOld: number;
  /** How many recent passwords the new one may not equal. */
  historyCount: number;
  /** The account name and its reverse may not appear (case-insensitive). */
  mustNotContainNames: boolean;
  /** The e-mail address and mobile number may not appear. */
  mustNotContainContact: boolean;
}

/**
 * IAM's account password policy, the `password_policy` object of
 * `GET /v3.0/OS-SECURITYPOLICY/domains/{domain_id}/password-policy`. Loose, so new API fields pass through;
 * every field optional, so a partial answer still applies what it does say.
 */
export const accountPasswordPolicySchema = z.looseObject({
  minimum_password_length: z.number().int().min(1).optional(),
  maximum_password_length: z.number().int().min(0).optional(),
  /** Minimum number of character classes, 2–4. */
  password_char_combination: z.number().int().min(0).max(4).optional(),
  /** Longest run of one character; 0 = no limit. */
  maximum_consecutive_identical_chars: z.number().int().min(0).optional(),
  number_of_recent_passwords_disallowed: z.number().int().min(0).optional(),
  /** Minutes before the password may change again: a cooldown for the scheduler, not a content rule. */
  minimum_password_age: z.number().int().min(0).optional(),
  /** Days until the password expires (0 = never): scheduling, not content. */
  password_validity_period: z.number().int().min(0).optional(),
  /** True when the password may not be the user name or the user name reversed. */
  password_not_username_or_invert: z.boolean().optional(),
  password_requirements: z.string().optional(),
});

export type AccountPasswordPolicy = z.infer<typeof accountPasswordPolicySchema>;
