import { z } from 'zod';
import { endpointSchema, targetCommonShape } from '../../config/targetCommon.js';
import { huaweiTargetExtras } from '../huawei/settings.js';

export const cbhAdminTargetSchema = z
  .object({
    ...targetCommonShape,
    kind: z.literal('huawei-cbh-admin'),
    endpoint: endpointSchema,
    /** IAM endpoint for a project-scoped token when the operator credential is a user/password. */
    iamEndpoint: endpointSchema.optional(),
    projectId: z.string().min(1),
    serverId: z.uuid(),
    /** Credential name (under `credentials:`): `{ ak, sk }` or `{ userName, password, domainName }`. */
    operator: z.string().min(1),
    apiVersion: z.enum(['v1', 'v2']).default('v1'),
    ...huaweiTargetExtras,
  })
  .strict();

export type CbhAdminTarget = z.infer<typeof cbhAdminTargetSchema>;
