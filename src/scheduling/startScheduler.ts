import { Queue, Worker, type Job } from 'bullmq';
import type { AuditSink } from '../audit/types.js';
import type { SchedulingConfig } from '../config/schedulingSchema.js';
import type { RotorConfig, TargetConfig } from '../config/schema.js';
import { connectors, descriptorOf, type ConnectorRegistry } from '../connectors/registry.js';
import { resolvedFor, type ConnectorDescriptor } from '../connectors/types.js';

const cooldownOf = (d: ConnectorDescriptor | undefined, target: TargetConfig): number =>
  d ? resolvedFor(d, target).cooldownMs : 0;
import type { Logger } from '../observability/logger.js';
import { queueTelemetry } from '../observability/tracing.js';
import type { AccountPasswordPolicy } from '../policy/index.js';
import { makeClientSet, redisSettingsOf } from '../queue/cluster.js';
import { enqueueRotation, type EnqueueContext, type RotationQueue } from '../queue/enqueueRotation.js';
import { rotateQueueName } from '../queue/names.js';
import { scheduleQueueName } from '../queue/scheduleNames.js';
import { scheduleQueueSettings } from './repeatStrategy.js';
import type { SecretStore } from '../types/secretStore.js';
import type { CooldownSource } from './cooldown.js';
import { timingFor } from './planRotation.js';
import { onScheduleFired, type TriggerContext } from './scheduledRotation.js';
import { runSweep, type SweepResult } from './sweep.js';
import { enqueueHeartbeat, type HeartbeatEnqueueContext } from '../queue/heartbeatJob.js';
import { makeHeartbeatStore } from '../rotation/heartbeatStore.js';
import { onboardOf, runHeartbeatSweep, type HeartbeatSweepResult } from './heartbeatSweep.js';
import { planRotation } from './planRotation.js';
import {
  desiredSchedules,
  syncSchedules,
  type ScheduleJobData,
  type ScheduleQueue,
  type SyncResult,
} from './syncSchedules.js';

/** What a scheduler needs from a `Rotor` (a narrow slice, so tests and `rotor run` share one). */
export interface SchedulerDeps {
  config: RotorConfig;
  logger: Logger;
  store: Pick<SecretStore, 'readSecret'>;
  audit: AuditSink;
  /** For IAM's minimum password age; without it only the connectors' fixed cooldowns count. */
  rotationDeps?: (target: TargetConfig) => { accountPolicy(): Promise<AccountPasswordPolicy | undefined> };
  /** The kinds of target served (their fixed cooldowns). @defaultValue the production registry */
  connectors?: ConnectorRegistry;
}

export interface SchedulerOptions {
  /** Overrides of the config's `scheduling:` section. */
  scheduling?: Partial<SchedulingConfig>;
  /** Trigger and sweep jobs handled at once by this process. @defaultValue 4 */
  concurrency?: number;
  /** The clock plans are made with (tests move it). @defaultValue Date.now */
  now?: () => number;
}

export interface RotorScheduler {
  readonly queue: ScheduleQueue;
  readonly worker: Worker<ScheduleJobData>;
  readonly scheduling: SchedulingConfig;
  /** Brings Redis's schedules in line with the config (done at start and every `resyncEvery`). */
  sync(): Promise<SyncResult>;
  /** One max-age sweep now, outside the sweep schedule (with onboarding of never-seen targets). */
  sweep(): Promise<SweepResult>;
  /** The due heartbeats, now (also run with every sweep). */
  heartbeatSweep(): Promise<HeartbeatSweepResult>;
  close(): Promise<void>;
}

/** The config's `scheduling:` section (validated by the loader), with a caller's overrides. */
export function schedulingOf(config: RotorConfig, overrides: Partial<SchedulingConfig> = {}): SchedulingConfig {
  return { ...config.scheduling, ...overrides };
}

/**
 * A scheduler process: syncs the configured schedules into BullMQ Job Schedulers, and handles what
 * they fire — a target's schedule (enqueue its rotation, delayed for jitter, cooldown and window) and
 * the max-age sweep. Any number may run against one Redis: BullMQ hands each firing to one of them.
 */
