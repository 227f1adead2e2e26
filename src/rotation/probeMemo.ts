import type { RedisClient } from '../types/redis.js';

/**
 * Which passwords a rotation already saw refused. A refused login is a lockout strike on the target,
 * so each known password (pending, current) is probed at most once per rotation — across attempts
 * and across worker processes, hence Redis. Holds only the rotation id and which password, never
 * the password.
 */
export type ProbeSubject = 'pending' | 'current';

const ttlSeconds = 7 * 24 * 3600;

export function makeProbeMemo(redis: RedisClient, prefix: string) {
  const key = (rotationId: string) => `${prefix}:probes:${rotationId}`;
  return {
    async refused(rotationId: string): Promise<Set<ProbeSubject>> {
      return new Set((await redis.smembers(key(rotationId))) as ProbeSubject[]);
    },
    async markRefused(rotationId: string, subject: ProbeSubject): Promise<void> {
      await redis.multi().sadd(key(rotationId), subject).expire(key(rotationId), ttlSeconds).exec();
    },
    async forget(rotationId: string): Promise<void> {
      await redis.del(key(rotationId));
    },
  };
}

export type ProbeMemo = ReturnType<typeof makeProbeMemo>;
