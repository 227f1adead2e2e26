import { z } from 'zod';
import { parseDuration } from './duration.js';
import { timeZoneProblem } from './suggest.js';

/**
 * Config for when rotations run: maintenance windows, jitter, the max-age sweep, mass-rotation runs,
 * and Redis Cluster nodes. Every schema here is idempotent (parsing its own output gives the same
 * value), so code can re-read a section whether or not the loader already parsed it.
 */

/** A duration as text ("15m") or as milliseconds; 0 allowed (e.g. no jitter). */
export const durationOrMsSchema = z
  .union([z.number().int().nonnegative(), z.string()], {
    error: 'expected a duration like 90d, 12h, 30m or 0, or a number of milliseconds',
  })
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const ms = value.trim() === '0' ? 0 : parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration like 90d, 12h, 30m or 0, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return ms;
  });

export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof weekdays)[number];

const clockTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a time of day "HH:MM" (00:00-24:00)');

/** An IANA time zone; a misspelt one is echoed back with the closest real one. */
export const timeZoneSchema = z.string().superRefine((tz, ctx) => {
  const problem = timeZoneProblem(tz);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * When rotations may start: on `days` (local weekday of the window's start), from `start` to `end`
 * local time in `tz`. `end` before `start` is a window across midnight ("22:00"-"04:00").
 */
export const maintenanceWindowSchema = z
  .object({
    days: z
      .array(z.enum(weekdays))
      .min(1)
      .default([...weekdays]),
    start: clockTime,
    end: clockTime,
    tz: timeZoneSchema.default('UTC'),
  })
  .strict()
  .refine((w) => w.start !== w.end && !(w.start === '00:00' && w.end === '24:00'), {
    message: 'a window from a time to the same time is every moment: leave maintenanceWindow out instead',
  });

export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;

/**
 * How often a heartbeat logs in with the password Vault holds, to find a password changed behind
 * rotor's back before the next rotation does. At least a minute: each refused login is a lockout strike.
 */
export const heartbeatSchema = z
  .object({
    every: durationOrMsSchema.refine((ms) => ms >= 60_000, {
      message: 'expected a duration of at least 1m, e.g. 1d (each heartbeat is a login)',
    }),
  })
  .strict();

export type HeartbeatConfig = z.infer<typeof heartbeatSchema>;

/**
 * What the max-age sweep does with a target it has never seen (no `rotated_at` in Vault, no heartbeat
 * yet): `verify` = one heartbeat, and its age counts from when its secret was last written; `rotate` =
 * rotate it at once.
 */
export const onboardSchema = z.enum(['verify', 'rotate']);
export type OnboardMode = z.infer<typeof onboardSchema>;

/** Per-target fields, spread into `targetCommonShape`: each overrides the `scheduling:` default. */
export const schedulingTargetShape = {
  maintenanceWindow: maintenanceWindowSchema.optional(),
  /** Spread this target's scheduled rotations over this long after each firing of its schedule. */
  jitter: durationOrMsSchema.optional(),
  /** This target's heartbeat; `false` turns off the `scheduling.heartbeat` default for it. */
  heartbeat: z.union([heartbeatSchema, z.literal(false)]).optional(),
  /** How this target is onboarded. @defaultValue scheduling.onboard */
  onboard: onboardSchema.optional(),
};

/** The top-level `scheduling:` section. */
export const schedulingSchema = z
  .object({
    /** How often the max-age sweep reads Vault for overdue targets. @defaultValue 15m */
    sweepEvery: durationOrMsSchema.default(15 * 60_000),
    /**
     * Targets sharing a schedule start spread over this long after it fires (a fixed offset per
     * target id). @defaultValue 0 (no jitter)
     */
    jitter: durationOrMsSchema.default(0),
    /** The window for every target without its own. @defaultValue none: any time */
    maintenanceWindow: maintenanceWindowSchema.optional(),
    /** How often each scheduler process checks that Redis still holds every schedule. @defaultValue 1m */
    resyncEvery: durationOrMsSchema.default(60_000),
    /** How long a mass rotation (`rotor rotate --all`) can be resumed after it stopped. @defaultValue 24h */
    runTtl: durationOrMsSchema.default(24 * 3_600_000),
    /** The heartbeat of every target without its own. @defaultValue none: no heartbeat */
    heartbeat: heartbeatSchema.optional(),
    /** How a target seen for the first time is onboarded. @defaultValue verify */
    onboard: onboardSchema.default('verify'),
  })
  .strict();

export type SchedulingConfig = z.infer<typeof schedulingSchema>;
