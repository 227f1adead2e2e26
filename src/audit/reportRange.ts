import { parseDuration } from '../config/duration.js';

const defaultPeriodMs = 30 * 86_400_000;

/**
 * Reads `--since` / `--until` (and `/report?since=&until=`): an ISO date or time, or a duration
 * meaning "that long before now" (`30d`, `12h`). Without `since`, the period is the 30 days before
 * `until`; without `until`, it ends now.
 */
export function parseReportRange(text: { since?: string; until?: string }, now: Date): { since: Date; until: Date } {
  const until = text.until === undefined ? now : parseMoment('until', text.until, now);
  const since =
    text.since === undefined ? new Date(until.getTime() - defaultPeriodMs) : parseMoment('since', text.since, now);
  if (since.getTime() >= until.getTime()) {
    throw new RangeError(`since (${since.toISOString()}) must be before until (${until.toISOString()})`);
  }
  return { since, until };
}

function parseMoment(name: string, text: string, now: Date): Date {
  const ago = parseDuration(text);
  if (ago !== undefined) return new Date(now.getTime() - ago);
  if (/^\d{4}-\d\d-\d\d([T ][\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/.test(text.trim())) {
    // A bare date means midnight UTC, not local midnight: reports must read the same everywhere.
    const date = new Date(/^\d{4}-\d\d-\d\d$/.test(text.trim()) ? `${text.trim()}T00:00:00Z` : text.trim());
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new RangeError(
    `${name}: expected an ISO date (2025-03-01, 2025-03-01T12:00:00Z) or a duration (30d), got "${text}"`,
  );
}
