import { connectorRules } from '../../policy/connectorRules.js';
import type { ConnectorDescriptor } from '../types.js';
import { createMeetingUserConnector, meetingCooldownMs } from './connector.js';
import { meetingUserTargetSchema } from './schema.js';

/** Meeting enterprise user password: verifiable by account auth; one change per 5 minutes. */
export const meetingUserConnector: ConnectorDescriptor<typeof meetingUserTargetSchema> = {
  kind: 'huawei-meeting-user',
  targetSchema: meetingUserTargetSchema,
  rules: connectorRules['huawei-meeting-user'],
  cooldownMs: meetingCooldownMs,
  capabilities: { canVerify: true, idempotentChange: false },
  create: createMeetingUserConnector,
};
