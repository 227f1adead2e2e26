import { CronExpressionParser } from 'cron-parser';
import type { SchedulingConfig } from '../config/schedulingSchema.js';
import type { TargetConfig } from '../config/schema.js';
import type { RedisClient } from '../types/redis.js';
import type { RotationQueue } from '../queue/enqueueRotation.js';
import { rotationJobId } from '../queue/names.js';
import { readWaitingReason, type WaitingReason } from '../queue/waitingReason.js';
import { schedulingKeys, targetIdOfScheduler } from '../queue/scheduleNames.js';
import type { SecretStore } from '../types/secretStore.js';
import { rotatedAtOf } from './cooldown.js';
import { jitterOffsetMs } from './jitter.js';
import { mapLimit } from '../queue/mapLimit.js';
import { timingFor } from './planRotation.js';
import { formatClock, waitingCause } from './waitingNotice.js';
import type { ScheduleQueue } from './syncSchedules.js';
import { connectors, descriptorOf, type ConnectorRegistry } from '../connectors/registry.js';
import { resolvedFor } from '../connectors/types.js';
import { driftedCode } from '../rotation/heartbeat.js';
import { heartbeatKey, type HeartbeatRecord } from '../rotation/heartbeatStore.js';
import { heartbeatOf } from './heartbeatSweep.js';

/** `drifted`: a heartbeat found the stored password refused (out of sync, found by a heartbeat). */
export type TargetState = 'ok' | 'due' | 'overdue' | 'failing' | 'out-of-sync' | 'drifted' | 'never rotated';

/** One line of `rotor status`. */
export interface TargetStatusRow {
  targetId: string;
  kind: string;
  state: TargetState;
  /** When the current password was set by rotor (Vault's `rotated_at`). */
  lastSuccess?: string;
  ageMs?: number;
  maxAgeMs?: number;
  /** When the next rotation is expected to start (now, when due or overdue). */
  nextDue?: string;
  schedule?: string;
  /** The target's rotation job, when one exists (queued, running, or kept after it finished). */
  job?: {
    state: string;
    runAt?: string;
    attempts: number;
    /** Why a delayed job waits (cooldown, throttle, busy target) and until when, as the worker recorded it. */
    waiting?: { code: string; until: string; message: string; why: string };
  };
  lastError?: string;
  lastAttemptAt?: string;
  /** When the password Vault holds last logged in (a heartbeat). */
  lastVerified?: string;
  /** The last heartbeat, and how often heartbeats run (ms) when configured. */
  heartbeat?: { at?: string; result?: string; message?: string; everyMs?: number };
  /** Never rotated but onboarded: when its secret was written (the max-age sweep's start for its age). */
  storedAt?: string;
  /** Present (false) for kinds that cannot prove a password (CBH): heartbeats cannot check them. */
  verifiable?: false;
  unverifiedReason?: string;
}

/** Everything the state of one target is judged from. */
export interface StatusFacts {
  target: TargetConfig;
  now: number;
  rotatedAt?: Date;
  /** The engine's `{prefix}:status:{targetId}` hash. */
  engine?: { state?: string; lastError?: string; lastErrorCode?: string; lastAttemptAt?: string };
  job?: {
    state: string;
    runAt?: number;
    finishedOn?: number;
    failedReason?: string;
    attemptsMade: number;
    waiting?: WaitingReason;
  };
  /** When the target's schedule fires next (BullMQ's `next`). */
  scheduleNext?: number;
  jitterMs: number;
  /** The target's last heartbeat (`{prefix}:heartbeat:{targetId}`). */
  heartbeat?: HeartbeatRecord;
  /** Its heartbeat interval (ms), when it has one. */
  heartbeatEveryMs?: number;
  /** Why its kind cannot verify a password; undefined when it can. */
  unverifiedReason?: string;
  /**
   * A never-rotated target that was onboarded (seen by a heartbeat, `onboard: verify`): when its
   * secret was last written, from which the max-age sweep counts its age.
   */
  storedAt?: Date;
}

const queued = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/** When the schedule last fired before `now` (cron in its zone; `every` from BullMQ's next firing). */
export function previousFiring(schedule: TargetConfig['schedule'], now: number, next?: number): number | undefined {
  if (!schedule) return undefined;
  if ('every' in schedule) return next !== undefined ? next - schedule.every : now - schedule.every;
  return CronExpressionParser.parse(schedule.cron, { currentDate: new Date(now), tz: schedule.tz })
    .prev()
    .getTime();
}

function describeSchedule(schedule: TargetConfig['schedule']): string | undefined {
  if (!schedule) return undefined;
  return 'cron' in schedule ? `${schedule.cron} ${schedule.tz}` : `every ${Math.round(schedule.every / 1000)}s`;
}

