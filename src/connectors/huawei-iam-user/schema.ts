import { z } from 'zod';
import { endpointSchema, targetCommonShape } from '../../config/targetCommon.js';

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
  })
  .strict();

export type IamUserTarget = z.infer<typeof iamUserTargetSchema>;
