import type { RedisClient } from '../types/redis.js';

/**
 * What the last heartbeat of a target found, at `{prefix}:heartbeat:{targetId}`: when it ran, its
 * result, and when the password Vault holds last logged in. Codes and rotor's messages only, never a
 * secret. A target with a record has been seen: onboarding is over for it (scheduling/sweep.ts).
 */
export type HeartbeatResult = 'verified' | 'drifted' | 'unverifiable' | 'skipped';

export interface HeartbeatRecord {
  /** When the last heartbeat ran (ISO time). */
  at: string;
  result: HeartbeatResult;
  /** Why it was skipped, why the kind cannot verify, or what drifted. */
  message?: string;
  /** When the password Vault holds last logged in (a `verified` heartbeat). */
  lastVerified?: string;
}

export function heartbeatKey(prefix: string, targetId: string): string {
  return `${prefix}:heartbeat:${targetId}`;
}

export function makeHeartbeatStore(redis: RedisClient, prefix: string) {
  return {
    async get(targetId: string): Promise<HeartbeatRecord | undefined> {
      const raw = await redis.hgetall(heartbeatKey(prefix, targetId));
      if (!raw.at || !raw.result) return undefined;
      return raw as unknown as HeartbeatRecord;
    },
    /** Records one heartbeat; `lastVerified` is kept from earlier records unless this one sets it. */
    async record(targetId: string, record: HeartbeatRecord): Promise<void> {
      const key = heartbeatKey(prefix, targetId);
      const fields: Record<string, string> = { at: record.at, result: record.result };
      if (record.lastVerified) fields.lastVerified = record.lastVerified;
      const multi = redis.multi().hset(key, fields);
      if (record.message) multi.hset(key, 'message', record.message.slice(0, 500));
      else multi.hdel(key, 'message');
      await multi.exec();
    },
  };
}

export type HeartbeatStore = ReturnType<typeof makeHeartbeatStore>;
