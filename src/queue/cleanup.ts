import type { Redis } from 'ioredis';

/** Deletes every key under `prefix` (SCAN, never KEYS, so a large Redis is not blocked). Returns the count. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/([*?[\]])/g, '\\$1')}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
