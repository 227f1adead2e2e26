import type { ConnectorDescriptor } from '../types.js';
import { createHttpConnector, httpUnverifiedReason } from './connector.js';
import { httpDefaultRules, httpPasswordNames, httpTargetRules } from './rules.js';
import { httpTargetSchema } from './schema.js';

/**
 * A change-password REST API described in the config (`kind: http`): its rules, whether it can verify,
 * whether its change is idempotent and its cooldown are the target's own, so `perTarget` supplies them.
 */
export const httpConnector: ConnectorDescriptor<typeof httpTargetSchema, 'http'> = {
  kind: 'http',
  targetSchema: httpTargetSchema,
  rules: httpDefaultRules,
  passwordContext: (target) => ({ names: httpPasswordNames(target) }),
  cooldownMs: 0,
  cooldownNotice: "waiting for the target's cooldown",
  capabilities: { canVerify: true, idempotentChange: false },
  perTarget: (target) => ({
    rules: httpTargetRules(target),
    cooldownMs: target.cooldown ?? 0,
    capabilities: {
      canVerify: target.verify !== 'none',
      idempotentChange: target.change.idempotent,
      ...(target.verify === 'none' ? { unverifiedReason: httpUnverifiedReason } : {}),
    },
  }),
  noAdminReset: (target) =>
    target.change.idempotent ? undefined : 'no admin reset: the change of this http target is not idempotent',
  create: createHttpConnector,
};
