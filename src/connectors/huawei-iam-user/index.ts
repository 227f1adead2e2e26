import type { ConnectorDescriptor } from '../types.js';
import { createIamUserConnector } from './connector.js';
import { iamPasswordRules } from './rules.js';
import { iamUserTargetSchema } from './schema.js';

/** IAM user login password: verifiable by a login; changes need the old password. */
export const iamUserConnector: ConnectorDescriptor<typeof iamUserTargetSchema, 'huawei-iam-user'> = {
  kind: 'huawei-iam-user',
  targetSchema: iamUserTargetSchema,
  rules: iamPasswordRules,
  passwordContext: (target) => ({ names: [target.userName], email: target.email, mobile: target.mobile }),
  // IAM's own cooldown is the account's `minimum_password_age`, from its account policy source.
  cooldownMs: 0,
  cooldownNotice: "waiting for the IAM account's minimum password age",
  capabilities: { canVerify: true, idempotentChange: false },
  noAdminReset: (target) =>
    target.adminCredential ? undefined : 'no admin reset for this kind without adminCredential',
  create: createIamUserConnector,
  // The admin credential reads the account policy during a rotation (and resets in reconcile).
  credentialsUsed: (target) => (target.adminCredential ? [target.adminCredential] : []),
};
