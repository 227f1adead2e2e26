import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../types/redis.js';

/**
 * One rotation per target at a time, across every worker process. The lock carries a fencing token
 * (a per-target counter that only grows), stored in the pending record, so a worker that lost its
 * lock while paused can tell that a newer rotation owns the target.
 */
export interface TargetLock {
  readonly fence: number;
  /** Throws LockLost when another worker holds the lock now. */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

export class LockLost extends Error {
  constructor(targetId: string) {
    super(`target ${targetId}: the rotation lock expired and was taken by another worker`);
    this.name = 'LockLost';
  }
}

const releaseScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const extendScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface LockOptions {
  redis: RedisClient;
  /** Key prefix (the config's redis.prefix). */
  prefix: string;
  /** Lock lifetime without renewal; a killed worker's lock frees itself after this long. */
  ttlMs: number;
}

/** Takes the lock, or returns undefined when another rotation of the same target holds it. */
export async function acquireTargetLock(opts: LockOptions, targetId: string): Promise<TargetLock | undefined> {
  const { redis, prefix, ttlMs } = opts;
  const key = `${prefix}:lock:${targetId}`;
  const owner = randomUUID();
  const ok = await redis.set(key, owner, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return undefined;
  const fence = await redis.incr(`${prefix}:fence:${targetId}`);
  let lost = false;
  // Renew at a third of the lifetime, so two missed renewals still leave the lock alive.
  const timer = setInterval(
    () => {
      redis.eval(extendScript, 1, key, owner, String(ttlMs)).then(
        (r) => {
          if (r === 0) lost = true;
        },
        () => undefined,
      );
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    fence,
    async assertHeld() {
      if (lost || (await redis.get(key)) !== owner) {
        lost = true;
        throw new LockLost(targetId);
      }
    },
    async release() {
      clearInterval(timer);
      await redis.eval(releaseScript, 1, key, owner);
    },
  };
}
