import type { HeartbeatConfig, OnboardMode, SchedulingConfig } from '../config/schedulingSchema.js';
import type { TargetConfig } from '../config/schema.js';
import type { EnqueuedHeartbeat, HeartbeatRequest } from '../queue/heartbeatJob.js';
import { mapLimit } from '../queue/mapLimit.js';
import type { HeartbeatRecord } from '../rotation/heartbeatStore.js';
import { planRotation, type RotationTiming } from './planRotation.js';

/** A target's heartbeat: its own, else the `scheduling.heartbeat` default; `heartbeat: false` = none. */
export function heartbeatOf(
  target: TargetConfig,
  scheduling: Pick<SchedulingConfig, 'heartbeat'>,
): HeartbeatConfig | undefined {
  if (target.heartbeat === false) return undefined;
  return target.heartbeat ?? scheduling.heartbeat;
}

/** How a never-seen target is onboarded: its own `onboard`, else `scheduling.onboard`. */
export function onboardOf(target: TargetConfig, scheduling: Pick<SchedulingConfig, 'onboard'>): OnboardMode {
  return target.onboard ?? scheduling.onboard;
}

export interface HeartbeatSweepContext {
  targets: readonly TargetConfig[];
  scheduling: Pick<SchedulingConfig, 'heartbeat'>;
  lastHeartbeat(targetId: string): Promise<HeartbeatRecord | undefined>;
  enqueue(targetId: string, request: HeartbeatRequest): Promise<EnqueuedHeartbeat>;
  timing(target: TargetConfig): RotationTiming;
  now(): number;
}

export interface HeartbeatSweepResult {
  due: number;
  enqueued: { targetId: string; state: EnqueuedHeartbeat['state']; delayMs: number }[];
}

/**
 * The heartbeats that are due: every target with a heartbeat whose last one ran at least `every` ago
 * (or never). Each starts at the target's fixed jitter offset (of its `jitter`, else of a tenth of
 * `every`), inside its maintenance window, like a scheduled rotation; one already queued is joined, so a heartbeat waiting for its window is not
 * queued twice. Reads Redis only: Vault is read by the heartbeat itself.
 */
export async function runHeartbeatSweep(ctx: HeartbeatSweepContext): Promise<HeartbeatSweepResult> {
  const withHeartbeat = ctx.targets.flatMap((target) => {
    const heartbeat = heartbeatOf(target, ctx.scheduling);
    return heartbeat ? [{ target, every: heartbeat.every }] : [];
  });
  const checked = await mapLimit(withHeartbeat, 16, async ({ target, every }) => {
    const last = await ctx.lastHeartbeat(target.id);
    const lastAt = last ? Date.parse(last.at) : Number.NaN;
    return Number.isNaN(lastAt) || ctx.now() - lastAt >= every ? target : undefined;
  });
  const due = checked.filter((t): t is TargetConfig => t !== undefined);
  const enqueued = await mapLimit(due, 8, async (target) => {
    const timing = ctx.timing(target);
    const every = heartbeatOf(target, ctx.scheduling)?.every ?? 0;
    // Without a configured jitter, heartbeats still spread: over a tenth of their interval.
    const jitterMs = timing.jitterMs > 0 ? timing.jitterMs : Math.floor(every / 10);
    const plan = planRotation({ targetId: target.id, now: ctx.now(), ...timing, jitterMs });
    const entry = await ctx.enqueue(target.id, {
      requestedBy: 'scheduler',
      reason: plan.why.length > 0 ? `heartbeat (waits for ${plan.why.join(', ')})` : 'heartbeat',
      delayMs: plan.delayMs,
      // A heartbeat that failed (its login's answer lost) waits for the next interval.
      skipIfFailedSince: ctx.now() - every,
    });
    return { targetId: target.id, state: entry.state, delayMs: plan.delayMs };
  });
  return { due: due.length, enqueued };
}
