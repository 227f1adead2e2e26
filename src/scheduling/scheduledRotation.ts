import type { TargetConfig } from '../config/schema.js';
import type { EnqueuedRotation, RotationRequest } from '../queue/enqueueRotation.js';
import type { SecretStore } from '../types/secretStore.js';
import { cooldownEnd, rotatedAtOf, type CooldownSource } from './cooldown.js';
import { planRotation, type RotationPlan, type RotationTiming } from './planRotation.js';

export interface TriggerContext {
  store: Pick<SecretStore, 'readSecret'>;
  enqueue(targetId: string, request: RotationRequest): Promise<EnqueuedRotation>;
  timing(target: TargetConfig): RotationTiming;
  cooldown(target: TargetConfig): CooldownSource;
  now(): number;
}

/**
 * A target's schedule fired: enqueue its rotation, delayed by its jitter offset, past its cooldown,
 * into its maintenance window. Outside the window the job waits for the next opening; it is not failed.
 */
export async function onScheduleFired(
  ctx: TriggerContext,
  target: TargetConfig,
): Promise<{ entry: EnqueuedRotation; plan: RotationPlan }> {
  const now = ctx.now();
  const rotatedAt = rotatedAtOf((await ctx.store.readSecret(target.secretPath))?.customMetadata);
  const notBefore = await cooldownEnd(ctx.cooldown(target), rotatedAt, now);
  const plan = planRotation({ targetId: target.id, now, notBefore, ...ctx.timing(target) });
  const entry = await ctx.enqueue(target.id, {
    requestedBy: 'scheduler',
    reason: plan.why.length > 0 ? `schedule (waits for ${plan.why.join(', ')})` : 'schedule',
    delayMs: plan.delayMs,
  });
  return { entry, plan };
}
