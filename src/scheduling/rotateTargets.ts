import type { TargetConfig } from '../config/schema.js';
import type { EnqueueState } from '../queue/enqueueRotation.js';
import type { RotationClient } from '../queue/rotationClient.js';
import type { RotationResult } from '../queue/waitForRotations.js';
import type { SecretStore } from '../types/secretStore.js';
import { rotatedAtOf } from './cooldown.js';
import { noWorkerMessage, waitingCause } from './waitingNotice.js';
import { mapLimit } from '../queue/mapLimit.js';
import { makeRunStore, type RotationRun } from './rotationRun.js';

/** What `rotor rotate` reports, one event per line in JSON mode. */
export type RotateEvent =
  | { event: 'run'; runId: string; resumed: boolean; startedAt: string; targets: number; alreadyDone: number }
  | { event: 'skipped'; targetId: string; why: string }
  | { event: 'queued'; targetId: string; jobId: string; state: EnqueueState }
  | { event: 'retrying'; targetId: string; jobId: string; attempt: number; error: string }
  /** A job parked by the worker: `why` says what holds it, `until` (ISO) when it runs. */
  | { event: 'waiting'; targetId: string; jobId: string; code: string; until: string; message: string; why: string }
  | { event: 'no-worker'; afterMs: number; open: number; message: string }
  | ResultEvent
  | ({ event: 'summary' } & RotateSummary);

/** A final result, tagged with its status as the event name. */
export type ResultEvent = {
  [S in RotationResult['status']]: { event: S } & Extract<RotationResult, { status: S }>;
}[RotationResult['status']];

function resultEvent(result: RotationResult): ResultEvent {
  return { event: result.status, ...result } as ResultEvent;
}

export interface RotateSummary {
  runId?: string;
  total: number;
  /** Rotations that succeeded (dry runs: that found no problem). */
  succeeded: number;
  failed: number;
  timedOut: number;
  /** Done earlier in this run (resumed), so not rotated again. */
  skipped: number;
  /** Enqueued and not waited for. */
  queued: number;
  /** Dry runs whose report lists a problem. */
  problems: number;
  ok: boolean;
}

export interface RotateTargetsOptions {
  client: RotationClient;
  /** Vault, to see on resume which targets the run already rotated while nobody was watching. */
  store?: Pick<SecretStore, 'readSecret'>;
  targets: readonly TargetConfig[];
  requestedBy: string;
  reason?: string;
  wait: boolean;
  timeoutMs: number;
  dryRun?: boolean;
  /** Resume this run; by default the open run of the same targets is resumed. */
  runId?: string;
  freshRun?: boolean;
  runTtlMs: number;
  /**
   * Track the request as a resumable run. A mass rotation wants it; a request for a named target
   * does not (asking again for `iam-alice` an hour later must rotate it again). @defaultValue true
   */
  asRun?: boolean;
  onEvent?: (event: RotateEvent) => void;
}

/**
 * Rotates many targets now: every job is enqueued at once, and the workers' concurrency and the
 * per-endpoint token buckets set the pace. As a run, it survives a crash of its caller: done targets
 * are recorded in Redis and also recognised by Vault's `rotated_at` (a job that finished while the
 * caller was dead); targets still queued or rotating are joined, never enqueued twice.
 */
