import type { RedisClient } from '../types/redis.js';

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

export function makeTargetStatusStore(redis: RedisClient, prefix: string) {
  const key = (targetId: string) => `${prefix}:status:${targetId}`;
  return {
    async get(targetId: string): Promise<TargetStatus | undefined> {
      const raw = await redis.hgetall(key(targetId));
      if (!raw.state) return undefined;
      return raw as unknown as TargetStatus;
    },
    async succeeded(targetId: string, at = new Date()): Promise<void> {
      await redis.del(key(targetId));
      await redis.hset(key(targetId), { state: 'ok', lastAttemptAt: at.toISOString(), since: at.toISOString() });
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
