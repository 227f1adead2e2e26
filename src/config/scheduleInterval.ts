import { CronExpressionParser } from 'cron-parser';
import type { Schedule } from './schedule.js';

/** How far ahead a cron is followed, and at most how many firings, to find its widest gap. */
const horizonMs = 400 * 86_400_000;
const maxFirings = 2_000;
/** A fixed Monday, so the same cron always gives the same answer (and a weekday cron shows its weekend). */
const from = new Date(Date.UTC(2001, 0, 1));

const cronGaps = new Map<string, number>();

/**
 * Followed in UTC: the gaps of the same cron in any zone are the same wall-clock gaps, give or take
 * a daylight-saving hour that says nothing about maxAge.
 */
function widestCronGap(cron: string): number {
  const times = CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: from });
  let previous: number | undefined;
  let widest = 0;
  for (let i = 0; i < maxFirings; i++) {
    let next: number;
    try {
      next = times.next().getTime();
    } catch {
      break; // no further firing
    }
    if (previous !== undefined) widest = Math.max(widest, next - previous);
    previous = next;
    if (next - from.getTime() > horizonMs) break;
  }
  return widest;
}

/**
 * The longest a target waits between two scheduled rotations: `every` itself, or the widest gap
 * between a cron's firings (a weekly cron: 7d; "0 3 * * 1-5": 3d over the weekend). Cached per
 * cron, since many targets share one schedule.
 */
export function longestInterval(schedule: Schedule): number {
  if ('every' in schedule) return schedule.every;
  let gap = cronGaps.get(schedule.cron);
  if (gap === undefined) {
    gap = widestCronGap(schedule.cron);
    cronGaps.set(schedule.cron, gap);
  }
  return gap;
}

/** The schedule in a few words: `every 30d`, `cron "0 3 * * 0" in UTC`. */
export function describeSchedule(schedule: Schedule, format: (ms: number) => string): string {
  return 'every' in schedule ? `every ${format(schedule.every)}` : `cron "${schedule.cron}" in ${schedule.tz}`;
}
