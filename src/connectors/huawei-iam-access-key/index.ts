import type { ConnectorPasswordRules } from '../../policy/connectorRules.js';
import type { ConnectorDescriptor } from '../types.js';
import { createIamAccessKeyConnector } from './connector.js';
import { iamAccessKeyTargetSchema } from './schema.js';

/** IAM issues the key: rotor generates nothing, so no password rules apply beyond these placeholders. */
const noPasswordRules: ConnectorPasswordRules = {
  minLength: 8,
  defaultMinLength: 8,
  maxLength: 128,
  minClasses: 1,
  specialChars: '',
  minDiffFromOld: 0,
  historyCount: 0,
  mustNotContainNames: false,
  mustNotContainContact: false,
};

/**
 * An IAM user's permanent access key (AK/SK): create-then-retire. IAM issues the new key (the SK is
 * shown once), a signed request verifies it, Vault's `access_key`/`secret_key` are promoted, and the
 * old key is retired by later jobs once its `last_use_time` has stopped moving.
 */
export const iamAccessKeyConnector: ConnectorDescriptor<typeof iamAccessKeyTargetSchema, 'huawei-iam-access-key'> = {
  kind: 'huawei-iam-access-key',
  targetSchema: iamAccessKeyTargetSchema,
  rules: noPasswordRules,
  passwordContext: () => ({ names: [] }),
  cooldownMs: 0,
  cooldownNotice: 'waiting for the previous access key to be retired',
  capabilities: { canVerify: true, idempotentChange: false },
  noAdminReset: () =>
    'an access key cannot be reset: delete the keys no consumer uses in the IAM console and seed Vault with the one in use',
  create: createIamAccessKeyConnector,
  credentialsUsed: (target) => (target.operator ? [target.operator] : []),
};
