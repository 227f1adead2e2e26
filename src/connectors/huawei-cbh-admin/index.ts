import { Misconfigured } from '../../rotation/errors.js';
import type { ConnectorDescriptor } from '../types.js';
import { cbhAdminTargetSchema } from './schema.js';

export const cbhAdminConnector: ConnectorDescriptor<typeof cbhAdminTargetSchema> = {
  kind: 'huawei-cbh-admin',
  targetSchema: cbhAdminTargetSchema,
  cooldownMs: 0,
  capabilities: { canVerify: false, idempotentChange: false },
  create: () => {
    throw new Misconfigured('huawei-cbh-admin connector not implemented yet');
  },
};
