import type { Job, JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';
import { auditText } from '../audit/freeText.js';
import type { AuditSink } from '../audit/types.js';
import type { TargetConfig } from '../config/schema.js';
import type { HeartbeatOutcome } from '../rotation/heartbeat.js';
import { mapLimit } from './mapLimit.js';
import { UnknownTarget } from './enqueueRotation.js';

/**
 * Heartbeats ride the rotate queue (so the same workers, connectors and per-endpoint rate gates serve
 * them) under their own job name and id, at a lower priority: BullMQ hands out every job without a
 * priority (every rotation) before any prioritized one, so heartbeats never starve rotations.
 */
export const heartbeatJobName = 'heartbeat';

/** One heartbeat job per target: a second request joins the first. */
export function heartbeatJobId(targetId: string): string {
  return `heartbeat.${targetId}`;
}

/** BullMQ priority of heartbeat jobs (1 is the highest; rotations carry none and always go first). */
export const heartbeatPriority = 1_000;

export const heartbeatJobSchema = z
  .object({
    targetId: z.string().min(1).max(128),
    reason: z.string().max(200).optional(),
    requestedBy: z.string().max(200).optional(),
  })
  .strict();

export type HeartbeatJobData = z.infer<typeof heartbeatJobSchema>;
export type HeartbeatQueue = Queue<HeartbeatJobData, HeartbeatOutcome>;

/**
 * One try: a login whose answer was lost may have been refused (a strike), so a failed heartbeat is
 * not sent again; the next heartbeat window tries again. A throttled or busy heartbeat is parked by
 * the worker, which counts no try.
 */
function heartbeatJobOptions(jobId: string, delayMs: number | undefined): JobsOptions {
  return {
    jobId,
    priority: heartbeatPriority,
    delay: Math.max(0, Math.round(delayMs ?? 0)),
    attempts: 1,
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export interface HeartbeatRequest {
  reason?: string;
  requestedBy?: string;
  /** Start no sooner than this (jitter, maintenance window); without it: now. */
  delayMs?: number;
  /**
   * Skip when the target's last heartbeat job failed at or after this time (ms): a login whose answer
   * was lost may have been refused, so a sweep does not send the password again every round.
   */
  skipIfFailedSince?: number;
}

export interface EnqueuedHeartbeat {
  targetId: string;
  jobId: string;
  state: 'added' | 'joined' | 'recently-failed';
}

export interface HeartbeatEnqueueContext {
  queue: Queue;
  target(id: string): TargetConfig | undefined;
  audit?: AuditSink;
}

const inFlight = new Set(['active', 'waiting', 'waiting-children', 'prioritized', 'delayed']);

/** Puts one heartbeat of one target on the queue, or joins the one already there. */
export async function enqueueHeartbeat(
  ctx: HeartbeatEnqueueContext,
  targetId: string,
  request: HeartbeatRequest = {},
): Promise<EnqueuedHeartbeat> {
  if (!ctx.target(targetId)) throw new UnknownTarget(targetId);
  const jobId = heartbeatJobId(targetId);
  const data = heartbeatJobSchema.parse({
    targetId,
    ...(request.reason ? { reason: request.reason } : {}),
    requestedBy: request.requestedBy ?? 'api',
  });
  for (let round = 0; round < 3; round += 1) {
    const state = await ctx.queue.getJobState(jobId);
    const existing = state === 'unknown' ? undefined : await ctx.queue.getJob(jobId);
    if (state !== 'unknown' && !existing) continue;
    if (existing && inFlight.has(state)) {
      // "Now" beats a later start (`rotor verify` on a heartbeat waiting for its window).
      if (state === 'delayed' && request.delayMs === undefined) await existing.promote().catch(() => undefined);
      return { targetId, jobId, state: 'joined' };
    }
    const since = request.skipIfFailedSince;
    if (existing && state === 'failed' && since !== undefined && (existing.finishedOn ?? Date.now()) >= since) {
      return { targetId, jobId, state: 'recently-failed' };
    }
    if (
      existing &&
      !(await existing.remove().then(
        () => true,
        () => false,
      ))
    )
      continue;
    await ctx.queue.add(heartbeatJobName, data, heartbeatJobOptions(jobId, request.delayMs));
    return { targetId, jobId, state: 'added' };
  }
  throw new Error(`job ${jobId} keeps changing state; try again`);
}

export type HeartbeatWaitResult =
  | { targetId: string; jobId: string; status: 'done'; outcome: HeartbeatOutcome }
  | { targetId: string; jobId: string; status: 'failed'; error: string }
  | { targetId: string; jobId: string; status: 'timeout'; state: string };

/** Waits for each heartbeat job to finish by polling its state; results in input order. */
export async function waitForHeartbeats(
  queue: Queue,
  jobs: readonly { targetId: string; jobId: string }[],
  options: { timeoutMs: number; pollMs?: number; onResult?: (r: HeartbeatWaitResult) => void },
): Promise<HeartbeatWaitResult[]> {
  const deadline = Date.now() + options.timeoutMs;
  const results = new Map<string, HeartbeatWaitResult>();
  for (;;) {
    const open = jobs.filter((j) => !results.has(j.jobId));
    const states = new Map<string, string>();
    await mapLimit(open, 32, async ({ targetId, jobId }) => {
      const state = await queue.getJobState(jobId);
      states.set(jobId, state);
      if (state !== 'completed' && state !== 'failed') return;
      const job = (await queue.getJob(jobId)) as Job<HeartbeatJobData, HeartbeatOutcome> | undefined;
      if (!job) return;
      const result: HeartbeatWaitResult =
        state === 'completed'
          ? { targetId, jobId, status: 'done', outcome: job.returnvalue }
          : { targetId, jobId, status: 'failed', error: job.failedReason ?? 'failed' };
      results.set(jobId, result);
      options.onResult?.(result);
    });
    if (results.size === jobs.length) break;
    if (Date.now() >= deadline) {
      for (const { targetId, jobId } of jobs) {
        if (results.has(jobId)) continue;
        const result: HeartbeatWaitResult = {
          targetId,
          jobId,
          status: 'timeout',
          state: states.get(jobId) ?? 'unknown',
        };
        results.set(jobId, result);
        options.onResult?.(result);
      }
      break;
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(options.pollMs ?? 250, Math.max(0, deadline - Date.now()))),
    );
  }
  return jobs.map((j) => results.get(j.jobId) as HeartbeatWaitResult);
}

/** The audit's view of who asked: free text checked like any text bound for the chain. */
export function heartbeatActor(data: HeartbeatJobData): string {
  return data.requestedBy === undefined ? 'scheduler' : auditText(data.requestedBy);
}
