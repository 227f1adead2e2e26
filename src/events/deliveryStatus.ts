import type { RedisClient } from '../types/redis.js';
import { outboxKeys } from './outboxKeys.js';
import type { DeliveryState } from './types.js';

/** Adds each target's per-subscriber delivery state of its latest announced event. */
export async function withDeliveryStates<T extends { targetId: string }>(
  rows: T[],
  redis: RedisClient,
  prefix: string,
): Promise<Array<T & { deliveries: DeliveryState[] }>> {
  const keys = outboxKeys(prefix);
  return Promise.all(
    rows.map(async (row) => {
      const all = await redis.hgetall(keys.last(row.targetId));
      const deliveries = Object.values(all)
        .map((t) => JSON.parse(t) as DeliveryState)
        .sort((a, b) => a.subscriber.localeCompare(b.subscriber));
      return { ...row, deliveries };
    }),
  );
}

export function renderDeliveries(deliveries: DeliveryState[]): string {
  if (deliveries.length === 0) return '';
  const lines = deliveries.map((d) => {
    const what =
      d.state === 'delivered'
        ? `delivered at ${d.deliveredAt ?? d.updatedAt}`
        : d.state === 'dead'
          ? `dead-lettered after ${d.tries} tries (${d.lastError ?? 'failed'}); see rotor events list`
          : d.tries > 0
            ? `pending, ${d.tries} failed tries (${d.lastError ?? 'failed'})`
            : 'pending';
    return `  ${d.subscriber}: ${d.type} ${what}`;
  });
  return `\nconsumers of the latest event:\n${lines.join('\n')}\n`;
}
