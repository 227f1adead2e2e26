import { Misconfigured } from '../../rotation/errors.js';
import type { ConnectorDescriptor } from '../types.js';
import { meetingUserTargetSchema } from './schema.js';

export const meetingUserConnector: ConnectorDescriptor<typeof meetingUserTargetSchema> = {
  kind: 'huawei-meeting-user',
  targetSchema: meetingUserTargetSchema,
  cooldownMs: 0,
  capabilities: { canVerify: false, idempotentChange: false },
  create: () => {
    throw new Misconfigured('huawei-meeting-user connector not implemented yet');
  },
};
