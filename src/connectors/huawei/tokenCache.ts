/** A token obtained with one password, kept until it nears expiry or the password changes. */
export interface CachedToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The password it was obtained with: a token is only reused for calls made as that password. */
  password: string;
}

/** Tokens are refreshed this long before they expire, so a call never starts with a dying token. */
const defaultMarginMs = 5 * 60_000;

export class TokenCache {
  private current?: CachedToken;

  /** `marginMs`: shorter for sessions that live only minutes (an `http` target's `sessionTtl`). */
  constructor(private readonly marginMs = defaultMarginMs) {}

  get(password: string, now = Date.now()): CachedToken | undefined {
    const t = this.current;
    return t && t.password === password && t.expiresAt - this.marginMs > now ? t : undefined;
  }

  /** The newest token whatever its password (read-only calls such as the policy fetch). */
  peek(now = Date.now()): CachedToken | undefined {
    const t = this.current;
    return t && t.expiresAt - this.marginMs > now ? t : undefined;
  }

  set(token: CachedToken): void {
    this.current = token;
  }

  /** A change invalidates every token issued before it. */
  clear(): void {
    this.current = undefined;
  }
}
