import { randomUUID } from 'node:crypto';
import { redisScript, type RedisClient } from '../types/redis.js';
import { readTargetStatus, targetStatusKey, type LockHandover, type TargetStatus } from './targetStatus.js';

/**
 * One rotation per target at a time, across every worker process. The lock carries a fencing token
 * (a per-target counter that only grows), stored in the pending record, so a worker that lost its
 * lock while paused can tell that a newer rotation owns the target.
 */
export interface TargetLock {
  readonly fence: number;
  /** The target's status record as it was when the lock was taken (read in the same step). */
  readonly status: TargetStatus | undefined;
  /** Throws LockLost when another worker holds the lock now. */
  assertHeld(): Promise<void>;
  /**
   * Hands the release over to a write the caller sends (the success status, `TargetStatusStore.succeeded`);
   * `release()` then does nothing, unless `undo()` says that write failed.
   */
  handOver(): LockHandover & { undo(): void };
  release(): Promise<void>;
}

export class LockLost extends Error {
  constructor(targetId: string) {
    super(`target ${targetId}: the rotation lock expired and was taken by another worker`);
    this.name = 'LockLost';
  }
}

/** Lock, fence and status in one round trip: KEYS lock, fence, status; ARGV owner, ttl. */
const acquireScript = `
if not redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return false end
return { redis.call('incr', KEYS[2]), redis.call('hgetall', KEYS[3]) }
`;
const acquire = redisScript(acquireScript);
const release = redisScript(
  `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`,
);
const extend = redisScript(
  `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`,
);

export interface LockOptions {
  redis: RedisClient;
  /** Key prefix (the config's redis.prefix). */
  prefix: string;
  /** Lock lifetime without renewal; a killed worker's lock frees itself after this long. */
  ttlMs: number;
}

/**
 * Takes the lock, or returns undefined when another rotation of the same target holds it.
 *
 * Checking the lock asks Redis only when it is needed: a lock set (or renewed) with a lifetime of
 * `ttlMs` cannot expire, and so cannot be taken by anyone else, before `ttlMs` has passed since the
 * command was sent. Within the first two thirds of that time (the last third allows for clock drift
 * between this host and Redis) the lock is known to be held; after it — a worker paused, renewals
 * late — Redis is asked.
 */
export async function acquireTargetLock(opts: LockOptions, targetId: string): Promise<TargetLock | undefined> {
  const { redis, prefix, ttlMs } = opts;
  const key = `${prefix}:lock:${targetId}`;
  const owner = randomUUID();
  const sureFor = (ttlMs * 2) / 3;
  const sentAt = performance.now();
  const reply = (await acquire(
    redis,
    [key, `${prefix}:fence:${targetId}`, targetStatusKey(prefix, targetId)],
    [owner, String(ttlMs)],
  )) as [number, string[]] | null;
  if (!reply) return undefined;
  const [fence, statusFields] = reply;
  let heldUntil = sentAt + sureFor;
  let lost = false;
  let released = false;
  // Renew at a third of the lifetime, so two missed renewals still leave the lock alive.
  const timer = setInterval(
    () => {
      const renewalSent = performance.now();
      extend(redis, [key], [owner, String(ttlMs)]).then(
        (r) => {
          if (r === 0) lost = true;
          else heldUntil = Math.max(heldUntil, renewalSent + sureFor);
        },
        () => undefined,
      );
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    fence: Number(fence),
    status: readTargetStatus(statusFields),
    async assertHeld() {
      if (!lost && performance.now() < heldUntil) return;
      if (lost || (await redis.get(key)) !== owner) {
        lost = true;
        throw new LockLost(targetId);
      }
    },
    handOver() {
      clearInterval(timer);
      released = true;
      return {
        key,
        owner,
        undo: () => {
          released = false;
        },
      };
    },
    async release() {
      clearInterval(timer);
      if (released) return;
      released = true;
      await release(redis, [key], [owner]);
    },
  };
}
