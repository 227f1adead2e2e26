import { z } from 'zod';

/**
 * Transport settings every Huawei target may tune. Defaults suit the public cloud; tests shorten
 * them. Spread into each kind's target schema.
 */
export const huaweiHttpSettingsSchema = z
  .object({
    /** TCP + TLS connect timeout. @defaultValue 5000 */
    connectTimeoutMs: z.number().int().positive().default(5000),
    /** Time to the response's first byte once the request is sent. @defaultValue 20000 */
    responseTimeoutMs: z.number().int().positive().default(20_000),
    /** Token bucket per endpoint: sustained requests per second. @defaultValue 5 */
    ratePerSecond: z.number().positive().default(5),
    /** Token bucket size (burst). @defaultValue 5 */
    rateBurst: z.number().int().positive().default(5),
    /**
     * A 429 whose Retry-After is at most this long is waited out and retried once in place;
     * longer ones surface as Throttled for the scheduler to delay the job. @defaultValue 2000
     */
    maxInlineThrottleWaitMs: z.number().int().nonnegative().default(2000),
  })
  .strict();

export type HuaweiHttpSettings = z.infer<typeof huaweiHttpSettingsSchema>;

export const huaweiTargetExtras = {
  http: huaweiHttpSettingsSchema.prefault({}),
  /**
   * Refused password logins (a wrong current password, a failed probe) allowed per account within
   * `refusedLoginWindowMs`. Each one is a lockout strike; 2 stays below IAM's strictest lockout
   * (3 failures). @defaultValue 2
   */
  maxRefusedLogins: z.number().int().min(1).max(10).default(2),
  /** @defaultValue 3600000 (60 minutes, IAM's longest failure-counting period) */
  refusedLoginWindowMs: z.number().int().positive().default(3_600_000),
};
