import type { Rotor } from '../../app/makeRotor.js';

/**
 * The scheduler half of `rotor run` (schedule sync and the max-age sweep). Until the scheduler
 * exists this starts nothing, and `rotor run` says so in its log rather than pretending to schedule.
 */
export async function startSchedulerParts(rotor: Rotor): Promise<{ close(): Promise<void> }> {
  rotor.logger.warn('scheduling is not implemented yet: rotor run rotates only what is enqueued');
  return { close: async () => undefined };
}
