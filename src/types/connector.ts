/**
 * The contracts between the engine and the connectors. A leaf: it imports nothing of rotor's, so the
 * connectors and the engine both depend on it and never on each other.
 */

/** A named operator credential read from Vault at run time (`credentials:` in the config). */
export type CredentialReader = (name: string) => Promise<Record<string, string>>;

/** What a connector reports about the target's account policy (IAM password policy). */
export type AccountPolicy = Record<string, unknown>;

/** Where a target's account password policy comes from, for kinds whose accounts have one (IAM). */
export interface AccountPolicySource {
  /** Targets in one scope share one policy, read once per TTL (IAM: endpoint + account name). */
  scope: string;
  /** The policy as the target's API reports it; undefined when the API refuses to tell (403). */
  read(): Promise<AccountPolicy | undefined>;
  /** The policy the config declares (`accountPolicy`), used when the API refuses. */
  declared?: AccountPolicy;
}

/**
 * One target's live connection. Every method throws only errors from `src/errors/`,
 * each saying what happened to the target (unchanged, unknown, auth failed, ...).
 */
export interface Connector {
  /** Logs in with `password`; throws AuthFailed when the target refuses it. Counts as a probe. */
  authenticate(password: string): Promise<void>;
  /** Changes the password. For admin-reset kinds `oldPassword` is ignored. */
  change(args: { oldPassword: string; newPassword: string }): Promise<void>;
  /** true: `password` is live; false: refused. Throws on anything else (unreachable, throttled). */
  verify(password: string): Promise<boolean>;
  /** Present for kinds whose accounts carry a password policy beyond the API's fixed rules. */
  accountPolicy?: AccountPolicySource;
  /**
   * True when this account's login guard saw a refused login (or a lockout) within its window: a
   * heartbeat then sends no password, so it never adds a strike to an account already under strain.
   */
  recentLoginRefusals?(): boolean;
  /** Sets the password with an admin credential, without the old one (reconcile). */
  adminReset?(newPassword: string): Promise<void>;
  /**
   * Present for kinds whose new secret the target issues (access keys): the engine then rotates by
   * create-then-retire (rotation/rotateIssued.ts) and the password methods above are not called.
   */
  issuer?: CredentialIssuer;
  /** Resources of its own to release when rotor closes; a connector that has it is never let go of before. */
  close?(): Promise<void>;
}

export interface ConnectorCapabilities {
  /** The API can prove a password is live (a login). */
  canVerify: boolean;
  /** Re-sending the same change is harmless (admin reset): resolves an unknown outcome without a probe. */
  idempotentChange: boolean;
  /** Why the password cannot be verified, for every audit record of a kind without verify (CBH). */
  unverifiedReason?: string;
}

/**
 * A credential the target issues itself (an access key): an id that names it (the AK, not secret) and
 * a secret shown once, in the reply that created it (the SK).
 */
export interface IssuedCredential {
  id: string;
  secret: string;
}

/** What the target says about one issued credential (never its secret). */
export interface IssuedCredentialState {
  id: string;
  active: boolean;
  /** When the target last saw it used (ISO 8601), as the target reports it; undefined when it does not say. */
  lastUsedAt?: string;
}

/** How long an old issued credential is kept after the new one is promoted (all in ms). */
export interface RetirementSettings {
  /** Unchanged last use since the promotion for this long → made inactive. */
  quietPeriodMs: number;
  /** Inactive for this long → deleted (inactive is reversible, delete is not). */
  deleteAfterMs: number;
  /** Still in use this long after the promotion → kept, alerted, shown in `rotor status`. */
  maxWaitMs: number;
  /** How often a retirement job looks at the old credential's last use. */
  checkEveryMs: number;
}

/**
 * The connector side of a kind whose new secret the target issues (create-then-retire): rotor does not
 * generate it. Every call takes `self`, the credential Vault holds now, for kinds that authenticate with
 * the very credential they rotate; others ignore it. Every method throws only errors from `src/errors/`:
 * a reply not positively recognised after the request was sent is OutcomeUnknown.
 */
export interface CredentialIssuer {
  /** The consumer secret's fields that hold the id and the secret (other fields are kept). */
  fields: { id: string; secret: string };
  /** How many credentials the account may hold at once (IAM: 2). */
  limit: number;
  retirement: RetirementSettings;
  /** Every credential on the account (ids and states, no secrets). */
  list(self: IssuedCredential): Promise<IssuedCredentialState[]>;
  /** Creates one; its secret is in this reply only. A reply lost after sending is OutcomeUnknown. */
  issue(self: IssuedCredential): Promise<IssuedCredential>;
  /** true: `credential` signs a request the target accepts; false: refused. Throws on anything else. */
  verify(credential: IssuedCredential): Promise<boolean>;
  /** The credential's state, or undefined when the target no longer has it. */
  state(self: IssuedCredential, id: string): Promise<IssuedCredentialState | undefined>;
  deactivate(self: IssuedCredential, id: string): Promise<void>;
  /** Deletes it; a credential already gone counts as deleted. */
  remove(self: IssuedCredential, id: string): Promise<void>;
}
