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
