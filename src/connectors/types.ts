import type { z } from 'zod';
import type { Connector, ConnectorCapabilities, CredentialReader } from '../types/connector.js';
import type { Logger } from '../observability/logger.js';
import type { ConnectorPasswordRules } from '../policy/connectorRules.js';
import type { PasswordContext } from '../policy/types.js';
import type { RateGateFactory } from './huawei/sharedRateGate.js';

export type {
  AccountPolicy,
  AccountPolicySource,
  Connector,
  ConnectorCapabilities,
  CredentialReader,
} from '../types/connector.js';

export interface ConnectorDeps {
  logger: Logger;
  readCredential: CredentialReader;
  /** The per-endpoint rate limit shared by every worker; without it each process paces alone. */
  rateGate?: RateGateFactory;
}

/**
 * Everything rotor knows about one kind of target, in one place. Each field is required, so a new
 * kind that forgets one does not compile; the registry (`registry.ts`) maps each kind to its descriptor.
 */
export interface ConnectorDescriptor<Schema extends z.ZodType = z.ZodType, Kind extends string = string> {
  kind: Kind;
  /** Strict zod schema of a target of this kind (extends `targetCommonShape`; `kind` is its literal). */
  targetSchema: Schema;
  /** The password rules the target's API enforces, whatever the config says. */
  rules: ConnectorPasswordRules;
  /** What the target's password must not contain. */
  passwordContext(target: z.infer<Schema>): Pick<PasswordContext, 'names' | 'email' | 'mobile'>;
  /** Minimum time between two changes of one target, in ms (Meeting: 5 minutes). */
  cooldownMs: number;
  /** What a job parked by the target's cooldown waits for, in the target's own terms. */
  cooldownNotice: string;
  capabilities: ConnectorCapabilities;
  /**
   * Why `rotor reconcile` cannot set a fresh password on this target without the old one; undefined
   * when it can (an idempotent change, or an admin credential the target names).
   */
  noAdminReset(target: z.infer<Schema>): string | undefined;
  create(target: z.infer<Schema>, deps: ConnectorDeps): Connector;
  /**
   * For a kind whose API is described by each target (`http`): the target's own rules, capabilities
   * and cooldown, which replace the kind-wide ones above. Use `resolvedFor` rather than reading it.
   */
  perTarget?(target: z.infer<Schema>): TargetTraits;
}

/** What a descriptor says about one target once its config is known. */
export interface TargetTraits {
  rules: ConnectorPasswordRules;
  capabilities: ConnectorCapabilities;
  cooldownMs: number;
}

/** A target's rules, capabilities and cooldown: its kind's, unless the kind lets the target say. */
export function resolvedFor(descriptor: ConnectorDescriptor, target: unknown): TargetTraits {
  const own = descriptor.perTarget?.(target);
  return own ?? { rules: descriptor.rules, capabilities: descriptor.capabilities, cooldownMs: descriptor.cooldownMs };
}
