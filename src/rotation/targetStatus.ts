import type { ChainableCommander } from 'ioredis';
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

export const targetStatusKey = (prefix: string, targetId: string) => `${prefix}:status:${targetId}`;

/** The record from its hash's fields, flat (`HGETALL` as a Lua script returns it) or as an object. */
export function readTargetStatus(raw: Record<string, string> | string[]): TargetStatus | undefined {
  const fields: Record<string, string> = Array.isArray(raw) ? {} : raw;
  if (Array.isArray(raw)) for (let i = 0; i + 1 < raw.length; i += 2) fields[raw[i] as string] = raw[i + 1] as string;
  if (!fields.state) return undefined;
  return fields as unknown as TargetStatus;
}

export function makeTargetStatusStore(redis: RedisClient, prefix: string) {
  const key = (targetId: string) => targetStatusKey(prefix, targetId);
  return {
    async get(targetId: string): Promise<TargetStatus | undefined> {
      return readTargetStatus(await redis.hgetall(key(targetId)));
    },
    /**
     * Replaces the record in one transaction: no reader sees it half written or gone. `also` adds
     * commands to the same transaction (the rotation's lock release: one round trip for both).
     */
    async succeeded(targetId: string, at = new Date(), also?: (tx: ChainableCommander) => void): Promise<void> {
      const tx = redis
        .multi()
        .del(key(targetId))
        .hset(key(targetId), { state: 'ok', lastAttemptAt: at.toISOString(), since: at.toISOString() });
      also?.(tx);
      const replies = await tx.exec();
      const failed = replies?.find(([err]) => err);
      if (failed) throw failed[0];
      if (!replies) throw new Error(`target ${targetId}: the status transaction was discarded`);
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
