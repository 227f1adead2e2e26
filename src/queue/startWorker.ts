import { Worker } from 'bullmq';
import type { RotorConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { rotateQueueName } from './names.js';
import { makeClientSet, redisSettingsOf } from './cluster.js';
import { queueTelemetry } from '../observability/tracing.js';
import { rotationBackoffStrategy } from './retryDelay.js';
import type { RotateProcessor } from './rotateJob.js';

export interface WorkerSettings {
  /** Rotations run at once by this process. @defaultValue config.worker.concurrency */
  concurrency?: number;
  /**
   * How long a job's lock lives without renewal. A killed worker's job is seen as stalled after at most
   * lockDurationMs + stalledIntervalMs and handed to another worker, whose recovery finishes it.
   * @defaultValue config.rotation.lockDurationMs
   */
  lockDurationMs?: number;
  /** @defaultValue config.rotation.stalledIntervalMs */
  stalledIntervalMs?: number;
}

export interface RotationWorker {
  worker: Worker;
  /** Stops taking jobs, waits for active rotations up to `timeoutMs`, then closes connections. */
  close(timeoutMs?: number): Promise<void>;
}

/** What the worker needs of a `Rotor`. */
export interface WorkerHost {
  config: RotorConfig;
  logger: Logger;
}

/** The rotate worker's options but its connection (the pipeline benchmark's queued replay uses them too). */
export function rotationWorkerOptions(config: RotorConfig, settings: WorkerSettings = {}) {
  return {
    prefix: config.redis.prefix,
    concurrency: settings.concurrency ?? config.worker.concurrency,
    lockDuration: settings.lockDurationMs ?? config.rotation.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs ?? config.rotation.stalledIntervalMs,
    // The `rotor` backoff type (queue/names.ts): the delay the processor decided and audited.
    settings: { backoffStrategy: rotationBackoffStrategy },
    // A worker killed twice in one rotation still leaves the job to recovery, not to the failed set.
    maxStalledCount: 3,
    ...queueTelemetry(),
  };
}

/**
 * A BullMQ worker on the `rotate` queue running `processor` (`makeRotateProcessor(rotor)` from
 * `jobs/rotate.ts`, handed in by the composition root: the library never imports `jobs/`).
 */
export async function startRotationWorker(
  rotor: WorkerHost,
  processor: RotateProcessor,
  settings: WorkerSettings = {},
): Promise<RotationWorker> {
  const connections = makeClientSet(redisSettingsOf(rotor.config.redis));
  const worker = new Worker(rotateQueueName, processor, {
    connection: connections.create(),
    ...rotationWorkerOptions(rotor.config, settings),
  });
  worker.on('error', (err) => rotor.logger.error({ err }, 'worker error'));
  await worker.waitUntilReady();
  return {
    worker,
    async close(timeoutMs = 30_000) {
      // worker.close() waits for active jobs without a limit of its own.
      const closing = worker.close();
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
      if ((await Promise.race([closing.then(() => 'closed' as const), timer])) === 'timeout') {
        rotor.logger.warn({ timeoutMs }, 'active rotations did not finish in time; their recovery will finish them');
        await worker.close(true);
      }
      await connections.closeAll();
    },
  };
}
