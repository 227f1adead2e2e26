import { redisScript, type RedisClient } from '../types/redis.js';

/**
 * A small per-target record of how rotation is going, at `{prefix}:status:{targetId}`: what `rotor
 * status` shows as failing or out-of-sync, and what stops every later attempt of an out-of-sync
 * target before it can probe (and lock the account). Never a secret: codes and messages only.
 * The last *success* is not kept here but in Vault (`custom_metadata.rotated_at`), the source of truth.
 */
export type TargetState = 'ok' | 'failing' | 'out-of-sync';

export interface TargetStatus {
  state: TargetState;
  lastError?: string;
  lastErrorCode?: string;
  lastAttemptAt?: string;
  since?: string;
  /** Something the last success left for a person to do (an old key still in use): code and message. */
  noticeCode?: string;
  notice?: string;
}

export const targetStatusKey = (prefix: string, targetId: string) => `${prefix}:status:${targetId}`;

/** The record from its hash's fields, flat (`HGETALL` as a Lua script returns it) or as an object. */
export function readTargetStatus(raw: Record<string, string> | string[]): TargetStatus | undefined {
  const fields: Record<string, string> = Array.isArray(raw) ? {} : raw;
  if (Array.isArray(raw)) for (let i = 0; i + 1 < raw.length; i += 2) fields[raw[i] as string] = raw[i + 1] as string;
  if (!fields.state) return undefined;
  return fields as unknown as TargetStatus;
}

/** A lock to let go of together with a status write: its key and the owner token it was taken with. */
export interface LockHandover {
  key: string;
  owner: string;
}

/**
 * The success record, replacing the old one, and (KEYS[2], ARGV[2]) the release of the rotation's lock
 * if this owner still holds it: one atomic step, one command (a MULTI of DEL, HSET and a release costs
 * five, and cannot be pipelined with other commands).
 */
const succeededScript = redisScript(`
redis.call('del', KEYS[1])
redis.call('hset', KEYS[1], 'state', 'ok', 'lastAttemptAt', ARGV[1], 'since', ARGV[1])
if KEYS[2] and redis.call('get', KEYS[2]) == ARGV[2] then redis.call('del', KEYS[2]) end
return 1
`);

export function makeTargetStatusStore(redis: RedisClient, prefix: string) {
  const key = (targetId: string) => targetStatusKey(prefix, targetId);
  return {
    async get(targetId: string): Promise<TargetStatus | undefined> {
      return readTargetStatus(await redis.hgetall(key(targetId)));
    },
    /**
     * Replaces the record in one atomic step: no reader sees it half written or gone. `release` lets go
     * of the rotation's lock in the same step (one round trip for both).
     */
    async succeeded(targetId: string, at = new Date(), release?: LockHandover): Promise<void> {
      const when = at.toISOString();
      const keys = release ? [key(targetId), release.key] : [key(targetId)];
      await succeededScript(redis, keys, release ? [when, release.owner] : [when]);
    },
    async failed(targetId: string, state: Exclude<TargetState, 'ok'>, code: string, message: string): Promise<void> {
      const at = new Date().toISOString();
      const previous = await redis.hget(key(targetId), 'state');
      await redis.hset(key(targetId), {
        state,
        lastErrorCode: code,
        lastError: message.slice(0, 500),
        lastAttemptAt: at,
        ...(previous === state ? {} : { since: at }),
      });
    },
    /** Notes what is left for a person after a success (shown by `rotor status`); the next success clears it. */
    async notice(targetId: string, code: string, message: string): Promise<void> {
      await redis.hset(key(targetId), { noticeCode: code, notice: message.slice(0, 500) });
    },
    /** Only reconcile clears out-of-sync. */
    async clear(targetId: string): Promise<void> {
      await redis.del(key(targetId));
    },
  };
}

export type TargetStatusStore = ReturnType<typeof makeTargetStatusStore>;