export async function startScheduler(deps: SchedulerDeps, options: SchedulerOptions = {}): Promise<RotorScheduler> {
  const { config, logger } = deps;
  const scheduling = schedulingOf(config, options.scheduling);
  const settings = redisSettingsOf(config.redis);
  const clients = makeClientSet(settings);
  const now = options.now ?? Date.now;
  const byId = new Map(config.targets.map((t) => [t.id, t]));
  const redis = clients.create();
  const queue: ScheduleQueue = new Queue(scheduleQueueName, {
    connection: clients.create(),
    prefix: settings.prefix,
    settings: scheduleQueueSettings,
  });
  const rotateQueue: RotationQueue = new Queue(rotateQueueName, {
    connection: clients.create(),
    prefix: settings.prefix,
    ...queueTelemetry(),
  });
  for (const q of [queue, rotateQueue]) q.on('error', (err) => logger.warn({ err }, 'scheduler queue error'));

  const enqueueCtx: EnqueueContext = {
    queue: rotateQueue,
    audit: deps.audit,
    target: (id) => byId.get(id),
    attempts: config.rotation.attempts,
  };
  const cooldown = (target: TargetConfig): CooldownSource => {
    const rotationDeps = deps.rotationDeps;
    return {
      cooldownMs: cooldownOf(descriptorOf(deps.connectors ?? connectors, target.kind), target),
      accountPolicy: rotationDeps ? () => rotationDeps(target).accountPolicy() : undefined,
    };
  };
  const planning: TriggerContext = {
    store: deps.store,
    enqueue: (targetId, request) => enqueueRotation(enqueueCtx, targetId, request),
    timing: (target) => timingFor(target, scheduling),
    cooldown,
    now,
  };
  const heartbeats = makeHeartbeatStore(redis, settings.prefix);
  const heartbeatCtx: HeartbeatEnqueueContext = { queue: rotateQueue, target: (id) => byId.get(id) };
  const sweep = () =>
    runSweep({
      ...planning,
      targets: config.targets,
      onboarding: {
        mode: (target) => onboardOf(target, scheduling),
        seen: async (targetId) => (await heartbeats.get(targetId)) !== undefined,
        heartbeat: (target) =>
          enqueueHeartbeat(heartbeatCtx, target.id, {
            requestedBy: 'scheduler',
            reason: 'onboarding: verify before any rotation',
            // One failed onboarding heartbeat (its login's answer lost) is not sent again for an hour.
            skipIfFailedSince: now() - 3_600_000,
            delayMs: planRotation({ targetId: target.id, now: now(), ...timingFor(target, scheduling) }).delayMs,
          }),
      },
    });
  const heartbeatSweep = () =>
    runHeartbeatSweep({
      targets: config.targets,
      scheduling,
      lastHeartbeat: (targetId) => heartbeats.get(targetId),
      enqueue: (targetId, request) => enqueueHeartbeat(heartbeatCtx, targetId, request),
      timing: (target) => timingFor(target, scheduling),
      now,
    });
  const sync = () =>
    syncSchedules(
      { queue, redis, prefix: settings.prefix, audit: deps.audit, logger },
      desiredSchedules(config.targets, scheduling),
    );

  const closeQueues = async () => {
    await queue.close();
    await rotateQueue.close();
    await clients.closeAll();
  };
  // Schedules first: a process that cannot write them must not start handling what they fire.
  await sync().catch(async (err: unknown) => {
    await closeQueues();
    throw err;
  });

  const worker = new Worker<ScheduleJobData>(
    scheduleQueueName,
    async (job: Job<ScheduleJobData>) => {
      if (job.name === 'sweep') {
        const result = await sweep();
        const beats = await heartbeatSweep();
        logger.info(
          {
            due: result.due,
            onboarding: result.onboarding.length,
            heartbeats: beats.due,
            errors: result.errors.length,
          },
          'max-age sweep',
        );
        // Vault answered for some targets only: fail the job so BullMQ tries the sweep again soon.
        if (result.errors.length > 0) {
          throw new Error(
            `max-age sweep: ${result.errors.length} targets unreadable, first: ${result.errors[0]?.error}`,
          );
        }
        return {
          due: result.due,
          enqueued: result.enqueued.length,
          onboarding: result.onboarding.length,
          heartbeats: beats.enqueued.length,
        };
      }
      const target = job.data.targetId ? byId.get(job.data.targetId) : undefined;
      if (!target) {
        // A schedule of a config this process does not have (another version mid-deploy): its own sync removes it.
        logger.warn({ targetId: job.data.targetId }, 'schedule fired for a target not in this config');
        return { skipped: 'unknown target' };
      }
      const { entry, plan } = await onScheduleFired(planning, target);
      return { jobId: entry.jobId, state: entry.state, delayMs: plan.delayMs, why: plan.why };
    },
    {
      connection: clients.create(),
      prefix: settings.prefix,
      concurrency: options.concurrency ?? 4,
      settings: scheduleQueueSettings,
    },
  );
  worker.on('error', (err) => logger.error({ err }, 'scheduler worker error'));
  worker.on('failed', (job, err) =>
    logger.warn({ err, job: job?.name, targetId: job?.data.targetId }, 'schedule job failed'),
  );
  // Redis may lose its data while we run (no persistence, a failover): check, and rebuild, regularly.
  const timer = setInterval(() => {
    sync().catch((err: unknown) => logger.warn({ err }, 'schedule resync failed'));
  }, scheduling.resyncEvery);
  timer.unref();
  await worker.waitUntilReady();

  return {
    queue,
    worker,
    scheduling,
    sync,
    sweep,
    heartbeatSweep,
    async close() {
      clearInterval(timer);
      await worker.close();
      await closeQueues();
    },
  };
}
