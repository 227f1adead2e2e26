export { vaultConfigSchema, type VaultConfig } from './schema.js';
export type {
  IssuePendingRecord,
  PendingRecord,
  PromoteArgs,
  RotationStamp,
  SecretStore,
  SecretVersion,
} from '../types/secretStore.js';
export { makeVaultStore, type SecretMetadata, type VaultStore, type VaultStoreDeps } from './vaultStore.js';
export type { AccessProblem, VaultHealth } from './vaultChecks.js';
export { classifyVaultError, type VaultOp } from './vaultErrors.js';
