import { z } from 'zod';
import { endpointSchema, targetCommonShape } from '../../config/targetCommon.js';
import { huaweiTargetExtras } from '../huawei/settings.js';
import { documentedCodes, iamCodes } from '../huawei/upstreamCodes.js';

/**
 * Upstream codes of a refused change, by meaning. The change page documents no codes; the defaults are
 * the documented ones of `huawei/upstreamCodes.ts` (IAM's error code list). Any other 400 to an
 * authenticated change is read as a refusal of the password (one fresh password, then stop).
 */
const codes = (meaning: Parameters<typeof documentedCodes>[1]) =>
  z
    .array(z.string())
    .default(documentedCodes(iamCodes, meaning).flatMap((c) => (/^\d+$/.test(c) ? [c, `IAM.${c}`] : [c])));
const iamErrorCodesSchema = z
  .object({
    wrongPassword: codes('wrongPassword'),
    policy: codes('policy'),
    cooldown: codes('cooldown'),
    /** A malformed request (missing or invalid parameter, body): a configuration or rotor problem, not the password. */
    parameter: codes('parameter'),
  })
  .strict();

/**
 * The account password policy as the IAM console shows it, for when the API refuses to tell
 * (reading it needs `iam:securitypolicies:getPasswordPolicy`, which a user rotating its own password
 * usually lacks). Same meanings as IAM's `password_policy` fields.
 */
export const declaredAccountPolicySchema = z
  .object({
    minimumPasswordLength: z.number().int().min(6).max(32).optional(),
    maximumPasswordLength: z.number().int().min(6).max(128).optional(),
    /** Character classes required, 2–4. */
    passwordCharCombination: z.number().int().min(2).max(4).optional(),
    /** Longest run of one character; 0 = no limit. */
    maximumConsecutiveIdenticalChars: z.number().int().min(0).max(32).optional(),
    numberOfRecentPasswordsDisallowed: z.number().int().min(0).max(10).optional(),
    /** Minutes before the password may change again (IAM's minimum password age), 0–1440. */
    minimumPasswordAge: z.number().int().min(0).max(1440).optional(),
    passwordNotUsernameOrInvert: z.boolean().optional(),
  })
  .strict();

export type DeclaredAccountPolicy = z.infer<typeof declaredAccountPolicySchema>;

export const iamUserTargetSchema = z
  .object({
    ...targetCommonShape,
    kind: z.literal('huawei-iam-user'),
    endpoint: endpointSchema,
    /** IAM user id: the `{user_id}` path parameter of the change call. */
    userId: z.string().min(1),
    userName: z.string().min(1),
    /** The account (domain) name the user belongs to. */
    domainName: z.string().min(1),
    /** Scope the token to a project instead of the domain. */
    projectId: z.string().min(1).optional(),
    email: z.string().min(3).optional(),
    mobile: z.string().min(3).optional(),
    /** Credential name (under `credentials:`) of an IAM admin, used by reconcile's admin reset. */
    adminCredential: z.string().min(1).optional(),
    errorCodes: iamErrorCodesSchema.prefault({}),
    /** Used when IAM refuses to read the account password policy (403); the API's answer wins when readable. */
    accountPolicy: declaredAccountPolicySchema.optional(),
    ...huaweiTargetExtras,
  })
  .strict();

export type IamUserTarget = z.infer<typeof iamUserTargetSchema>;
