import { defaultRepeatStrategy, type RepeatOptions, type RepeatStrategy } from 'bullmq';

/**
 * BullMQ's cron strategy (cron-parser on luxon, ≈ 0.2 ms a call), remembered per pattern and time
 * zone: a sync of 100,000 targets on a handful of crons asks the same question 100,000 times. The
 * answer — the first fire time after `millis` — is the same for every `millis` from the one it was
 * computed for up to that fire time, since no fire lies in between; outside that span it is computed
 * again. Options that make the answer depend on more than pattern and zone are not remembered.
 */
export function rememberingRepeatStrategy(compute: RepeatStrategy = defaultRepeatStrategy): RepeatStrategy {
  const known = new Map<string, { from: number; next: number }>();
  return (millis: number, opts: RepeatOptions, name?: string) => {
    const plain = opts.pattern && !opts.startDate && !opts.endDate && !opts.immediately;
    if (!plain) return compute(millis, opts, name);
    const key = `${opts.pattern}\n${opts.tz ?? ''}`;
    const hit = known.get(key);
    if (hit && hit.from <= millis && millis < hit.next) return hit.next;
    const next = compute(millis, opts, name);
    if (typeof next !== 'number') return next;
    if (known.size >= 1_000) known.clear();
    known.set(key, { from: millis, next });
    return next;
  };
}

/** The settings of every queue and worker of the schedule queue (the next fire time is computed by both). */
export const scheduleQueueSettings = { repeatStrategy: rememberingRepeatStrategy() };
