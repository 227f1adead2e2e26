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

interface Login {
  password: string;
  promise: Promise<CachedToken>;
}

const inFlight = new WeakMap<TokenCache, Login>();

/**
 * The cached token for `password`, else one login — shared by every caller that asks while it is
 * under way, so sixteen rotations starting together with one credential log in once.
 */
export async function obtainToken(
  cache: TokenCache,
  password: string,
  login: () => Promise<{ token: string; expiresAt: number }>,
): Promise<{ token: string; cached: boolean }> {
  const hit = cache.get(password);
  if (hit) return { token: hit.token, cached: true };
  let running = inFlight.get(cache);
  if (running?.password !== password) {
    const promise = login().then((t) => {
      const token = { token: t.token, expiresAt: t.expiresAt, password };
      cache.set(token);
      return token;
    });
    const entry: Login = { password, promise };
    running = entry;
    inFlight.set(cache, entry);
    const done = () => {
      if (inFlight.get(cache) === entry) inFlight.delete(cache);
    };
    promise.then(done, done);
  }
  return { token: (await running.promise).token, cached: false };
}

const shared = new Map<string, TokenCache>();

/**
 * One token cache per credential scope (endpoint, account, project), shared by every target of the
 * process that authenticates with that credential: an operator's or an App ID's token serves them all
 * until it nears expiry. The scope names the credential, never a secret.
 */
export function sharedTokenCache(scope: string): TokenCache {
  let cache = shared.get(scope);
  if (!cache) {
    cache = new TokenCache();
    shared.set(scope, cache);
  }
  return cache;
}
