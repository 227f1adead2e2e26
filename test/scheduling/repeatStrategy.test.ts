import { describe, expect, it } from '@jest/globals';
import { defaultRepeatStrategy, type RepeatOptions } from 'bullmq';
import { rememberingRepeatStrategy } from '../../src/scheduling/repeatStrategy.js';

describe('the remembering cron strategy', () => {
  const weekly: RepeatOptions = { pattern: '0 3 * * 0', tz: 'Europe/Berlin' };

  it("answers as BullMQ's own strategy does, at any moment, across fire times and time zones", () => {
    let computed = 0;
    const strategy = rememberingRepeatStrategy((millis, opts) => {
      computed += 1;
      return defaultRepeatStrategy(millis, opts);
    });
    const start = Date.parse('2026-03-20T12:00:00Z');
    const hour = 3_600_000;
    // Every 7 hours for eight weeks, across the spring change to summer time; three patterns in turn.
    const patterns: RepeatOptions[] = [weekly, { pattern: '0 3 * * 0', tz: 'UTC' }, { pattern: '*/30 * * * *' }];
    for (let t = start; t < start + 8 * 7 * 24 * hour; t += 7 * hour) {
      for (const opts of patterns) expect(strategy(t, opts)).toBe(defaultRepeatStrategy(t, opts));
    }
    // The weekly ones were computed about once a week each, not at every question.
    expect(computed).toBeLessThan(((8 * 7 * 24) / 7) * 2);
  });

  it('asks BullMQ again for a moment before the remembered one, and for options it does not remember', () => {
    const strategy = rememberingRepeatStrategy();
    const later = Date.parse('2026-06-10T00:00:00Z');
    const earlier = Date.parse('2026-05-01T00:00:00Z');
    expect(strategy(later, weekly)).toBe(defaultRepeatStrategy(later, weekly));
    expect(strategy(earlier, weekly)).toBe(defaultRepeatStrategy(earlier, weekly));
    const withStart = { ...weekly, startDate: Date.parse('2026-07-01T00:00:00Z') };
    expect(strategy(earlier, withStart)).toBe(defaultRepeatStrategy(earlier, withStart));
  });
});
