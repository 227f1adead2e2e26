import { z } from 'zod';
import { endpointSchema, targetCommonShape } from '../../config/targetCommon.js';
import { huaweiTargetExtras } from '../huawei/settings.js';

/**
 * Upstream codes of a refused change, by meaning. 1103/1108/1118 are documented; the cooldown code is
 * not (IAM documents only the status), so it is configurable.
 */
const iamErrorCodesSchema = z
  .object({
    wrongPassword: z.array(z.string()).default(['1103', 'IAM.1103']),
    policy: z.array(z.string()).default(['1108', '1118', 'IAM.1108', 'IAM.1118']),
    cooldown: z.array(z.string()).default(['1119', 'IAM.1119']),
  })
  .strict();

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
    ...huaweiTargetExtras,
  })
  .strict();

export type IamUserTarget = z.infer<typeof iamUserTargetSchema>;
