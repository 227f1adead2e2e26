import type { ConnectorDescriptor } from '../types.js';
import { createMeetingUserConnector, meetingCooldownMs } from './connector.js';
import { meetingPasswordRules } from './rules.js';
import { meetingUserTargetSchema } from './schema.js';

/** Meeting enterprise user password: verifiable by account auth; one change per 5 minutes. */
export const meetingUserConnector: ConnectorDescriptor<typeof meetingUserTargetSchema, 'huawei-meeting-user'> = {
  kind: 'huawei-meeting-user',
  targetSchema: meetingUserTargetSchema,
  rules: meetingPasswordRules,
  passwordContext: (target) => ({ names: [target.account, target.account.split('@')[0] ?? target.account] }),
  cooldownMs: meetingCooldownMs,
  cooldownNotice: `waiting for Meeting's ${Math.round(meetingCooldownMs / 60_000)}-minute cooldown`,
  capabilities: { canVerify: true, idempotentChange: false },
  // Meeting documents no admin reset: reconcile probes the known passwords again.
  noAdminReset: () => 'no admin reset for this kind',
  create: createMeetingUserConnector,
  credentialsUsed: (target) => (target.auth.method === 'app' ? [target.auth.credential] : []),
};
