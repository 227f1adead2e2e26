import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connection for BullMQ. Workers need `maxRetriesPerRequest: null` so a blocked command survives a
 * Redis restart instead of failing the job.
 */
export function makeRedisConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...extra });
}

/** Fails fast, with the fix in the message, when nothing answers at `url`. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch {
    const safeUrl = url.replace(/\/\/[^@/]*@/, '//***@');
    throw new Error(
      `Redis does not answer at ${safeUrl}. Start one with: redis-server --daemonize yes --port 6379 --save '' ` +
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
export function makeConnectionSet(url: string) {
  return collectConnections((extra) => makeRedisConnection(url, extra));
}
