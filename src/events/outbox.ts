import type { RedisClient } from '../types/redis.js';
import type { TargetConfig } from '../config/schema.js';
import { parseRecord, toCloudEvent, type OutgoingEvent } from './cloudEvent.js';
import { outboxKeys, type OutboxKeys } from './outboxKeys.js';
import type { DeliveryState } from './types.js';

/** A delivery that kept failing, as `rotor events list` shows it. Ids and codes only. */
export interface DeadLetter {
  subscriber: string;
  entryId: string;
  eventId: string;
  type: string;
  targetId: string;
  rotationId?: string;
  tries: number;
  lastError: string;
  deadAt: string;
}

/** The outbox's bookkeeping in Redis, shared by the dispatcher and `rotor events`. */
export interface Outbox {
  keys: OutboxKeys;
  /** The CloudEvents `source` (config `events.source`). */
  source: string;
  /** The outbox entry as an event ready to send; undefined when trimmed or not rotor's. */
  read(entryId: string): Promise<OutgoingEvent | undefined>;
  delivered(subscriber: string, event: OutgoingEvent, tries: number): Promise<void>;
  /** Counts a failed try; returns the tries so far. */
  failed(subscriber: string, event: OutgoingEvent, error: string): Promise<number>;
  retryAt(subscriber: string, entryId: string, at: number): Promise<void>;
  deadLetter(subscriber: string, event: OutgoingEvent, tries: number, error: string): Promise<void>;
  deadLetters(subscriber?: string): Promise<DeadLetter[]>;
  drop(subscriber: string, entryId: string): Promise<boolean>;
  /** Delivery states for a target's latest event, one per subscriber. */
  lastStates(targetId: string): Promise<DeliveryState[]>;
  setState(
    event: OutgoingEvent,
    state: Omit<DeliveryState, 'eventId' | 'type' | 'rotationId' | 'updatedAt'>,
  ): Promise<void>;
}

export function makeOutbox(
  redis: RedisClient,
  prefix: string,
  source: string,
  targets: (id: string) => TargetConfig | undefined,
  subscribers: string[],
): Outbox {
  const keys = outboxKeys(prefix);
  const stateOf = (event: OutgoingEvent, s: Omit<DeliveryState, 'eventId' | 'type' | 'rotationId' | 'updatedAt'>) =>
    JSON.stringify({
      ...s,
      eventId: event.cloudEvent.id,
      type: event.type,
      rotationId: event.data.rotationId,
      updatedAt: new Date().toISOString(),
    } satisfies DeliveryState);

  return {
    keys,
    source,
    async read(entryId) {
      const rows = (await redis.xrange(keys.outbox, entryId, entryId)) as Array<[string, string[]]>;
      const row = rows[0];
      const record = row ? parseRecord(row[1]) : undefined;
      if (!row || !record) return undefined;
      return toCloudEvent(row[0], record, record.targetId ? targets(record.targetId) : undefined, source);
    },
    async delivered(subscriber, event, tries) {
      await redis
        .multi()
        .zrem(keys.due(subscriber), event.entryId)
        .hdel(keys.tries(subscriber), event.entryId)
        .hdel(keys.dead(subscriber), event.entryId)
        .hset(
          keys.last(event.data.targetId),
          subscriber,
          stateOf(event, { subscriber, state: 'delivered', tries, deliveredAt: new Date().toISOString() }),
        )
        .exec();
    },
    async failed(subscriber, event, error) {
      const tries = await redis.hincrby(keys.tries(subscriber), event.entryId, 1);
      await this.setState(event, { subscriber, state: 'pending', tries, lastError: error });
      return tries;
    },
    async retryAt(subscriber, entryId, at) {
      await redis.zadd(keys.due(subscriber), 'XX', at, entryId);
    },
    async deadLetter(subscriber, event, tries, error) {
      const letter: DeadLetter = {
        subscriber,
        entryId: event.entryId,
        eventId: event.cloudEvent.id,
        type: event.type,
        targetId: event.data.targetId,
        rotationId: event.data.rotationId,
        tries,
        lastError: error,
        deadAt: new Date().toISOString(),
      };
      await redis
        .multi()
        .zrem(keys.due(subscriber), event.entryId)
        .hdel(keys.tries(subscriber), event.entryId)
        .hset(keys.dead(subscriber), event.entryId, JSON.stringify(letter))
        .hset(
          keys.last(event.data.targetId),
          subscriber,
          stateOf(event, { subscriber, state: 'dead', tries, lastError: error }),
        )
        .exec();
    },
    async deadLetters(subscriber) {
      const names = subscriber ? [subscriber] : subscribers;
      const out: DeadLetter[] = [];
      for (const name of names) {
        const all = await redis.hgetall(keys.dead(name));
        for (const text of Object.values(all)) out.push(JSON.parse(text) as DeadLetter);
      }
      return out.sort((a, b) => a.deadAt.localeCompare(b.deadAt));
    },
    async drop(subscriber, entryId) {
      return (await redis.hdel(keys.dead(subscriber), entryId)) > 0;
    },
    async lastStates(targetId) {
      const all = await redis.hgetall(keys.last(targetId));
      return Object.values(all)
        .map((t) => JSON.parse(t) as DeliveryState)
        .sort((a, b) => a.subscriber.localeCompare(b.subscriber));
    },
    async setState(event, state) {
      await redis.hset(keys.last(event.data.targetId), state.subscriber, stateOf(event, state));
    },
  };
}
