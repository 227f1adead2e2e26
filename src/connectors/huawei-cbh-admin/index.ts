import type { ConnectorDescriptor } from '../types.js';
import { cbhUnverifiedReason, createCbhAdminConnector } from './connector.js';
import { cbhPasswordRules } from './rules.js';
import { cbhAdminTargetSchema } from './schema.js';

/** CBH instance admin password: an idempotent admin reset that cannot be verified. */
export const cbhAdminConnector: ConnectorDescriptor<typeof cbhAdminTargetSchema, 'huawei-cbh-admin'> = {
  kind: 'huawei-cbh-admin',
  targetSchema: cbhAdminTargetSchema,
  rules: cbhPasswordRules,
  passwordContext: () => ({ names: ['admin'] }),
  cooldownMs: 0,
  cooldownNotice: "waiting for the target's cooldown",
  capabilities: { canVerify: false, idempotentChange: true, unverifiedReason: cbhUnverifiedReason },
  // The change itself is an admin reset.
  noAdminReset: () => undefined,
  create: createCbhAdminConnector,
  credentialsUsed: (target) => [target.operator],
};
