import { AuthFailed, TargetUnchanged, isRotorError } from '../../errors/index.js';

/**
 * A login refused the password itself (not a lockout, not this guard's cap): a 401, or a refusal an
 * `http` target's description calls `auth-failed` with another status.
 */
export function isPasswordRefused(err: unknown): boolean {
  return (
    isRotorError(err, 'AuthFailed') &&
    (err.details.status === 401 || err.details.passwordRefused === true) &&
    err.details.reason === undefined
  );
}

/** The target said the account cannot log in at all (locked, disabled). */
function blockedReason(err: unknown): 'locked' | 'disabled' | undefined {
  return isRotorError(err, 'AuthFailed') ? err.details.reason : undefined;
}

/**
 * The login a change call starts with was refused for the password: nothing changed on the target,
 * which makes it TargetUnchanged. A lockout or the guard's cap stays AuthFailed.
 */
export function unchangedIfRefused(targetId: string, err: unknown): unknown {
  if (!isPasswordRefused(err) || !isRotorError(err)) return err;
  return new TargetUnchanged(`${targetId}: current password refused: ${err.message}`, err.details, { cause: err });
}

/**
 * Caps refused password logins per account within a window. Each refused login is a lockout strike
 * (IAM locks after 3 failures within up to 60 minutes at its strictest; Meeting locks too), so rotor
 * stops sending passwords before the target would lock the account — whatever the caller retries.
 * Guards are shared per account across connector instances, since one process may create several.
 */
export class LoginGuard {
  private refused: number[] = [];
  /** Set when the target answered "locked" or "disabled": no password is sent until the window passes. */
  private blocked?: { reason: 'locked' | 'disabled'; at: number };

  constructor(
    private readonly account: string,
    private readonly maxRefused: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private recent(): number[] {
    const t = this.now();
    this.refused = this.refused.filter((at) => t - at < this.windowMs);
    return this.refused;
  }

  /** Throws AuthFailed, without sending anything, once the cap is reached or the account is blocked. */
  check(): void {
    if (this.blocked && this.now() - this.blocked.at < this.windowMs) {
      const { reason } = this.blocked;
      throw new AuthFailed(
        `${this.account}: the target reported the account ${reason}; not sending another password until it is ${reason === 'locked' ? 'unlocked' : 'enabled'}`,
        { reason },
      );
    }
    if (this.recent().length >= this.maxRefused) {
      throw new AuthFailed(
        `${this.account}: ${this.maxRefused} refused logins within ${Math.round(this.windowMs / 60_000)} min; not sending another password`,
      );
    }
  }

  /** Sends one password login through the guard: refused by the cap, or counted when the target refuses it. */
  async login<T>(attempt: () => Promise<T>): Promise<T> {
    this.check();
    try {
      return await attempt();
    } catch (err) {
      if (isPasswordRefused(err)) this.recordRefused();
      const reason = blockedReason(err);
      if (reason) this.blocked = { reason, at: this.now() };
      throw err;
    }
  }

  recordRefused(): void {
    this.refused.push(this.now());
  }

  get refusedCount(): number {
    return this.recent().length;
  }

  /** A refused login, a lockout or a disabled account within the window: a heartbeat stays away. */
  get hasRecentRefusals(): boolean {
    return this.refusedCount > 0 || (this.blocked !== undefined && this.now() - this.blocked.at < this.windowMs);
  }
}

const guards = new Map<string, LoginGuard>();

export function loginGuardFor(key: string, maxRefused: number, windowMs: number): LoginGuard {
  const k = `${key}|${maxRefused}|${windowMs}`;
  let g = guards.get(k);
  if (!g) {
    g = new LoginGuard(key, maxRefused, windowMs);
    guards.set(k, g);
  }
  return g;
}

/**
 * The guard of one IAM user, shared by every place that logs it in (the user's own rotation, an admin
 * reading the account policy, a CBH operator): one key format, so one account has one strike count.
 */
export function iamLoginGuard(
  endpoint: string,
  domainName: string,
  userName: string,
  limits: { maxRefusedLogins: number; refusedLoginWindowMs: number },
): LoginGuard {
  return loginGuardFor(
    `iam|${new URL(endpoint).host}|${domainName}|${userName}`,
    limits.maxRefusedLogins,
    limits.refusedLoginWindowMs,
  );
}
