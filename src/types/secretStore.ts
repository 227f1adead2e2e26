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

/**
 * The pending record of a rotation whose new secret the target issues (an access key), at the same
 * path as a password rotation's. Ids are not secret; `issued_secret` is held from the create reply until
 * the promotion, and the record stays (without it) while the old credential is retired.
 */
export interface IssuePendingRecord {
  rotation_id: string;
  started_at: string;
  /** `prepared` (before the create call) | `issued` (the reply's secret is here) | `retiring` (promoted). */
  step: 'prepared' | 'issued' | 'retiring';
  from_version: number;
  /** Ids of the credentials that existed before the create call: never rotor's orphans. */
  existing_ids: string[];
  issued_id?: string;
  issued_secret?: string;
  /** The id being retired and the retirement's clock (ISO times), once promoted. */
  retire_id?: string;
  promoted_at?: string;
  /** The last use of `retire_id` as last seen, and since when it has not moved. */
  last_use_seen?: string;
  quiet_since?: string;
  deactivated_at?: string;
}

export interface PromoteArgs {
  password: string;
  /** Written instead of `password` for a secret of several managed fields (an access key's id and secret). */
  fields?: Record<string, string>;
  /** The version read at load: check-and-set, so a concurrent writer makes this fail with Conflict. */
  cas: number;
  rotationId: string;
  targetId: string;
  rotatedAt: Date;
  /** The fields of version `cas`, when the caller already read them: saves a read. */
  base?: Record<string, unknown>;
  /**
   * Work that needs the new version written but not its stamp (the pending record's removal): started
   * once the write is accepted and run while `custom_metadata` is stamped; `promote` resolves when both
   * are done and rejects with this work's error. Never started when the write fails.
   */
  alongside?: () => Promise<void>;
}

/** What a rotation's stamp on the secret's `custom_metadata` records. */
export type RotationStamp = Pick<PromoteArgs, 'rotationId' | 'targetId' | 'rotatedAt'>;

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
  /** The pending record of an issued-credential rotation (`IssuePendingRecord`), or null. */
  readIssuePending(targetId: string): Promise<{ record: IssuePendingRecord; version: number } | null>;
  /** Check-and-set write of it (`cas: 0` = create only); returns the new version. */
  writeIssuePending(targetId: string, record: IssuePendingRecord, cas: number): Promise<number>;
  /** The `step` of the target's pending record, whatever its kind, or null when there is none. */
  pendingStep(targetId: string): Promise<string | null>;
  /** Removes every version of the pending record (metadata delete) so no old password lingers. */
  deletePending(targetId: string): Promise<void>;
  /** Writes the new password with cas, keeping all other fields; stamps custom_metadata. Returns the new version. */
  promote(secretPath: string, args: PromoteArgs): Promise<number>;
  /**
   * Stamps custom_metadata (`rotated_at`, `rotation_id`, `rotor_target`) over `existing`, as `promote`
   * does: for a rotation found promoted but not stamped. A failure is logged, not thrown.
   */
  stampRotation(secretPath: string, stamp: RotationStamp, existing: Record<string, string>): Promise<void>;
  /** Capabilities the token lacks for rotating these secrets (and their pending records); [] = none. */
  checkAccess(secretPaths: string[]): Promise<AccessProblem[]>;
  close(): Promise<void>;
}
