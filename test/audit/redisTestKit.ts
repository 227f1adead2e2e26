import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { auditKeys } from '../../src/audit/appendScript.js';
import type { AuditEvent } from '../../src/audit/types.js';
import { silentLogger } from '../../src/observability/logger.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';

export const redisUrl = process.env.ROTOR_REDIS_URL ?? 'redis://127.0.0.1:6379';
export { silentLogger };

/** A fresh key prefix per test, so suites sharing the one real Redis never see each other's chains. */
export function testPrefix(): string {
  return `test-${randomUUID()}`;
}

export function connect(): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: 1 });
}

export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  await deleteKeysWithPrefix(redis, prefix);
}

/** A secret-free event as the rotation engine writes them. */
export function sampleEvent(n: number, overrides: Partial<Omit<AuditEvent, 'time'>> = {}): Omit<AuditEvent, 'time'> {
  return {
    type: 'rotation.step',
    actor: 'worker',
    targetId: `target-${n % 3}`,
    kind: 'huawei-iam-user',
    rotationId: `rot-${n}`,
    step: 'commit',
    attempt: 1,
    ...overrides,
  };
}

/**
 * Rewrites the stream as an attacker with Redis access could (streams cannot be edited in place):
 * `edit` receives the stored entries and returns the ones to write back, in order.
 */
export async function rewriteStream(
  redis: Redis,
  prefix: string,
  edit: (entries: Array<Record<string, unknown>>) => Array<Record<string, unknown>>,
): Promise<void> {
  const { stream } = auditKeys(prefix);
  const stored = await redis.xrange(stream, '-', '+');
  const entries = stored.map(([, fields]) => JSON.parse(fields[1] as string) as Record<string, unknown>);
  const rewritten = edit(entries);
  await redis.del(stream);
  for (const entry of rewritten) await redis.xadd(stream, '*', 'e', JSON.stringify(entry));
}
