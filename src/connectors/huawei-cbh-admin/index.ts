import { connectorRules } from '../../policy/connectorRules.js';
import type { ConnectorDescriptor } from '../types.js';
import { cbhUnverifiedReason, createCbhAdminConnector } from './connector.js';
import { cbhAdminTargetSchema } from './schema.js';

/** CBH instance admin password: an idempotent admin reset that cannot be verified. */
export const cbhAdminConnector: ConnectorDescriptor<typeof cbhAdminTargetSchema> = {
  kind: 'huawei-cbh-admin',
  targetSchema: cbhAdminTargetSchema,
  rules: connectorRules['huawei-cbh-admin'],
  cooldownMs: 0,
  capabilities: { canVerify: false, idempotentChange: true, unverifiedReason: cbhUnverifiedReason },
  create: createCbhAdminConnector,
};
