import { connectorRules } from '../../policy/connectorRules.js';
import type { ConnectorDescriptor } from '../types.js';
import { createIamUserConnector } from './connector.js';
import { iamUserTargetSchema } from './schema.js';

/** IAM user login password: verifiable by a login; changes need the old password. */
export const iamUserConnector: ConnectorDescriptor<typeof iamUserTargetSchema> = {
  kind: 'huawei-iam-user',
  targetSchema: iamUserTargetSchema,
  rules: connectorRules['huawei-iam-user'],
  // IAM's own cooldown is the account's `minimum_password_age`, from its account policy source.
  cooldownMs: 0,
  capabilities: { canVerify: true, idempotentChange: false },
  create: createIamUserConnector,
};
