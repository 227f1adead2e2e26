import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** A single Redis or a Redis Cluster: BullMQ and every command rotor sends work with both. */
export type RedisClient = Redis | Cluster;

/**
 * A Lua script sent by its SHA-1 (`EVALSHA`), and in full only when Redis does not know it yet
 * (`NOSCRIPT`, e.g. after a restart): a script run per request costs its digest, not its text.
 */
export function redisScript(lua: string) {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}
