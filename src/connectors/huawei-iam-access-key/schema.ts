import { z } from 'zod';
import { durationSchema } from '../../config/duration.js';
import { endpointSchema, targetCommonShape } from '../../config/targetCommon.js';
import { huaweiTargetExtras } from '../huawei/settings.js';

/** How long the replaced key lives on (see docs/access-keys.md); written as durations like `1h`, `7d`. */
const retirementSchema = z
  .object({
    /** The old key's last_use_time unchanged this long since the promotion → made inactive. */
    quietPeriod: durationSchema.default(3_600_000),
    /** Inactive this long → deleted (inactive is reversible, delete is not). */
    deleteAfter: durationSchema.default(86_400_000),
    /** Still in use this long after the promotion → kept, alerted, shown by `rotor status`. */
    maxWait: durationSchema.default(7 * 86_400_000),
    /** How often a retirement job looks at the old key's last_use_time. */
    checkEvery: durationSchema.default(900_000),
  })
  .strict();

export const iamAccessKeyTargetSchema = z
  .object({
    ...targetCommonShape,
    kind: z.literal('huawei-iam-access-key'),
    /** IAM endpoint, e.g. https://iam.myhuaweicloud.com. */
    endpoint: endpointSchema,
    /** The IAM user whose permanent access keys rotate (`user_id`). */
    userId: z.string().min(1),
    /**
     * Credential name (under `credentials:`) holding `{ ak, sk }` of an IAM admin that manages the user's
     * keys. Without it, the calls are signed with the key being rotated: the user rotates its own key.
     */
    operator: z.string().min(1).optional(),
    /**
     * The secret's field names for the AK and the SK. An operator credential (`credentials:`) read as
     * `{ ak, sk }` (the CBH operator) is rotated with `fields: { accessKey: ak, secretKey: sk }`.
     */
    fields: z
      .object({
        accessKey: z.string().min(1).default('access_key'),
        secretKey: z.string().min(1).default('secret_key'),
      })
      .strict()
      .prefault({}),
    retirement: retirementSchema.prefault({}),
    ...huaweiTargetExtras,
  })
  .strict();

export type IamAccessKeyTarget = z.infer<typeof iamAccessKeyTargetSchema>;
