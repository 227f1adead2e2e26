/**
 * What rotation needs from the secret store. Vault KV v2 is the only implementation; the interface
 * exists so the step machine reads as steps, not as HTTP.
 */

/** A capability the Vault token lacks on a path, and why rotor needs it. */
export interface AccessProblem {
  path: string;
  /** Capabilities the token lacks there, e.g. `["create", "update"]`. */
  missing: string[];
  /** Why rotor needs them. */
  purpose: string;
}

/** One version of a consumer secret (`{mount}/data/{secretPath}`). */
export interface SecretVersion {
  /** Every field of the secret; `password` is the one rotor manages, the rest are kept untouched. */
  data: Record<string, unknown>;
  password: string | undefined;
  version: number;
  customMetadata: Record<string, string>;
  createdTime: string;
  /** True when this version was soft-deleted or destroyed: `data` is empty, only the version number is known. */
  deleted?: boolean;
}

/** rotor's write-ahead note of a rotation in flight, at `{mount}/data/{statePrefix}/{targetId}`. */
export interface PendingRecord {
  password: string;
  rotation_id: string;
  started_at: string;
  /** The last step reached: prepared | committing | changed | verified. */
  step: string;
  /** Version of the consumer secret that was current when the rotation started (cas for promote). */
  from_version: number;
  /** Alternating targets: the account being changed (the one consumers are not using). */
  account?: string;
}

export interface PromoteArgs {
  password: string;
  /** The version read at load: check-and-set, so a concurrent writer makes this fail with Conflict. */
  cas: number;
  rotationId: string;
  targetId: string;
  rotatedAt: Date;
  /** The fields of version `cas`, when the caller already read them: saves a read. */
  base?: Record<string, unknown>;
}

export interface SecretStore {
  /** Current version, or null when the secret does not exist. */
  readSecret(secretPath: string): Promise<SecretVersion | null>;
  /** A specific version, or null when missing, deleted or destroyed. */
  readSecretVersion(secretPath: string, version: number): Promise<SecretVersion | null>;
  /** Passwords of up to `count` versions before the current one, newest first (skips deleted ones). */
  passwordHistory(secretPath: string, count: number): Promise<string[]>;
  readPending(targetId: string): Promise<{ record: PendingRecord; version: number } | null>;
  /** Check-and-set write of the pending record (`cas: 0` = create only); returns the new version. */
  writePending(targetId: string, record: PendingRecord, cas: number): Promise<number>;
  /** Removes every version of the pending record (metadata delete) so no old password lingers. */
  deletePending(targetId: string): Promise<void>;
  /** Writes the new password with cas, keeping all other fields; stamps custom_metadata. Returns the new version. */
  promote(secretPath: string, args: PromoteArgs): Promise<number>;
  /** Capabilities the token lacks for rotating these secrets (and their pending records); [] = none. */
  checkAccess(secretPaths: string[]): Promise<AccessProblem[]>;
  close(): Promise<void>;
}
