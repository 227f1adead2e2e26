import type { MaintenanceWindow, SchedulingConfig } from '../config/schedulingSchema.js';
import type { TargetConfig } from '../config/schema.js';
import { jitterFraction } from './jitter.js';
import { nextWindowOccurrence } from './maintenanceWindow.js';

/** What decides when one target's rotation may start. */
export interface RotationTiming {
  /** Jitter window (ms); 0 = start right away. */
  jitterMs: number;
  window?: MaintenanceWindow;
}

/** A target's own `jitter` / `maintenanceWindow` win over the `scheduling:` defaults. */
export function timingFor(target: TargetConfig, scheduling: Pick<SchedulingConfig, 'jitter' | 'maintenanceWindow'>) {
  return {
    jitterMs: target.jitter ?? scheduling.jitter,
    window: target.maintenanceWindow ?? scheduling.maintenanceWindow,
  } satisfies RotationTiming;
}

export interface RotationPlan {
  runAt: number;
  delayMs: number;
  /** What moved the start later than `now`, in order. */
  why: ('jitter' | 'cooldown' | 'window')[];
}

/**
 * When a scheduled rotation should start: `now` plus the target's fixed jitter offset, no earlier
 * than the end of its cooldown, and inside its maintenance window — outside it, at the next opening
 * (plus the same jitter fraction of the opening, so a shared window does not start everyone at once).
 */
export function planRotation(
  input: RotationTiming & { targetId: string; now: number; notBefore?: number },
): RotationPlan {
  const { targetId, now, jitterMs, window, notBefore } = input;
  const fraction = jitterFraction(targetId);
  const why: RotationPlan['why'] = [];
  let t = now;
  if (jitterMs > 0) {
    t += Math.floor(fraction * jitterMs);
    why.push('jitter');
  }
  if (notBefore !== undefined && notBefore > t) {
    t = notBefore;
    why.push('cooldown');
  }
  if (window) {
    const opening = nextWindowOccurrence(window, t);
    if (opening.start > t) {
      const spread = Math.min(jitterMs, opening.end - opening.start);
      t = opening.start + Math.floor(fraction * spread);
      why.push('window');
    }
  }
  return { runAt: t, delayMs: t - now, why };
}
