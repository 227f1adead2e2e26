import { Cluster, type RedisOptions } from 'ioredis';
import { hasHashTag, type RedisClusterConfig } from '../config/redisSchema.js';
import type { RotorConfig } from '../config/schema.js';
import { collectConnections, makeRedisConnection } from './redis.js';
import { endpointOptions, type RedisEndpoint } from './redisTls.js';
import type { RedisClient } from '../types/redis.js';

export type { RedisClient } from '../types/redis.js';

export interface RedisSettings extends RedisEndpoint {
  prefix: string;
  cluster?: RedisClusterConfig;
}

/** The connection settings of the config's (already validated) `redis` section. */
export function redisSettingsOf(redis: RotorConfig['redis']): RedisSettings {
  return {
    url: redis.url,
    prefix: redis.prefix,
    ...(redis.cluster ? { cluster: redis.cluster } : {}),
    ...(redis.tls ? { tls: redis.tls } : {}),
    ...(redis.username ? { username: redis.username } : {}),
    ...(redis.password ? { password: redis.password } : {}),
  };
}

/** Fails with the fix when a cluster is configured without a hash-tagged prefix (BullMQ's scripts would fail). */
export function assertClusterPrefix(settings: RedisSettings): void {
  if (settings.cluster && !hasHashTag(settings.prefix)) {
    throw new Error(
      `redis.prefix "${settings.prefix}": with redis.cluster the prefix needs a hash tag, e.g. "{${settings.prefix}}", ` +
        'so that every key of a queue lands in one cluster slot',
    );
  }
}

/** Credentials and TLS from the URL, and `redis.tls`, `redis.username`, `redis.password`, apply to every cluster node. */
function nodeOptions(settings: RedisSettings): RedisOptions {
  const parsed = new URL(settings.url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...endpointOptions(settings),
  };
}

/**
 * A connection to the configured Redis. Like `makeRedisConnection`, it has `maxRetriesPerRequest: null`
 * (BullMQ workers need it); pass `{ maxRetriesPerRequest: 1 }` for a CLI that should fail, not hang.
 */
export function makeRedisClient(settings: RedisSettings, extra: RedisOptions = {}): RedisClient {
  if (!settings.cluster) return makeRedisConnection(settings, extra);
  assertClusterPrefix(settings);
  return new Cluster(settings.cluster.nodes, {
    enableReadyCheck: true,
    redisOptions: { maxRetriesPerRequest: null, ...nodeOptions(settings), ...extra },
  });
}

/** Every client a component made, closed together (BullMQ never closes a connection it was handed). */
export function makeClientSet(settings: RedisSettings) {
  return collectConnections((extra) => makeRedisClient(settings, extra));
}

export type ClientSet = ReturnType<typeof makeClientSet>;
