import type { TargetConfig } from '../config/schema.js';
import type { EnqueuedRotation, RotationRequest } from '../queue/enqueueRotation.js';
import type { SecretStore } from '../types/secretStore.js';
import { cooldownEnd, rotatedAtOf, type CooldownSource } from './cooldown.js';
import { mapLimit } from '../queue/mapLimit.js';
import { planRotation, type RotationTiming } from './planRotation.js';

export interface DueTarget {
  target: TargetConfig;
  rotatedAt?: Date;
  /** `onboarding`: never rotated and never seen: a heartbeat, not a rotation (scheduling/onboarding.ts). */
  why: 'never-rotated' | 'max-age' | 'onboarding';
}

/**
 * How the sweep treats a target rotor has never rotated (no `rotated_at`): `rotate` it, or onboard it
 * (`verify`): the first sight gets one heartbeat; once seen, its age counts from when its secret was
 * last written, so the sweep rotates it on its own schedule instead of everyone at once.
 */
export interface OnboardingRule {
  mode(target: TargetConfig): 'verify' | 'rotate';
  /** True once the target had its first heartbeat. */
  seen(targetId: string): Promise<boolean>;
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
  onboarding?: OnboardingRule,
): Promise<{ due: DueTarget[]; errors: { targetId: string; error: string }[] }> {
  const errors: { targetId: string; error: string }[] = [];
  const checked = await mapLimit(
    targets.filter((t) => t.maxAge !== undefined),
    8,
    async (target): Promise<DueTarget | undefined> => {
      try {
        const secret = await store.readSecret(target.secretPath);
        const rotatedAt = rotatedAtOf(secret?.customMetadata);
        if (!rotatedAt) {
          if (!secret || !onboarding || onboarding.mode(target) === 'rotate') return { target, why: 'never-rotated' };
          if (!(await onboarding.seen(target.id))) return { target, why: 'onboarding' };
          return storedAgeDue(target, secret.createdTime, now);
        }
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

/**
 * An onboarded secret's age: since its current version was written (the KV metadata's `updated_time`
 * unless only metadata changed since). Due past `maxAge`; an unreadable time counts as due.
 */
function storedAgeDue(target: TargetConfig, createdTime: string, now: number): DueTarget | undefined {
  const written = Date.parse(createdTime);
  if (Number.isNaN(written)) return { target, why: 'max-age' };
  return now - written > (target.maxAge as number)
    ? { target, rotatedAt: new Date(written), why: 'max-age' }
    : undefined;
}

export interface SweepContext {
  targets: readonly TargetConfig[];
  store: Pick<SecretStore, 'readSecret'>;
  enqueue(targetId: string, request: RotationRequest): Promise<EnqueuedRotation>;
  timing(target: TargetConfig): RotationTiming;
  cooldown(target: TargetConfig): CooldownSource;
  now(): number;
  /** Onboarding of never-rotated targets; without it they are rotated at once (`onboard: rotate`). */
  onboarding?: OnboardingRule & { heartbeat(target: TargetConfig): Promise<{ state: string }> };
  /**
   * A target whose last rotation failed for good this recently is left alone: it was alerted, and
   * re-trying it every sweep could add lockout strikes. @defaultValue 6 hours
   */
  failedBackoffMs?: number;
}

export interface SweepResult {
  due: number;
  enqueued: { targetId: string; state: EnqueuedRotation['state']; delayMs: number; why: DueTarget['why'] }[];
  /** Targets seen for the first time: a heartbeat was enqueued for each, not a rotation. */
  onboarding: { targetId: string; state: string }[];
  errors: { targetId: string; error: string }[];
}

/** One max-age sweep: find the due targets and enqueue each, inside its maintenance window. */
export async function runSweep(ctx: SweepContext): Promise<SweepResult> {
  const readAt = ctx.now();
  const { due: found, errors } = await findDueTargets(ctx.targets, ctx.store, readAt, ctx.onboarding);
  const onboard = ctx.onboarding;
  const onboarding = onboard
    ? await mapLimit(
        found.filter((d) => d.why === 'onboarding'),
        8,
        async ({ target }) => ({ targetId: target.id, state: (await onboard.heartbeat(target)).state }),
      )
    : [];
  const due = found.filter((d) => d.why !== 'onboarding');
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
  return { due: due.length, enqueued, onboarding, errors };
}
