import type { Registry } from 'prom-client';
import type { RotorConfig, TargetConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { RedisClient } from '../types/redis.js';
import type { SecretStore } from '../types/secretStore.js';
import { startEventDispatcher, type EventDispatcher } from './dispatcher.js';
import { makeEventMetrics } from './metrics.js';
import { makeOutbox, type Outbox } from './outbox.js';
import { outboxKeys } from './outboxKeys.js';
import { subscribersOf, type Subscriber, type VaultReader } from './subscribers.js';

export type { DeliveryState } from './types.js';

/** The outbox key for the audit log, when any subscriber is configured (else nothing is recorded). */
export function outboxKeyOf(config: RotorConfig): string | undefined {
  const { webhooks, commands } = config.events;
  return webhooks.length + commands.length > 0 ? outboxKeys(config.redis.prefix).outbox : undefined;
}

export interface EventsRuntime {
  outbox: Outbox;
  subscribers: Subscriber[];
}

export function makeEventsRuntime(
  config: RotorConfig,
  redis: RedisClient,
  store: Pick<SecretStore, 'readSecret'>,
): EventsRuntime {
  const byId = new Map(config.targets.map((t) => [t.id, t]));
  const target = (id: string): TargetConfig | undefined => byId.get(id);
  const readVault: VaultReader = async (path) => (await store.readSecret(path))?.data;
  const subscribers = subscribersOf(config.events, readVault);
  const outbox = makeOutbox(
    redis,
    config.redis.prefix,
    config.events.source,
    target,
    subscribers.map((s) => s.name),
  );
  return { outbox, subscribers };
}

/** Starts delivering the outbox in `rotor worker` / `rotor run`; a no-op without subscribers. */
export function startEvents(
  config: RotorConfig,
  redis: RedisClient,
  store: Pick<SecretStore, 'readSecret'>,
  logger: Logger,
  registry?: Registry,
): EventDispatcher {
  const { outbox, subscribers } = makeEventsRuntime(config, redis, store);
  const byId = new Map(config.targets.map((t) => [t.id, t]));
  return startEventDispatcher({
    redis,
    outbox,
    delivery: config.events.delivery,
    subscribers,
    target: (id) => byId.get(id),
    logger: logger.child({ component: 'events' }),
    metrics: registry && subscribers.length > 0 ? makeEventMetrics(registry) : undefined,
  });
}
