import { Cluster, type RedisOptions } from 'ioredis';
import { hasHashTag, redisClusterSchema, type RedisClusterConfig } from '../config/schedulingSchema.js';
import { collectConnections, makeRedisConnection } from './redis.js';
import { endpointOptions, redisTlsSchema, type RedisEndpoint } from './redisTls.js';
import type { RedisClient } from '../types/redis.js';

export type { RedisClient } from '../types/redis.js';

export interface RedisSettings extends RedisEndpoint {
  prefix: string;
  cluster?: RedisClusterConfig;
}

/**
 * The config's `redis` section, with `cluster`, `tls`, `username` and `password` read whether or not
 * the loader's schema knows them yet.
 */
export function redisSettingsOf(redis: { url: string; prefix: string }): RedisSettings {
  const r = redis as { cluster?: unknown; tls?: unknown; username?: unknown; password?: unknown };
  const cluster = r.cluster ? redisClusterSchema.parse(r.cluster) : undefined;
  const tls = r.tls ? redisTlsSchema.parse(r.tls) : undefined;
  return {
    url: redis.url,
    prefix: redis.prefix,
    cluster,
    ...(tls ? { tls } : {}),
    ...(typeof r.username === 'string' && r.username ? { username: r.username } : {}),
    ...(typeof r.password === 'string' && r.password ? { password: r.password } : {}),
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
