import { z } from 'zod';
import { endpointSchema, targetCommonShape } from '../../config/targetCommon.js';
import { huaweiTargetExtras } from '../huawei/settings.js';

/**
 * Upstream codes of a refused change, by meaning. Huawei documents none of them for this API (only the
 * status); the defaults come from its API error centre where it lists them, and are configurable.
 */
const meetingErrorCodesSchema = z
  .object({
    wrongPassword: z.array(z.string()).default(['USG.206030006']),
    policy: z.array(z.string()).default(['USG.206030013', 'USG.206030014', 'USG.206030018']),
    cooldown: z.array(z.string()).default(['USG.206030020']),
    userNotFound: z.array(z.string()).default(['USG.201040000']),
    tokenInvalid: z.array(z.string()).default(['USG.000000004']),
  })
  .strict();

const accountAuth = z.object({ method: z.literal('account') }).strict();
/** App ID auth: `credential` names a Vault credential holding `{ appId, appKey }`. */
const appAuth = z
  .object({ method: z.literal('app'), credential: z.string().min(1), userId: z.string().optional() })
  .strict();

export const meetingUserTargetSchema = z
  .object({
    ...targetCommonShape,
    kind: z.literal('huawei-meeting-user'),
    endpoint: endpointSchema,
    /**
     * Enterprise account; the API requires it to contain the domain name (e.g. bob@acme.com) and
     * refuses one without, so an account with neither "@" nor "." is rejected at load.
     */
    account: z
      .string()
      .min(1)
      .max(255)
      .refine((account) => /[@.]/.test(account), {
        message:
          'expected the enterprise account with its domain name, e.g. bob@acme.com (the Meeting API refuses it without)',
      }),
    auth: z.discriminatedUnion('method', [accountAuth, appAuth]).default({ method: 'account' }),
    /** Sent as Accept-Language so upstream messages in audit records are English. @defaultValue en-US */
    language: z.enum(['en-US', 'zh-CN']).default('en-US'),
    errorCodes: meetingErrorCodesSchema.prefault({}),
    ...huaweiTargetExtras,
  })
  .strict();

export type MeetingUserTarget = z.infer<typeof meetingUserTargetSchema>;