/**
 * The state of one target, most severe first: out-of-sync (the engine stopped: `rotor reconcile`),
 * failing (its last rotation failed for good), never rotated, overdue (older than maxAge), due (a
 * rotation is queued, or the schedule fired since the last success), ok.
 */
export function assessStatus(facts: StatusFacts): TargetStatusRow {
  const { target, now, rotatedAt, engine, job } = facts;
  const ageMs = rotatedAt ? now - rotatedAt.getTime() : undefined;
  const lastFailed = job?.state === 'failed' && (!rotatedAt || (job.finishedOn ?? 0) > rotatedAt.getTime());
  const isQueued = job !== undefined && queued.has(job.state);
  const fired = previousFiring(target.schedule, now, facts.scheduleNext);
  const firedSinceSuccess = rotatedAt !== undefined && fired !== undefined && fired > rotatedAt.getTime();
  const overdue = target.maxAge !== undefined && ageMs !== undefined && ageMs > target.maxAge;

  let state: TargetState = 'ok';
  if (engine?.state === 'out-of-sync') state = engine.lastErrorCode === driftedCode ? 'drifted' : 'out-of-sync';
  else if (engine?.state === 'failing' || lastFailed) state = 'failing';
  else if (!rotatedAt) state = 'never rotated';
  else if (overdue) state = 'overdue';
  else if (isQueued || firedSinceSuccess) state = 'due';

  const candidates: number[] = [];
  if (isQueued) candidates.push(Math.max(now, job?.runAt ?? now));
  else {
    if (facts.scheduleNext !== undefined)
      candidates.push(facts.scheduleNext + jitterOffsetMs(target.id, facts.jitterMs));
    if (target.maxAge !== undefined) {
      const since = rotatedAt ?? facts.storedAt;
      candidates.push(since ? since.getTime() + target.maxAge : now);
    }
    if (firedSinceSuccess) candidates.push(now);
  }
  const nextDue = candidates.length > 0 ? Math.max(now, Math.min(...candidates)) : undefined;

  return {
    targetId: target.id,
    kind: target.kind,
    state,
    ...(rotatedAt ? { lastSuccess: rotatedAt.toISOString(), ageMs } : {}),
    ...(target.maxAge !== undefined ? { maxAgeMs: target.maxAge } : {}),
    ...(nextDue !== undefined ? { nextDue: new Date(nextDue).toISOString() } : {}),
    ...(target.schedule ? { schedule: describeSchedule(target.schedule) } : {}),
    ...(job
      ? {
          job: {
            state: job.state,
            attempts: job.attemptsMade,
            ...(job.runAt !== undefined ? { runAt: new Date(job.runAt).toISOString() } : {}),
            ...(job.waiting && job.state === 'delayed'
              ? {
                  waiting: {
                    code: job.waiting.code,
                    until: new Date(job.waiting.until).toISOString(),
                    message: job.waiting.message,
                    why: waitingCause(job.waiting, target),
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(engine?.lastError || (lastFailed && job?.failedReason)
      ? { lastError: engine?.lastError ?? job?.failedReason }
      : {}),
    ...(engine?.lastAttemptAt ? { lastAttemptAt: engine.lastAttemptAt } : {}),
    ...heartbeatFields(facts),
  };
}

function heartbeatFields(facts: StatusFacts): Partial<TargetStatusRow> {
  const { heartbeat, heartbeatEveryMs, unverifiedReason } = facts;
  const beat =
    heartbeat || heartbeatEveryMs !== undefined
      ? {
          heartbeat: {
            ...(heartbeat ? { at: heartbeat.at, result: heartbeat.result } : {}),
            ...(heartbeat?.message ? { message: heartbeat.message } : {}),
            ...(heartbeatEveryMs !== undefined ? { everyMs: heartbeatEveryMs } : {}),
          },
        }
      : {};
  return {
    ...(facts.storedAt && !facts.rotatedAt ? { storedAt: facts.storedAt.toISOString() } : {}),
    ...(heartbeat?.lastVerified ? { lastVerified: heartbeat.lastVerified } : {}),
    ...beat,
    ...(unverifiedReason !== undefined ? { verifiable: false as const, unverifiedReason } : {}),
  };
}

export interface StatusSources {
  targets: readonly TargetConfig[];
  store: Pick<SecretStore, 'readSecret'>;
  redis: RedisClient;
  prefix: string;
  rotateQueue: RotationQueue;
  scheduleQueue: ScheduleQueue;
  scheduling: Pick<SchedulingConfig, 'jitter' | 'maintenanceWindow'> &
    Partial<Pick<SchedulingConfig, 'heartbeat' | 'onboard'>>;
  now?: number;
  /** The kinds served (whether each can verify). @defaultValue the production registry */
  connectors?: ConnectorRegistry;
}

/** Reads every fact (Vault, the engine's status hash, the queue, the schedules) and judges each target. */
export async function readStatus(sources: StatusSources): Promise<TargetStatusRow[]> {
  const now = sources.now ?? Date.now();
  const keys = schedulingKeys(sources.prefix);
  const nextFiring = new Map<string, number>();
  for (const s of await sources.scheduleQueue.getJobSchedulers(0, -1)) {
    const targetId = targetIdOfScheduler(s.key);
    if (targetId && s.next !== undefined && s.next !== null) nextFiring.set(targetId, s.next);
  }
  return mapLimit(sources.targets, 8, async (target) => {
    const [secret, engine, job, beat] = await Promise.all([
      sources.store.readSecret(target.secretPath),
      sources.redis.hgetall(keys.status(target.id)),
      sources.rotateQueue.getJob(rotationJobId(target.id)),
      sources.redis.hgetall(heartbeatKey(sources.prefix, target.id)),
    ]);
    const descriptor = descriptorOf(sources.connectors ?? connectors, target.kind);
    // A kind whose API each target describes (`http`) says per target whether it can verify.
    const capabilities = descriptor ? resolvedFor(descriptor, target).capabilities : undefined;
    const record = beat.at && beat.result ? (beat as unknown as HeartbeatRecord) : undefined;
    const rotatedAt = rotatedAtOf(secret?.customMetadata);
    // Onboarded (seen, `onboard: verify`): the sweep counts its age from when the secret was written.
    const onboarded =
      !rotatedAt &&
      record &&
      secret &&
      !secret.deleted &&
      (target.onboard ?? sources.scheduling.onboard ?? 'verify') === 'verify';
    const storedAt = onboarded ? new Date(secret.createdTime) : undefined;
    const state = job ? await job.getState() : undefined;
    return assessStatus({
      target,
      now,
      rotatedAt,
      ...(storedAt && !Number.isNaN(storedAt.getTime()) ? { storedAt } : {}),
      engine: engine.state ? engine : undefined,
      job:
        job && state && state !== 'unknown'
          ? {
              state,
              runAt: job.timestamp + (job.delay ?? 0),
              finishedOn: job.finishedOn,
              failedReason: job.failedReason,
              attemptsMade: job.attemptsMade,
              waiting: readWaitingReason(job.progress, now),
            }
          : undefined,
      scheduleNext: nextFiring.get(target.id),
      jitterMs: timingFor(target, sources.scheduling).jitterMs,
      heartbeat: record,
      heartbeatEveryMs: heartbeatOf(target, sources.scheduling)?.every,
      unverifiedReason:
        capabilities && !capabilities.canVerify
          ? (capabilities.unverifiedReason ?? 'the API offers no way to verify this password')
          : undefined,
    });
  });
}

/**
 * The NOTE of a status line: what to do first, then what happened. An out-of-sync target leads with
 * the command that resolves it, so no width of terminal can hide it.
 */
export function noteOf(row: TargetStatusRow, now = Date.now()): string {
  const detail = row.lastError ? withoutTarget(row.lastError, row.targetId) : '';
  if (row.state === 'out-of-sync' || row.state === 'drifted') {
    const why = detail
      .replace(/;?\s*waiting for rotor reconcile\.?$/, '')
      .replace(new RegExp(`;?\\s*run rotor reconcile ${escapeRegExp(row.targetId)}\\.?$`), '');
    return `run rotor reconcile ${row.targetId}${why ? `: ${why}` : ''}`;
  }
  if (detail) return detail;
  const job = row.job;
  if (job?.waiting)
    return `job delayed: ${job.waiting.why}, runs at ${formatClock(Date.parse(job.waiting.until), now)}`;
  if (job && job.state !== 'completed') return `job ${job.state}`;
  if (row.state === 'never rotated' && row.storedAt) {
    return `onboarded: rotated once its stored password (written ${row.storedAt.replace(/\.\d+Z$/, 'Z')}) passes its max age`;
  }
  // A heartbeat configured for a kind that cannot verify checks nothing: say so, never "verified".
  if (row.verifiable === false && row.heartbeat) return `cannot verify: ${row.unverifiedReason ?? ''}`.trim();
  if (row.heartbeat?.result === 'skipped' && row.heartbeat.message)
    return `heartbeat skipped: ${row.heartbeat.message}`;
  return '';
}

/** Messages start with "target <id>: " (or "<id>: "), which the line already shows. */
function withoutTarget(message: string, targetId: string): string {
  const id = escapeRegExp(targetId);
  return message.replace(new RegExp(`^(target )?${id}:\\s*`), '').trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
