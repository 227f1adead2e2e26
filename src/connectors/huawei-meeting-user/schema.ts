import { z } from 'zod';
import { endpointSchema, targetCommonShape } from '../../config/targetCommon.js';
import { huaweiTargetExtras } from '../huawei/settings.js';
import { documentedCodes, meetingCodes } from '../huawei/upstreamCodes.js';

/**
 * Upstream codes of a refused change, by meaning. The change page documents none (only statuses); the
 * defaults are the documented ones of `huawei/upstreamCodes.ts`. A 400 with any other code is read as a
 * refusal of the password (one fresh password, then stop), never retried.
 */
const codes = (meaning: Parameters<typeof documentedCodes>[1]) =>
  z.array(z.string()).default(documentedCodes(meetingCodes, meaning));
const meetingErrorCodesSchema = z
  .object({
    wrongPassword: codes('wrongPassword'),
    policy: codes('policy'),
    cooldown: codes('cooldown'),
    userNotFound: codes('userNotFound'),
    tokenInvalid: codes('tokenInvalid'),
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
