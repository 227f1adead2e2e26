import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { durationSchema } from './duration.js';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const cronSchedule = z
  .object({
    cron: z.string().refine(
      (expr) => {
        try {
          CronExpressionParser.parse(expr);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'expected a cron expression like "0 3 * * 0"' },
    ),
    tz: z
      .string()
      .refine(isTimeZone, { message: 'expected an IANA time zone like UTC or Europe/Berlin' })
      .default('UTC'),
  })
  .strict();

const everySchedule = z.object({ every: durationSchema }).strict();

/** `{ cron, tz }` or `{ every }`. */
export const scheduleSchema = z.union([cronSchedule, everySchedule]);
export type Schedule = z.infer<typeof scheduleSchema>;
