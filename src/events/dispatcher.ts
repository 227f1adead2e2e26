import type { TargetConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { RedisClient } from '../types/redis.js';
import { parseRecord, toCloudEvent, type OutgoingEvent } from './cloudEvent.js';
import type { EventMetrics } from './metrics.js';
import type { Outbox } from './outbox.js';
import { claimScript, fanOutScript } from './outboxKeys.js';
import type { EventsConfig } from './schema.js';
import { DeliveryFailed, type Subscriber } from './subscribers.js';

export interface EventDispatcherOptions {
  redis: RedisClient;
  outbox: Outbox;
  delivery: EventsConfig['delivery'];
  subscribers: Subscriber[];
  target: (id: string) => TargetConfig | undefined;
  logger: Logger;
  metrics?: EventMetrics;
}

export interface EventDispatcher {
  /** One round: fan new outbox entries out to the subscribers, then try every due delivery. */
  runOnce(): Promise<void>;
  close(): Promise<void>;
}

/** How long a claimed delivery is left alone by other dispatchers, beyond the subscriber's timeout. */
const leaseMarginMs = 30_000;
const page = 100;

/** The delay before try `tries + 1`: doubling from initialDelayMs, capped, with ±10% jitter. */
export function backoffMs(tries: number, delivery: EventsConfig['delivery']): number {
  const base = Math.min(delivery.maxDelayMs, delivery.initialDelayMs * 2 ** Math.min(tries - 1, 30));
  return Math.round(base * (0.9 + Math.random() * 0.2));
}

export function safeError(err: unknown): string {
  return err instanceof DeliveryFailed ? err.message : err instanceof Error ? err.name : 'Error';
}

/**
 * Delivers the outbox at least once to every subscriber, each at its own pace: a subscriber that is
 * down delays only its own deliveries. Several dispatchers (one per worker) may run against one
 * Redis; the fan-out cursor and the claim leases keep them from sending the same try twice.
 */
export function startEventDispatcher(options: EventDispatcherOptions): EventDispatcher {
  const { redis, outbox, delivery, subscribers, logger, metrics } = options;
  const keys = outbox.keys;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  async function fanOut(): Promise<void> {
    for (;;) {
      const cursor = (await redis.get(keys.cursor)) ?? '0-0';
      const rows = (await redis.xrange(keys.outbox, `(${cursor}`, '+', 'COUNT', page)) as Array<[string, string[]]>;
      if (rows.length === 0) return;
      const wanted = subscribers.map(() => [] as OutgoingEvent[]);
      for (const [entryId, fields] of rows) {
        const record = parseRecord(fields);
        const target = record?.targetId ? options.target(record.targetId) : undefined;
        const event = record && toCloudEvent(entryId, record, target, outbox.source);
        if (!event) continue;
        subscribers.forEach((s, i) => s.wants(event, target) && wanted[i]?.push(event));
      }
      const last = rows[rows.length - 1]?.[0] as string;
      const args = [
        cursor,
        last,
        String(Date.now()),
        ...wanted.flatMap((w) => [String(w.length), ...w.map((e) => e.entryId)]),
      ];
      const moved = await redis.eval(
        fanOutScript,
        1 + subscribers.length,
        keys.cursor,
        ...subscribers.map((s) => keys.due(s.name)),
        ...args,
      );
      if (moved !== 1) continue; // another dispatcher took this page: read on from where it left
      for (const [i, events] of wanted.entries()) {
        const subscriber = (subscribers[i] as Subscriber).name;
        for (const event of events) await outbox.setState(event, { subscriber, state: 'pending', tries: 0 });
      }
      if (rows.length < page) return;
    }
  }

  async function deliverDue(subscriber: Subscriber): Promise<void> {
    const lease = leaseMarginMs + 60_000;
    const ids = (await redis.eval(
      claimScript,
      1,
      keys.due(subscriber.name),
      String(Date.now()),
      String(lease),
      '20',
    )) as string[];
    for (const entryId of ids) {
      if (closed) return;
      const event = await outbox.read(entryId);
      if (!event) {
        logger.warn({ subscriber: subscriber.name, entryId }, 'event no longer in the outbox (trimmed); skipped');
        await redis.zrem(keys.due(subscriber.name), entryId);
        continue;
      }
      try {
        await subscriber.deliver(event);
        const tries = Number((await redis.hget(keys.tries(subscriber.name), entryId)) ?? '0') + 1;
        await outbox.delivered(subscriber.name, event, tries);
        metrics?.delivered(subscriber.name);
        logger.info(
          {
            subscriber: subscriber.name,
            eventId: event.cloudEvent.id,
            type: event.type,
            targetId: event.data.targetId,
          },
          'event delivered',
        );
      } catch (err) {
        const error = safeError(err);
        const tries = await outbox.failed(subscriber.name, event, error);
        metrics?.failed(subscriber.name);
        if (tries >= delivery.maxTries) {
          await outbox.deadLetter(subscriber.name, event, tries, error);
          metrics?.deadLettered(subscriber.name);
          logger.error(
            { subscriber: subscriber.name, eventId: event.cloudEvent.id, tries, error },
            'event dead-lettered after its last try',
          );
        } else {
          const waitMs = backoffMs(tries, delivery);
          await outbox.retryAt(subscriber.name, entryId, Date.now() + waitMs);
          logger.warn(
            { subscriber: subscriber.name, eventId: event.cloudEvent.id, tries, error, retryInMs: waitMs },
            'event delivery failed; retrying',
          );
        }
      }
    }
  }

  async function runOnce(): Promise<void> {
    await fanOut();
    await Promise.all(subscribers.map((s) => deliverDue(s)));
  }

  const tick = () => {
    running = runOnce()
      .catch((err: unknown) => logger.warn({ err }, 'event dispatch round failed; next round retries'))
      .finally(() => {
        running = undefined;
        if (!closed) timer = setTimeout(tick, delivery.pollIntervalMs);
      });
  };
  if (subscribers.length > 0) timer = setTimeout(tick, 0);

  return {
    runOnce,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
