import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The token `rotor run` requires on `/metrics` and `/report`, from `ROTOR_HTTP_TOKEN` (unset or empty = none). */
export function httpTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = env.ROTOR_HTTP_TOKEN?.trim();
  return token ? token : undefined;
}

/**
 * Compares digests rather than the strings so the time taken says nothing about how much of the
 * token was right, nor about its length.
 */
export function hasBearer(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1] as string), digest(token));
}
