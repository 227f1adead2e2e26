import { z } from 'zod';
import type { ConnectorKind } from '../connectors/kinds.js';
import { ASCII_PUNCTUATION } from './charsets.js';

/**
 * The rules a target's own API enforces, whatever rotor's config says. Where Huawei's documents disagree
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

/** Meeting's documented special set, in the order its page lists it. Space is not in it. */
export const MEETING_SPECIAL_CHARS = '`~!@#$%^&*()-_=+\\|[{}];:",\'<.>/?';

/**
 * CBH says only "letters, digits and special characters" without listing them. We use the set Huawei
 * documents for ECS instance passwords, a conservative subset of ASCII punctuation that avoids quotes,
 * backslash and shell metacharacters; narrow it further with `specialChars` if an instance refuses one.
 */
export const CBH_SPECIAL_CHARS = '!@$%^-_=+[{}]:,./?';

export const connectorRules: Record<ConnectorKind, ConnectorPasswordRules> = {
  'huawei-meeting-user': {
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
  },
  'huawei-cbh-admin': {
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
  },
  'huawei-iam-user': {
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
  },
};

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
