import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { maintenanceWindowSchema, weekdays } from '../../src/config/schedulingSchema.js';
import {
  isInWindow,
  nextWindowOccurrence,
  nextWindowStart,
  zonedInstant,
} from '../../src/scheduling/maintenanceWindow.js';

const window = (w: Record<string, unknown>) => maintenanceWindowSchema.parse(w);
const at = (iso: string) => new Date(iso);

describe('nextWindowStart', () => {
  const nightly = window({ start: '01:00', end: '05:00', tz: 'UTC' });

  it('is now itself while the window is open', () => {
    expect(nextWindowStart(nightly, at('2024-05-06T03:17:00Z'))).toEqual(at('2024-05-06T03:17:00Z'));
    expect(nextWindowStart(nightly, at('2024-05-06T01:00:00Z'))).toEqual(at('2024-05-06T01:00:00Z'));
  });

  it('is the same day’s opening before it, and the next day’s after it (the end is exclusive)', () => {
    expect(nextWindowStart(nightly, at('2024-05-06T00:59:59Z'))).toEqual(at('2024-05-06T01:00:00Z'));
    expect(nextWindowStart(nightly, at('2024-05-06T05:00:00Z'))).toEqual(at('2024-05-07T01:00:00Z'));
  });

  it('skips days the window does not allow: a Friday evening waits for Monday', () => {
    const weekdaysOnly = window({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' });
    // 2024-05-10 is a Friday.
    expect(nextWindowStart(weekdaysOnly, at('2024-05-10T18:00:00Z'))).toEqual(at('2024-05-13T09:00:00Z'));
    expect(
      nextWindowStart(window({ days: ['sun'], start: '02:00', end: '03:00' }), at('2024-05-13T00:00:00Z')),
    ).toEqual(at('2024-05-19T02:00:00Z'));
  });

  it('handles a window across midnight: open after midnight counts as the previous day’s opening', () => {
    const overnight = window({ days: ['sat'], start: '22:00', end: '04:00' });
    // Sunday 02:00 lies in Saturday's opening.
    expect(isInWindow(overnight, at('2024-05-12T02:00:00Z'))).toBe(true);
    expect(nextWindowStart(overnight, at('2024-05-12T02:00:00Z'))).toEqual(at('2024-05-12T02:00:00Z'));
    expect(nextWindowOccurrence(overnight, at('2024-05-12T02:00:00Z')).end).toBe(Date.parse('2024-05-12T04:00:00Z'));
    // Sunday 05:00 waits for next Saturday 22:00.
    expect(nextWindowStart(overnight, at('2024-05-12T05:00:00Z'))).toEqual(at('2024-05-18T22:00:00Z'));
  });

  it('reads start and end as wall-clock times of the window’s zone, whatever its offset that day', () => {
    const berlin = window({ start: '01:00', end: '05:00', tz: 'Europe/Berlin' });
    expect(nextWindowStart(berlin, at('2024-01-15T12:00:00Z'))).toEqual(at('2024-01-16T00:00:00Z')); // CET, +1
    expect(nextWindowStart(berlin, at('2024-07-15T12:00:00Z'))).toEqual(at('2024-07-15T23:00:00Z')); // CEST, +2
    const tokyo = window({ days: ['mon'], start: '00:30', end: '01:00', tz: 'Asia/Tokyo' });
    // Monday 00:30 in Tokyo is Sunday 15:30 UTC: the allowed day is the local one.
    expect(nextWindowStart(tokyo, at('2024-05-12T00:00:00Z'))).toEqual(at('2024-05-12T15:30:00Z'));
  });

  it('moves a start that falls into the spring-forward gap to after the jump', () => {
    // Berlin, 2024-03-31: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that night.
    const w = window({ start: '02:30', end: '04:00', tz: 'Europe/Berlin' });
    expect(nextWindowStart(w, at('2024-03-30T23:00:00Z'))).toEqual(at('2024-03-31T01:30:00Z')); // 03:30 CEST
    expect(zonedInstant(Date.parse('2024-03-31T02:30:00Z'), 'Europe/Berlin')).toBe(Date.parse('2024-03-31T01:30:00Z'));
  });

  it('takes the earlier of the two instants a start names when clocks go back', () => {
    // Berlin, 2024-10-27: 03:00 CEST goes back to 02:00 CET, so 02:30 happens twice.
    const w = window({ start: '02:30', end: '03:30', tz: 'Europe/Berlin' });
    expect(nextWindowStart(w, at('2024-10-26T22:00:00Z'))).toEqual(at('2024-10-27T00:30:00Z')); // 02:30 CEST
  });

  it('accepts 24:00 as the end of the day and rejects a window that is always open', () => {
    const evening = window({ start: '20:00', end: '24:00' });
    expect(isInWindow(evening, at('2024-05-06T23:59:59Z'))).toBe(true);
    expect(nextWindowStart(evening, at('2024-05-07T00:00:00Z'))).toEqual(at('2024-05-07T20:00:00Z'));
    expect(() => window({ start: '03:00', end: '03:00' })).toThrow(/every moment/);
    expect(() => window({ start: '3:00', end: '04:00' })).toThrow(/HH:MM/);
    expect(() => window({ start: '03:00', end: '04:00', tz: 'Mars/Olympus' })).toThrow(/IANA/);
  });

  it('always returns an open moment no earlier than now, with no opening skipped (property)', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45));
    const text = ([h, m]: [number, number]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    fc.assert(
      fc.property(
        fc.subarray([...weekdays], { minLength: 1 }),
        clock,
        clock,
        fc.constantFrom(...zones),
        fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }),
        (days, start, end, tz, now) => {
          fc.pre(text(start) !== text(end));
          const w = window({ days, start: text(start), end: text(end), tz });
          const next = nextWindowStart(w, now).getTime();
          expect(next).toBeGreaterThanOrEqual(now);
          expect(isInWindow(w, next)).toBe(true);
          // No open moment between now and the answer (sampled every 15 minutes).
          for (let t = now; t < next; t += 15 * 60_000) expect(isInWindow(w, t)).toBe(false);
        },
      ),
      { numRuns: 80 },
    );
  });
});
