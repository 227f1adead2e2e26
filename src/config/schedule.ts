import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { durationSchema } from './duration.js';
import { timeZoneSchema } from './schedulingSchema.js';

const cronFields = '5 fields: minute hour day-of-month month day-of-week; or 6 with seconds first';

/**
 * Undefined for a cron expression the scheduler runs; else why not. The field count is checked here
 * because the parser quietly accepts 4 fields ("0 3 * *" would fire at an hour nobody meant).
 */
/** Expressions already checked (a config of 100,000 targets repeats a handful); `null` = valid. */
const checkedCrons = new Map<string, string | null>();

function cronProblem(expr: string): string | undefined {
  let known = checkedCrons.get(expr);
  if (known === undefined) {
    known = parseProblem(expr) ?? null;
    if (checkedCrons.size >= 1_000) checkedCrons.clear();
    checkedCrons.set(expr, known);
  }
  return known ?? undefined;
}

function parseProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/).filter(Boolean);
  if (!expr.trim().startsWith('@') && (fields.length < 5 || fields.length > 6)) {
    return `it has ${fields.length} field${fields.length === 1 ? '' : 's'}`;
  }
  try {
    CronExpressionParser.parse(expr);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const cronSchema = z.string().superRefine((expr, ctx) => {
  const problem = cronProblem(expr);
  if (problem) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a cron expression like "0 3 * * 0" (${cronFields}), got ${JSON.stringify(expr)}: ${problem}`,
    });
  }
});

export type Schedule = { cron: string; tz: string } | { every: number };

/**
 * `{ cron, tz }` (tz defaults to UTC) or `{ every }`. One object rather than a union of two, so a
 * wrong schedule gets the sentence that fixes it ("give either cron or every, not both") instead of
 * "Invalid input".
 */
export const scheduleSchema = z
  .object({
    cron: cronSchema.optional(),
    tz: timeZoneSchema.optional(),
    every: durationSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.cron !== undefined && s.every !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either cron (with tz) or every, not both' });
    } else if (s.cron === undefined && s.every === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected cron or every, e.g. { cron: "0 3 * * 0", tz: UTC } or { every: 30d }',
      });
    } else if (s.every !== undefined && s.tz !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tz'], message: 'tz goes with cron only: every needs no time zone' });
    }
  })
  .transform((s): Schedule => (s.cron !== undefined ? { cron: s.cron, tz: s.tz ?? 'UTC' } : { every: s.every ?? 0 }));
