import { z } from 'zod';
import { endpointSchema, targetCommonShape } from '../../config/targetCommon.js';

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
    /** Enterprise account; must contain the domain name (e.g. bob@acme.com). */
    account: z.string().min(1).max(255),
    auth: z.discriminatedUnion('method', [accountAuth, appAuth]).default({ method: 'account' }),
  })
  .strict();

export type MeetingUserTarget = z.infer<typeof meetingUserTargetSchema>;
