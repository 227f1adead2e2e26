import { z } from 'zod';

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses "90d", "30m", "1500ms", "12h"; returns milliseconds or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * (units[unit as string] as number);
}

const units_ = 'ms, s, m, h, d or w';

/** A duration written as text ("90d") in the config; parsed to milliseconds. */
export const durationSchema = z
  .string({
    error: (issue) => (issue.input === undefined ? undefined : `expected a duration with a unit (${units_}) like 30d`),
  })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined && !/^\s*-/.test(text)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration like 90d, 12h, 30m or 10s (${units_}), got ${JSON.stringify(text)}`,
      });
    } else if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a positive duration like 30d, got ${JSON.stringify(text)}` });
    } else return ms;
    return z.NEVER;
  });

/** Milliseconds as the config writes them: 604800000 → "7d", 90000000 → "1d1h". */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || '0';
}
