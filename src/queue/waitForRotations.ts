import type { RotateJobResult } from './rotateJob.js';
import type { DryRunReport } from '../rotation/dryRun.js';
import type { RotationOutcome } from '../rotation/rotationContext.js';
import type { JobSignals } from './jobSignals.js';
import { mapLimit } from './mapLimit.js';
import type { RotationQueue } from './enqueueRotation.js';
import { readWaitingReason, type WaitingReason } from './waitingReason.js';

export type RotationResult =
  | { targetId: string; jobId: string; status: 'succeeded'; outcome: RotationOutcome }
  | { targetId: string; jobId: string; status: 'dry-run'; report: DryRunReport }
  | { targetId: string; jobId: string; status: 'failed'; error: string; attempts: number }
  | { targetId: string; jobId: string; status: 'timeout'; state: string; waiting?: WaitingReason };

/** A job parked by the worker: why, and until when. */
export type WaitingNotice = { targetId: string; jobId: string } & WaitingReason;

export interface NoWorkerNotice {
  /** How long the jobs have waited without any worker serving the queue. */
  afterMs: number;
  /** Jobs not yet finished. */
  open: number;
}

export interface WaitOptions {
  timeoutMs: number;
  /**
   * First poll interval; grows to 1 s while nothing changes. With the queue's events at hand a job is
   * read as soon as it reports news, and the poll is only the fallback. @defaultValue 200 (1000 with events)
   */
  pollMs?: number;
  /** Each final result, as it arrives. */
  onResult?: (result: RotationResult) => void | Promise<void>;
  /** A failed attempt that will be retried (attempt = attempts made so far). */
  onRetry?: (event: { targetId: string; jobId: string; attempt: number; error: string }) => void;
  /** A job was parked (cooldown, throttle, busy target): why and until when, once per park, as soon as it is seen. */
  onWaiting?: (notice: WaitingNotice) => void;
  /** No worker serves the queue `noWorkerAfterMs` after the wait began: nothing will ever run the jobs. Once. */
  onNoWorker?: (notice: NoWorkerNotice) => void;
  /** @defaultValue 5000 */
  noWorkerAfterMs?: number;
}

function isDryRunReport(value: RotateJobResult): value is DryRunReport {
  return typeof value === 'object' && value !== null && 'dryRun' in value && value.dryRun === true;
}

/** Starts listening for news of the given job ids; undefined when the queue's events cannot be read. */
export type ListenForJobs = (jobIds: ReadonlySet<string>) => Promise<JobSignals | undefined>;

/**
 * Waits for each job to finish. A job is read when the queue's events say it has news (`listen`), and
 * every job is polled as the fallback: no event lost on the way can hang the wait, and a job that ended
 * while nobody was listening (a CLI restarted mid-run) is still seen. Results in input order.
 */
export async function waitForRotations(
  queue: RotationQueue,
  jobs: readonly { targetId: string; jobId: string }[],
  options: WaitOptions,
  listen?: ListenForJobs,
): Promise<RotationResult[]> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  // Listening starts before the first read, so news after that read reaches us.
  const signals = listen ? await listen(new Set(jobs.map((j) => j.jobId))) : undefined;
  try {
    return await waitFor(queue, jobs, options, started, deadline, signals);
  } finally {
    await signals?.close();
  }
}

