import type { Job, JobsOptions, Queue } from 'bullmq';
import { rotateJobSchema, type RotateJobData, type RotateJobResult } from './rotateJob.js';
import { auditText } from '../audit/freeText.js';
import type { AuditSink } from '../audit/types.js';
import type { TargetConfig } from '../config/schema.js';
import { rotationJobId, rotationJobOptions } from './names.js';
import { dryRunJobId } from './scheduleNames.js';

export type RotationQueue = Queue<RotateJobData, RotateJobResult>;
export type RotationJob = Job<RotateJobData, RotateJobResult>;

/** What a caller asks for; `requestedBy` and `reason` reach the audit log and the job. */
export interface RotationRequest {
  /** Free text for the audit ("suspected leak", "schedule"). At most 200 characters. */
  reason?: string;
  /** Who asks: `cli:<user>`, `api:<service>`, `scheduler`. At most 200 characters. @defaultValue 'api' */
  requestedBy?: string;
  /**
   * Start no sooner than this many ms from now (jitter, cooldown, maintenance window). Without it the
   * request means *now*: a job of the target waiting for later is moved forward.
   */
  delayMs?: number;
  /** Authenticate, generate, validate, check Vault access; change nothing. */
  dryRun?: boolean;
  /** The mass rotation this request belongs to. */
  runId?: string;
  /**
   * Skip the request when the target's last job completed at or after `completedSince` (ms): what the
   * caller read before then (e.g. Vault's `rotated_at` in a sweep) may be out of date. Or when it
   * failed for good at or after `failedSince`: a sweep should not re-try a failing target every round
   * (a refused login is a lockout strike) — the failure is alerted and shown by `rotor status`.
   */
  skipIfFinished?: { completedSince?: number; failedSince?: number };
}

/**
 * - added: a new job was created;
 * - joined: a job of the target was already waiting or running, and this request rides on it (dedupe);
 * - recently-finished: skipped, see `skipIfFinished`.
 */
export type EnqueueState = 'added' | 'joined' | 'recently-finished';

/**
 * What a request for a rotation got: rotor's own record, not the queue's job object, so callers depend on
 * rotor and not on BullMQ. Follow the rotation with `waitForRotations([{ targetId, jobId }])`.
 */
export interface EnqueuedRotation {
  targetId: string;
  /** The job's id: `rotate.<targetId>` (`dryrun.<targetId>` for a dry run). */
  jobId: string;
  state: EnqueueState;
  dryRun: boolean;
  /** When the job was created (ms since the epoch); earlier than the request when it joined a job in flight. */
  createdAt: number;
  /** When the job that made the request unnecessary finished (ms); only for `recently-finished`. */
  finishedAt?: number;
}

export interface EnqueueContext {
  queue: RotationQueue;
  target(id: string): TargetConfig | undefined;
  audit: AuditSink;
  /** Tries per rotation job (config `rotation.attempts`). */
  attempts: number;
}

export class UnknownTarget extends Error {
  constructor(targetId: string) {
    super(`no target "${targetId}" in the config`);
    this.name = 'UnknownTarget';
  }
}

const inFlight = new Set(['active', 'waiting', 'waiting-children', 'prioritized', 'delayed']);

/**
 * Puts one rotation of one target on the queue, or joins the one already there: the job id is fixed
 * per target (`rotate.<id>`), so two requests can never become two concurrent rotations. A finished
 * job of the target (kept a while for its result) is replaced by the new request.
 */
export async function enqueueRotation(
  ctx: EnqueueContext,
  targetId: string,
  request: RotationRequest = {},
): Promise<EnqueuedRotation> {
  const target = ctx.target(targetId);
  if (!target) throw new UnknownTarget(targetId);
  const data = rotateJobSchema.parse(
    compact({
      targetId,
      reason: request.reason,
      requestedBy: request.requestedBy ?? 'api',
      dryRun: request.dryRun || undefined,
      runId: request.runId,
    }),
  );
  const jobId = request.dryRun ? dryRunJobId(targetId) : rotationJobId(targetId);
  const outcome = await addOrJoin(ctx, jobId, data, request);
  // Caller text enters the audit chain verbatim only when short, printable and secret-free.
  const text = (value: string | undefined) => (value === undefined ? undefined : auditText(value));
  await ctx.audit.append({
    type: 'rotation.requested',
    actor: text(data.requestedBy) ?? 'api',
    targetId,
    kind: target.kind,
    jobId,
    outcome: outcome.state,
    detail: compact({
      reason: text(data.reason),
      dryRun: data.dryRun,
      runId: text(data.runId),
      delayMs: request.delayMs,
    }),
  });
  const { job } = outcome;
  return {
    targetId,
    jobId,
    state: outcome.state,
    dryRun: data.dryRun === true,
    createdAt: job.timestamp,
    ...(outcome.state === 'recently-finished' ? { finishedAt: job.finishedOn ?? Date.now() } : {}),
  };
}

async function addOrJoin(
  ctx: EnqueueContext,
  jobId: string,
  data: RotateJobData,
  request: RotationRequest,
): Promise<{ state: EnqueueState; job: RotationJob }> {
  // A few rounds: a finished job removed here may be replaced by another requester in between.
  for (let round = 0; round < 3; round += 1) {
    // The state first, then the job: a job read before its state could predate its own completion
    // (no finishedOn yet), and a just-finished rotation would be taken for an old one and repeated.
    const state = await ctx.queue.getJobState(jobId);
    const existing = state === 'unknown' ? undefined : await ctx.queue.getJob(jobId);
    if (state !== 'unknown' && !existing) continue;
    if (existing && inFlight.has(state)) {
      if (state === 'delayed' && request.delayMs === undefined) {
        // "Now" beats a later start; the job may have moved on meanwhile, which is just as good.
        await existing.promote().catch(() => undefined);
      }
      return { state: 'joined', job: existing };
    }
    if (existing && (state === 'completed' || state === 'failed')) {
      // A terminal job without a finish time is treated as finished just now: skipping is the safe side.
      const finishedOn = existing.finishedOn ?? Date.now();
      const since =
        state === 'completed' ? request.skipIfFinished?.completedSince : request.skipIfFinished?.failedSince;
      if (since !== undefined && finishedOn >= since) return { state: 'recently-finished', job: existing };
      // Removal fails only when another requester got there first; look again.
      const removed = await existing.remove().then(
        () => true,
        () => false,
      );
      if (!removed) continue;
    }
    const job = await ctx.queue.add('rotate', data, jobOptions(ctx, jobId, request));
    return { state: 'added', job };
  }
  throw new Error(`job ${jobId} keeps changing state; try again`);
}

function jobOptions(ctx: EnqueueContext, jobId: string, request: RotationRequest): JobsOptions {
  const delay = Math.max(0, Math.round(request.delayMs ?? 0));
  if (request.dryRun) {
    // A dry run is one look, never retried: a second login with a refused password is a lockout strike.
    return { jobId, delay, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } };
  }
  return { ...rotationJobOptions, attempts: ctx.attempts, jobId, delay };
}

/** The object without its undefined fields (the audit and the strict job schema want none). */
function compact(
  value: Record<string, string | number | boolean | undefined>,
): Record<string, string | number | boolean> {
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string | number | boolean] => e[1] !== undefined),
  );
}
