import { describe, it } from '@jest/globals';
import { findOnPath } from './onPath.js';

/** `.ci/run` sets ROTOR_REQUIRE_REDIS_SERVER=1: there a missing redis-server is a failure, not a skip. */
export const redisServerRequired = process.env.ROTOR_REQUIRE_REDIS_SERVER === '1';

/**
 * Tests that stop or reconfigure Redis start one of their own (`redis-server` on a free port), never
 * touching the shared one on 6379. A machine whose Redis runs elsewhere (a container) has no
 * redis-server: those tests are skipped there with one line saying what to install.
 */
export const ownRedisAvailable = redisServerRequired || findOnPath('redis-server') !== undefined;

if (!ownRedisAvailable) {
  process.stderr.write(
    "tests that start a Redis of their own skipped: no redis-server on PATH; install Debian's redis-server " +
      'package (apt-get install redis-server) or put redis-server on PATH\n',
  );
}

export function describeWithOwnRedis(name: string, body: () => void): void {
  (ownRedisAvailable ? describe : describe.skip)(name, body);
}

export function itWithOwnRedis(name: string, test: () => Promise<void>, timeoutMs?: number): void {
  (ownRedisAvailable ? it : it.skip)(name, test, timeoutMs);
}