async function waitFor(
  queue: RotationQueue,
  jobs: readonly { targetId: string; jobId: string }[],
  options: WaitOptions,
  started: number,
  deadline: number,
  signals: JobSignals | undefined,
): Promise<RotationResult[]> {
  const results = new Map<string, RotationResult>();
  const retriesSeen = new Map<string, number>();
  const waiting = new Map<string, WaitingReason>();
  const noWorker = noWorkerCheck(queue, options, started);
  const firstPollMs = options.pollMs ?? (signals ? 1_000 : 200);
  let pollMs = firstPollMs;
  let lastStates = new Map<string, string>();
  let nextFullPoll = 0;
  let news = new Set<string>();

  while (results.size < jobs.length) {
    // Every open job at the fallback interval; in between, only the jobs that reported news.
    // The last look before the deadline is a full one: a timeout reports every job's state.
    const full = Date.now() >= Math.min(nextFullPoll, deadline);
    const open = jobs.filter((j) => !results.has(j.jobId) && (full || news.has(j.jobId)));
    const states = new Map<string, string>();
    await mapLimit(open, 32, async ({ targetId, jobId }) => {
      const state = await queue.getJobState(jobId);
      states.set(jobId, state);
      if (state !== 'completed' && state !== 'failed' && state !== 'delayed') return;
      const job = await queue.getJob(jobId);
      if (!job) return;
      if (state === 'delayed') {
        if (job.attemptsMade > (retriesSeen.get(jobId) ?? 0)) {
          retriesSeen.set(jobId, job.attemptsMade);
          options.onRetry?.({ targetId, jobId, attempt: job.attemptsMade, error: job.failedReason ?? '' });
        }
        const reason = readWaitingReason(job.progress, Date.now());
        const seen = waiting.get(jobId);
        if (reason && (seen?.code !== reason.code || seen.until !== reason.until)) {
          waiting.set(jobId, reason);
          options.onWaiting?.({ targetId, jobId, ...reason });
        }
        return;
      }
      let result: RotationResult;
      if (state === 'failed') {
        result = { targetId, jobId, status: 'failed', error: job.failedReason ?? 'failed', attempts: job.attemptsMade };
      } else if (isDryRunReport(job.returnvalue)) {
        result = { targetId, jobId, status: 'dry-run', report: job.returnvalue };
      } else {
        // Callers wait on rotation jobs (`rotate.<id>`), never on a follow-up (`retire.<id>`).
        result = { targetId, jobId, status: 'succeeded', outcome: job.returnvalue as RotationOutcome };
      }
      results.set(jobId, result);
      await options.onResult?.(result);
    });
    if (results.size === jobs.length) break;
    if (full) await noWorker(states, jobs.length - results.size);
    if (Date.now() >= deadline) {
      for (const { targetId, jobId } of jobs) {
        if (results.has(jobId)) continue;
        // A job this round did not look at (it reported no news) is read now: a timeout reports every state.
        const state = states.get(jobId) ?? (await queue.getJobState(jobId));
        const reason = state === 'delayed' ? waiting.get(jobId) : undefined;
        const result: RotationResult = {
          targetId,
          jobId,
          status: 'timeout',
          state,
          ...(reason && reason.until > Date.now() ? { waiting: reason } : {}),
        };
        results.set(jobId, result);
        await options.onResult?.(result);
      }
      break;
    }
    if (full) {
      // Poll faster while things move, slower while they wait (a thousand open jobs cost a thousand calls).
      const moved = [...states].some(([id, s]) => lastStates.get(id) !== s);
      pollMs = moved ? firstPollMs : Math.min(Math.max(1_000, firstPollMs), pollMs * 2);
      lastStates = states;
      nextFullPoll = Date.now() + pollMs;
    }
    const untilNext = Math.max(0, Math.min(nextFullPoll, deadline) - Date.now());
    if (signals) news = await signals.next(untilNext);
    else await new Promise((resolve) => setTimeout(resolve, untilNext));
  }
  return jobs.map((j) => results.get(j.jobId) as RotationResult);
}

/**
 * Tells, once, that nothing serves the queue: BullMQ lists the workers connected to it (CLIENT LIST).
 * Where Redis refuses CLIENT LIST, a queue with none of its jobs active while ours wait says the same.
 */
function noWorkerCheck(queue: RotationQueue, options: WaitOptions, started: number) {
  const afterMs = options.noWorkerAfterMs ?? 5_000;
  let told = !options.onNoWorker;
  let nextCheck = started + afterMs;
  return async (states: Map<string, string>, open: number): Promise<void> => {
    if (told || Date.now() < nextCheck) return;
    nextCheck = Date.now() + afterMs;
    let none: boolean;
    try {
      none = (await queue.getWorkersCount()) === 0;
    } catch {
      const ready = [...states.values()].some((s) => s === 'waiting' || s === 'prioritized');
      none = ready && (await queue.getActiveCount()) === 0;
    }
    if (!none) return;
    told = true;
    options.onNoWorker?.({ afterMs: Date.now() - started, open });
  };
}
