import { Counter, type Registry } from 'prom-client';

/** Per-subscriber delivery counts (subscriber names are config names: a small, checked set). */
export interface EventMetrics {
  delivered(subscriber: string): void;
  failed(subscriber: string): void;
  deadLettered(subscriber: string): void;
}

export function makeEventMetrics(registry: Registry): EventMetrics {
  const deliveries = new Counter({
    name: 'rotor_event_deliveries_total',
    help: 'Events delivered to a subscriber (webhook or command)',
    labelNames: ['subscriber'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'rotor_event_delivery_failures_total',
    help: 'Failed delivery tries per subscriber (each is retried with backoff until its last try)',
    labelNames: ['subscriber'],
    registers: [registry],
  });
  const dead = new Counter({
    name: 'rotor_event_dead_letters_total',
    help: 'Events moved to the dead letters after their last failed try',
    labelNames: ['subscriber'],
    registers: [registry],
  });
  return {
    delivered: (s) => deliveries.inc({ subscriber: s }),
    failed: (s) => failures.inc({ subscriber: s }),
    deadLettered: (s) => dead.inc({ subscriber: s }),
  };
}
