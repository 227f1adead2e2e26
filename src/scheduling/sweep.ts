import type { TargetConfig } from '../config/schema.js';
import type { EnqueuedRotation, RotationRequest } from '../queue/enqueueRotation.js';
import type { SecretStore } from '../types/secretStore.js';
import { cooldownEnd, rotatedAtOf, type CooldownSource } from './cooldown.js';
import { mapLimit } from '../queue/mapLimit.js';
import { planRotation, type RotationTiming } from './planRotation.js';

export interface DueTarget {
  target: TargetConfig;
  rotatedAt?: Date;
  why: 'never-rotated' | 'max-age';
}

/**
 * Targets whose password is older than their `maxAge`, or that rotor never rotated, judged by what
 * Vault says (`custom_metadata.rotated_at`), never by Redis: the books must not say "rotated" when
 * the secret says otherwise. Targets without `maxAge` are never due here (their schedule covers them).
 */
export async function findDueTargets(
  targets: readonly TargetConfig[],
  store: Pick<SecretStore, 'readSecret'>,
  now: number,
): Promise<{ due: DueTarget[]; errors: { targetId: string; error: string }[] }> {
  const errors: { targetId: string; error: string }[] = [];
  const checked = await mapLimit(
    targets.filter((t) => t.maxAge !== undefined),
    8,
    async (target): Promise<DueTarget | undefined> => {
      try {
        const rotatedAt = rotatedAtOf((await store.readSecret(target.secretPath))?.customMetadata);
        if (!rotatedAt) return { target, why: 'never-rotated' };
        return now - rotatedAt.getTime() > (target.maxAge as number)
          ? { target, rotatedAt, why: 'max-age' }
          : undefined;
      } catch (err) {
        errors.push({ targetId: target.id, error: err instanceof Error ? err.message : String(err) });
        return undefined;
      }
    },
  );
  return { due: checked.filter((d): d is DueTarget => d !== undefined), errors };
}

export interface SweepContext {
  targets: readonly TargetConfig[];
  store: Pick<SecretStore, 'readSecret'>;
  enqueue(targetId: string, request: RotationRequest): Promise<EnqueuedRotation>;
  timing(target: TargetConfig): RotationTiming;
  cooldown(target: TargetConfig): CooldownSource;
  now(): number;
  /**
   * A target whose last rotation failed for good this recently is left alone: it was alerted, and
   * re-trying it every sweep could add lockout strikes. @defaultValue 6 hours
   */
  failedBackoffMs?: number;
}

export interface SweepResult {
  due: number;
  enqueued: { targetId: string; state: EnqueuedRotation['state']; delayMs: number; why: DueTarget['why'] }[];
  errors: { targetId: string; error: string }[];
}

/** One max-age sweep: find the due targets and enqueue each, inside its maintenance window. */
export async function runSweep(ctx: SweepContext): Promise<SweepResult> {
  const readAt = ctx.now();
  const { due, errors } = await findDueTargets(ctx.targets, ctx.store, readAt);
  const enqueued = await mapLimit(due, 8, async ({ target, rotatedAt, why }) => {
    const now = ctx.now();
    const notBefore = await cooldownEnd(ctx.cooldown(target), rotatedAt, now);
    const plan = planRotation({ targetId: target.id, now, notBefore, ...ctx.timing(target) });
    const entry = await ctx.enqueue(target.id, {
      requestedBy: 'scheduler',
      reason: why === 'never-rotated' ? 'max-age sweep: never rotated' : 'max-age sweep: older than maxAge',
      delayMs: plan.delayMs,
      // Vault was read at `readAt`: a rotation that completed since then makes that reading stale.
      skipIfFinished: { completedSince: readAt, failedSince: now - (ctx.failedBackoffMs ?? 6 * 3_600_000) },
    });
    return { targetId: target.id, state: entry.state, delayMs: plan.delayMs, why };
  });
  return { due: due.length, enqueued, errors };
}
