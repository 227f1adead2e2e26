import type { z } from 'zod';
import type { Connector, ConnectorCapabilities, CredentialReader } from '../types/connector.js';
import type { Logger } from '../observability/logger.js';
import type { ConnectorPasswordRules } from '../policy/connectorRules.js';
import type { ConnectorKind } from './kinds.js';
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

export interface ConnectorDescriptor<Schema extends z.ZodType = z.ZodType> {
  kind: ConnectorKind;
  /** Strict zod schema of a target of this kind (extends `targetCommonShape`). */
  targetSchema: Schema;
  /** The password rules the target's API enforces (from `policy/connectorRules.ts`). */
  rules: ConnectorPasswordRules;
  /** Minimum time between two changes of one target, in ms (Meeting: 5 minutes). */
  cooldownMs: number;
  capabilities: ConnectorCapabilities;
  create(target: z.infer<Schema>, deps: ConnectorDeps): Connector;
}
