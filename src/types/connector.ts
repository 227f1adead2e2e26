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
