import type { HuaweiReply } from './http.js';
import { isPasswordRefused, unchangedIfRefused } from './loginGuard.js';
import type { TokenCache } from './tokenCache.js';

/**
 * The token handling IAM and Meeting share: a change authenticated by a token obtained with the old
 * password (cached), one fresh token when a cached one is refused, and verify = a login.
 */

/** A token for calls made as `password`: the cached one, else a login (a refused login left the target unchanged). */
export async function tokenAs(
  tokens: TokenCache,
  targetId: string,
  password: string,
  login: () => Promise<{ token: string }>,
): Promise<{ token: string; cached: boolean }> {
  const hit = tokens.get(password);
  if (hit) return { token: hit.token, cached: true };
  try {
    return { token: (await login()).token, cached: false };
  } catch (err) {
    throw unchangedIfRefused(targetId, err);
  }
}

/**
 * Sends a change with a token; when a cached token is refused (`expired`: expired or revoked — a
 * refusal that applied nothing), gets one fresh token and tries once more. Every token issued before
 * a change is dead afterwards, so the cache is cleared either way.
 */
export async function changeWithToken(
  tokens: TokenCache,
  token: () => Promise<{ token: string; cached: boolean }>,
  send: (token: string) => Promise<HuaweiReply>,
  expired: (reply: HuaweiReply) => boolean,
): Promise<HuaweiReply> {
  let { token: current, cached } = await token();
  let reply = await send(current);
  if (cached && expired(reply)) {
    tokens.clear();
    ({ token: current, cached } = await token());
    reply = await send(current);
  }
  return reply;
}

/** true: the password logs in; false: refused. Anything else (unreachable, throttled, locked) throws. */
export async function verifyByLogin(login: () => Promise<unknown>): Promise<boolean> {
  try {
    await login();
    return true;
  } catch (err) {
    if (isPasswordRefused(err)) return false;
    throw err;
  }
}
