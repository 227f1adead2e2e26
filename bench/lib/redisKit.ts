import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { onCleanup, sleep } from './main.js';

export const redisUrl = process.env.ROTOR_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A key prefix of its own (`bench-<uuid>`) and a plain connection. Every key under the prefix is
 * deleted at the end, also when the benchmark fails or is interrupted.
 */
export function benchRedis(): { prefix: string; redis: Redis } {
  const prefix = `bench-${randomUUID()}`;
  const redis = makeRedisConnection(redisUrl, { maxRetriesPerRequest: 3 });
  onCleanup(async () => {
    await deleteKeysWithPrefix(redis, `${prefix}:`);
    // Once more after a moment: a connection closing as we deleted may still have written a key.
    await sleep(300);
    await deleteKeysWithPrefix(redis, `${prefix}:`);
    await redis.quit().catch(() => redis.disconnect());
  });
  return { prefix, redis };
}

/** `used_memory` from INFO memory (the whole server: other users of this Redis move it too). */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const m = /^used_memory:(\d+)/m.exec(info);
  if (!m) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}

/** Keys under `prefix` and the sum of their MEMORY USAGE (exact: SAMPLES 0), by key type suffix. */
export async function prefixMemory(
  redis: Redis,
  prefix: string,
): Promise<{ keys: number; bytes: number; byKind: Record<string, { keys: number; bytes: number }> }> {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  const byKind: Record<string, { keys: number; bytes: number }> = {};
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length === 0) continue;
    const pipe = redis.pipeline();
    for (const key of batch) pipe.memory('USAGE', key, 'SAMPLES', 0);
    const results = (await pipe.exec()) ?? [];
    batch.forEach((key, i) => {
      const used = Number(results[i]?.[1] ?? 0);
      const kind = keyKind(key.slice(prefix.length + 1));
      const k = (byKind[kind] ??= { keys: 0, bytes: 0 });
      k.keys += 1;
      k.bytes += used;
      keys += 1;
      bytes += used;
    });
  } while (cursor !== '0');
  return { keys, bytes, byKind };
}

/** A key's shape: per-target and numeric parts replaced, e.g. `schedule:repeat:target.*:<n>`. */
function keyKind(rest: string): string {
  return rest
    .replace(/target\.[^:]+/g, 'target.*')
    .replace(/rotate\.[^:]+/g, 'rotate.*')
    .replace(/(lock|fence|status):.+$/, '$1:*')
    .replace(/\b\d{4,}\b/g, '<n>');
}

/**
 * A MONITOR connection. On a busy Redis monitored lines can arrive with MONITOR's own OK, before
 * ioredis is in monitor mode; it reports each as an error event ("Command queue state error"), which
 * must have a listener from the start (`redis.monitor()` adds ours too late): `onLost` counts them.
 */
async function openMonitor(onLost: () => void): Promise<{ connection: Redis; monitor: Redis }> {
  const monitor = new Redis(redisUrl, { monitor: true, lazyConnect: true } as RedisOptions);
  monitor.on('error', onLost);
  const ready = new Promise<void>((resolve) => monitor.once('monitoring', () => resolve()));
  await monitor.connect();
  await ready;
  return { connection: monitor, monitor };
}

/**
 * Counts the round trips that touch keys under `prefix` (MONITOR, on a connection of its own), by
 * command and key area (`evalsha rotate`, `eval rate`, ...): `rotate` is BullMQ's queue, the rest
 * rotor's own keys. Commands Lua scripts run inside Redis are not round trips and are left out.
 * MONITOR slows Redis for everyone while it runs: keep the window short.
 */
export async function monitorRedis(
  prefix: string,
): Promise<{ stop(): Promise<Record<string, number>>; lost(): number }> {
  // Lines that arrive before ioredis is in monitor mode are lost from the count; nothing else is.
  let lost = 0;
  const { connection, monitor } = await openMonitor(() => (lost += 1));
  const counts: Record<string, number> = {};
  // A MULTI … EXEC is one round trip: its commands count once, as `multi <first command's label>`.
  const inTransaction = new Map<string, string | null>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const command = (args[0] ?? '').toLowerCase();
    if (command === 'multi') return void inTransaction.set(source, null);
    if (command === 'exec' || command === 'discard') {
      const label = inTransaction.get(source);
      inTransaction.delete(source);
      if (label) counts[`multi ${label}`] = (counts[`multi ${label}`] ?? 0) + 1;
      return;
    }
    const key = args.find((a) => a.startsWith(`${prefix}:`));
    if (!key) return;
    const label = `${command} ${key.slice(prefix.length + 1).split(':')[0] ?? ''}`;
    if (inTransaction.has(source)) {
      if (inTransaction.get(source) === null) inTransaction.set(source, label);
      return;
    }
    counts[label] = (counts[label] ?? 0) + 1;
  });
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      monitor.disconnect();
      connection.disconnect();
    }
    return { ...counts };
  };
  onCleanup(stop);
  return { stop, lost: () => lost };
}
