import { weekdays, type MaintenanceWindow } from '../config/schedulingSchema.js';

/**
 * Maintenance windows in a time zone, computed from wall-clock times with Intl only (no date
 * library): a window "01:00-05:00 Europe/Berlin" opens at 01:00 Berlin time whatever the offset is
 * that day. A start that falls into a daylight-saving gap moves forward by the gap (as Temporal's
 * "compatible" rule does); one that occurs twice (clocks going back) is the earlier instant.
 */

const dayMs = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock time at `instant` in `tz`, expressed as if it were UTC (ms). */
function wallClock(instant: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second) + (((instant % 1000) + 1000) % 1000);
}

function offsetAt(instant: number, tz: string): number {
  return wallClock(instant, tz) - instant;
}

/** The instant at which the wall clock in `tz` shows `wall` (a UTC-encoded wall time). */
export function zonedInstant(wall: number, tz: string): number {
  // Offsets half a day either side bracket any transition near `wall` (zones change at most twice a year).
  const before = offsetAt(wall - dayMs / 2, tz);
  const after = offsetAt(wall + dayMs / 2, tz);
  const valid = [wall - before, wall - after].filter((t) => wallClock(t, tz) === wall);
  if (valid.length > 0) return Math.min(...valid);
  // A gap (clocks jump forward): keep the offset from before the jump, landing after it.
  return wall - before;
}

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** One opening of the window: [start, end) as instants. */
export interface WindowOccurrence {
  start: number;
  end: number;
}

/** The occurrence whose local start date is `dayWall` (a UTC-encoded local midnight), if that day is allowed. */
function occurrenceOn(window: MaintenanceWindow, dayWall: number): WindowOccurrence | undefined {
  const weekday = weekdays[new Date(dayWall).getUTCDay()];
  if (!weekday || !window.days.includes(weekday)) return undefined;
  const startMin = minutesOf(window.start);
  const endMin = minutesOf(window.end);
  const endDay = endMin <= startMin ? dayWall + dayMs : dayWall;
  return {
    start: zonedInstant(dayWall + startMin * 60_000, window.tz),
    end: zonedInstant(endDay + endMin * 60_000, window.tz),
  };
}

/** Occurrences around `at`, oldest first: from the day before (a window across midnight) to 8 days on. */
function occurrencesAround(window: MaintenanceWindow, at: number): WindowOccurrence[] {
  const wall = wallClock(at, window.tz);
  const today = wall - (((wall % dayMs) + dayMs) % dayMs);
  const out: WindowOccurrence[] = [];
  for (let d = -1; d <= 8; d += 1) {
    const occurrence = occurrenceOn(window, today + d * dayMs);
    if (occurrence && occurrence.end > occurrence.start) out.push(occurrence);
  }
  return out;
}

/** The occurrence that contains `at`, if the window is open then. */
export function windowAt(window: MaintenanceWindow, at: Date | number): WindowOccurrence | undefined {
  const t = typeof at === 'number' ? at : at.getTime();
  return occurrencesAround(window, t).find((o) => o.start <= t && t < o.end);
}

export function isInWindow(window: MaintenanceWindow, at: Date | number): boolean {
  return windowAt(window, at) !== undefined;
}

/**
 * When a rotation may start: `now` itself when the window is open, else the start of its next opening.
 * The schema guarantees at least one allowed day, so an opening always lies within 8 days.
 */
export function nextWindowStart(window: MaintenanceWindow, now: Date | number): Date {
  return new Date(nextWindowOccurrence(window, now).start);
}

/** The opening that contains `now`, with its start clamped to `now`, or else the next one. */
export function nextWindowOccurrence(window: MaintenanceWindow, now: Date | number): WindowOccurrence {
  const t = typeof now === 'number' ? now : now.getTime();
  for (const o of occurrencesAround(window, t)) {
    if (o.start <= t && t < o.end) return { start: t, end: o.end };
    if (o.start > t) return o;
  }
  throw new Error(`maintenance window ${describeWindow(window)} never opens`);
}

export function describeWindow(window: MaintenanceWindow): string {
  const days = window.days.length === 7 ? 'daily' : window.days.join(',');
  return `${days} ${window.start}-${window.end} ${window.tz}`;
}
