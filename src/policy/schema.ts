import { z } from 'zod';
import { ASCII_PUNCTUATION } from './charsets.js';

/** Generated length when a policy states no length at all (clamped into the target's range). */
export const DEFAULT_LENGTH = 24;
/** Upper bound on any configured length: far above every target, low enough to keep generation cheap. */
export const MAX_POLICY_LENGTH = 256;

const length = z.number().int().min(1).max(MAX_POLICY_LENGTH);
const classMinimum = z.number().int().min(0).max(MAX_POLICY_LENGTH);

/**
 * One entry under `policies:` in the config. Shape checks only: whether the rules can be met together,
 * and with a target's rules, is decided by `effectivePolicy`, which names the rules that conflict.
 */
export const policySchema = z
  .object({
    /** Fixed length. Exclusive with minLength/maxLength. With no length field at all, rotor generates 24. */
    length: length.optional(),
    /** Shortest accepted length. A min/max policy generates at its maximum (the most entropy it allows). */
    minLength: length.optional(),
    /** Longest accepted length. */
    maxLength: length.optional(),
    /** Minimum count of lowercase letters. @defaultValue 1 */
    lower: classMinimum.default(1),
    /** Minimum count of uppercase letters. @defaultValue 1 */
    upper: classMinimum.default(1),
    /** Minimum count of digits. @defaultValue 1 */
    digits: classMinimum.default(1),
    /** Minimum count of special characters. @defaultValue 1 */
    special: classMinimum.default(1),
    /** Allowed special characters (ASCII punctuation). @defaultValue the target's set, else all 32 */
    specialChars: z
      .string()
      .refine((s) => [...s].every((c) => ASCII_PUNCTUATION.includes(c)), {
        message: `specialChars may only hold ASCII punctuation: ${ASCII_PUNCTUATION}`,
      })
      .optional(),
    /** Characters never generated or accepted, e.g. look-alikes "lIO0". @defaultValue "" */
    exclude: z.string().default(''),
    /** Minimum number of classes present. @defaultValue 0 (the class minimums already say it) */
    minClasses: z.number().int().min(0).max(4).default(0),
    /** Longest allowed run of one repeated character; absent = no limit. */
    maxRun: z.number().int().min(1).max(MAX_POLICY_LENGTH).optional(),
    /** Minimum number of characters of the new password not found in the old one. @defaultValue 0 */
    minDiffFromOld: z.number().int().min(0).max(MAX_POLICY_LENGTH).default(0),
    /** The new password may not equal any of the last N passwords. @defaultValue 0 */
    historyCount: z.number().int().min(0).max(100).default(0),
    /** Refuse the account names (and reversed), e-mail and mobile inside the password. @defaultValue true */
    mustNotContainNames: z.boolean().default(true),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.length !== undefined && (p.minLength !== undefined || p.maxLength !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['length'],
        message: 'use either length (fixed) or minLength/maxLength (a range), not both',
      });
    }
  });

/** A parsed policy, defaults filled in. */
export type PolicyConfig = z.infer<typeof policySchema>;
/** A policy as written in the config, before defaults. Every `PolicyConfig` is also one. */
export type PolicyConfigInput = z.input<typeof policySchema>;
