import { describe, expect, it } from '@jest/globals';
import { maintenanceWindowSchema } from '../../src/config/schedulingSchema.js';
import { jitterFraction, jitterOffsetMs } from '../../src/scheduling/jitter.js';
import { isInWindow } from '../../src/scheduling/maintenanceWindow.js';
import { planRotation } from '../../src/scheduling/planRotation.js';
import { chiSquareCriticalValue, uniformChiSquare } from '../policy/chiSquare.js';

const hour = 3_600_000;
const ids = Array.from({ length: 1000 }, (_, i) => `iam-user-${i}`);

function buckets(values: number[], width: number, count: number): number[] {
  const counts = new Array<number>(count).fill(0);
  for (const v of values) {
    const i = Math.min(count - 1, Math.floor(v / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

describe('jitter', () => {
  it('gives each target the same offset every time, so a restart never reshuffles the order', () => {
    expect(ids.map((id) => jitterOffsetMs(id, hour))).toEqual(ids.map((id) => jitterOffsetMs(id, hour)));
    expect(jitterOffsetMs('iam-user-1', hour)).not.toBe(jitterOffsetMs('iam-user-2', hour));
    expect(jitterOffsetMs('iam-user-1', 0)).toBe(0);
  });

  it('spreads 1,000 targets sharing a schedule evenly over the jitter window (chi-square, 20 buckets)', () => {
    const offsets = ids.map((id) => jitterOffsetMs(id, hour));
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(hour);
    const counts = buckets(offsets, hour / 20, 20);
    // Deterministic input, so this is a fixed verdict, not a flaky one: p > 0.001 for uniformity.
    expect(uniformChiSquare(counts)).toBeLessThan(chiSquareCriticalValue(19, 0.001));
    expect(Math.max(...counts)).toBeLessThan(80);
    expect(Math.min(...counts)).toBeGreaterThan(20);
  });

  it('spreads them inside a maintenance window when the schedule fires while it is closed', () => {
    const window = maintenanceWindowSchema.parse({ start: '01:00', end: '03:00', tz: 'UTC' });
    const fired = Date.parse('2024-05-06T12:00:00Z'); // the window is closed at noon
    const opening = Date.parse('2024-05-07T01:00:00Z');
    const plans = ids.map((targetId) => planRotation({ targetId, now: fired, jitterMs: 4 * hour, window }));
    for (const p of plans) {
      expect(p.why).toEqual(['jitter', 'window']);
      expect(isInWindow(window, p.runAt)).toBe(true);
    }
    // Spread over the whole two-hour opening (the jitter is longer than the opening).
    const counts = buckets(
      plans.map((p) => p.runAt - opening),
      (2 * hour) / 10,
      10,
    );
    expect(uniformChiSquare(counts)).toBeLessThan(chiSquareCriticalValue(9, 0.001));
  });

  it('derives the fraction from the id alone, uniformly in [0, 1)', () => {
    const mean = ids.reduce((sum, id) => sum + jitterFraction(id), 0) / ids.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});
