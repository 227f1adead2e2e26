import { Redis, type RedisOptions } from 'ioredis';
import { describeRedisFailure, endpointOptions, safeUrl, type RedisEndpoint } from './redisTls.js';

export type { RedisEndpoint } from './redisTls.js';

const endpointOf = (e: string | RedisEndpoint): RedisEndpoint => (typeof e === 'string' ? { url: e } : e);

/**
 * A connection for BullMQ. Workers need `maxRetriesPerRequest: null` so a blocked command survives a
 * Redis restart instead of failing the job. An endpoint with `tls` and an ACL user connects with them.
 */
export function makeRedisConnection(endpoint: string | RedisEndpoint, extra: RedisOptions = {}): Redis {
  const e = endpointOf(endpoint);
  return new Redis(e.url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    ...endpointOptions(e),
    ...extra,
  });
}

/**
 * Fails fast, with the fix in the message, when nothing answers at the endpoint, its TLS certificate
 * is not trusted, or it refuses the ACL user.
 */
export async function assertRedisReachable(endpoint: string | RedisEndpoint, timeoutMs = 3000): Promise<void> {
  const e = endpointOf(endpoint);
  const probe = new Redis(e.url, {
    ...endpointOptions(e),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  let lastError: unknown;
  probe.on('error', (err: unknown) => (lastError = err));
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const specific = describeRedisFailure(lastError, e) ?? describeRedisFailure(err, e);
    if (specific) throw new Error(specific);
    throw new Error(
      `Redis does not answer at ${safeUrl(e.url)}. Start one with: redis-server --daemonize yes --port 6379 --save '' ` +
        `(or docker compose up -d redis), or point ROTOR_REDIS_URL at yours.`,
    );
  } finally {
    probe.disconnect();
  }
}

interface Closeable {
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * BullMQ never closes a connection it was handed, so whoever creates one must. This keeps every
 * connection a component made, to close them together at shutdown.
 */
export function collectConnections<T extends Closeable>(make: (extra: RedisOptions) => T) {
  const made: T[] = [];
  return {
    create(extra: RedisOptions = {}): T {
      const connection = make(extra);
      made.push(connection);
      return connection;
    },
    async closeAll(): Promise<void> {
      await Promise.all(made.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/** Connections to one (non-cluster) Redis, closed together. */
export function makeConnectionSet(endpoint: string | RedisEndpoint) {
  return collectConnections((extra) => makeRedisConnection(endpoint, extra));
}