export async function rotateTargets(options: RotateTargetsOptions): Promise<RotateSummary> {
  const emit = options.onEvent ?? (() => undefined);
  const summary: RotateSummary = {
    total: options.targets.length,
    succeeded: 0,
    failed: 0,
    timedOut: 0,
    skipped: 0,
    queued: 0,
    problems: 0,
    ok: false,
  };
  const runs = makeRunStore(options.client.redis, options.client.config.redis.prefix);
  const run =
    options.dryRun || options.asRun === false
      ? undefined
      : await runs.open({
          targetIds: options.targets.map((t) => t.id),
          requestedBy: options.requestedBy,
          reason: options.reason,
          runId: options.runId,
          fresh: options.freshRun,
          ttlMs: options.runTtlMs,
        });
  if (run) {
    summary.runId = run.runId;
    if (run.resumed && options.store) await recogniseDone(run, options, runs.markDone);
    emit({
      event: 'run',
      runId: run.runId,
      resumed: run.resumed,
      startedAt: run.startedAt.toISOString(),
      targets: options.targets.length,
      alreadyDone: options.targets.filter((t) => run.done.has(t.id)).length,
    });
  }

  const todo = options.targets.filter((t) => !run?.done.has(t.id));
  for (const t of options.targets) {
    if (run?.done.has(t.id)) {
      summary.skipped += 1;
      emit({ event: 'skipped', targetId: t.id, why: `done in run ${run.runId}` });
    }
  }
  const queued = await mapLimit(todo, 16, async (t) => {
    const entry = await options.client.enqueueRotation(t.id, {
      requestedBy: options.requestedBy,
      reason: options.reason,
      dryRun: options.dryRun,
      runId: run?.runId,
      // Resuming: a job of the target that completed since the run began is this run's work (its Vault
      // stamp may have landed just after we looked). Failed ones are tried again.
      ...(run?.resumed ? { skipIfFinished: { completedSince: run.startedAt.getTime() } } : {}),
    });
    if (run && entry.state === 'recently-finished') {
      await runs.markDone(run, [t.id], options.runTtlMs);
      summary.skipped += 1;
      emit({ event: 'skipped', targetId: t.id, why: `done in run ${run.runId}` });
      return undefined;
    }
    emit({ event: 'queued', targetId: t.id, jobId: entry.jobId, state: entry.state });
    return { targetId: t.id, jobId: entry.jobId };
  });
  const enqueued = queued.filter((q): q is { targetId: string; jobId: string } => q !== undefined);

  // A dry run reports what it found, so it is always waited for.
  if (!options.wait && !options.dryRun) {
    summary.queued = enqueued.length;
    summary.ok = true;
    emit({ event: 'summary', ...summary });
    return summary;
  }
  await options.client.waitForRotations(enqueued, {
    timeoutMs: options.timeoutMs,
    onRetry: (e) => emit({ event: 'retrying', ...e }),
    onWaiting: ({ targetId, jobId, code, until, message }) => {
      const target = options.targets.find((t) => t.id === targetId) ?? { id: targetId, kind: 'unknown' };
      const why = waitingCause({ code, message }, target);
      emit({ event: 'waiting', targetId, jobId, code, until: new Date(until).toISOString(), message, why });
    },
    onNoWorker: (notice) => emit({ event: 'no-worker', ...notice, message: noWorkerMessage }),
    onResult: async (result) => {
      if (result.status === 'succeeded') {
        summary.succeeded += 1;
        if (run) await runs.markDone(run, [result.targetId], options.runTtlMs);
      } else if (result.status === 'failed') summary.failed += 1;
      else if (result.status === 'timeout') summary.timedOut += 1;
      else if (result.report.ok) summary.succeeded += 1;
      else summary.problems += 1;
      emit(resultEvent(result));
    },
  });
  if (run && options.targets.every((t) => run.done.has(t.id))) await runs.finish(run);
  summary.ok = summary.failed === 0 && summary.timedOut === 0 && summary.problems === 0;
  emit({ event: 'summary', ...summary });
  return summary;
}

/** Targets whose current password was stamped after the run started were rotated by it. */
async function recogniseDone(
  run: RotationRun,
  options: RotateTargetsOptions,
  markDone: (run: RotationRun, ids: readonly string[], ttlMs: number) => Promise<void>,
): Promise<void> {
  const open = options.targets.filter((t) => !run.done.has(t.id));
  const stamped = await mapLimit(open, 8, async (t) => {
    const secret = await options.store?.readSecret(t.secretPath);
    const at = rotatedAtOf(secret?.customMetadata);
    return at && at.getTime() >= run.startedAt.getTime() ? t.id : undefined;
  });
  await markDone(
    run,
    stamped.filter((id): id is string => id !== undefined),
    options.runTtlMs,
  );
}
