import { Worker } from 'bullmq';
import type { Rotor } from '../app/makeRotor.js';
import { chosenRetryDelay, makeRotateProcessor } from '../../jobs/rotate.js';
import { rotateQueueName } from './names.js';
import { makeClientSet, redisSettingsOf } from './cluster.js';
import { steer } from '../rotation/steer.js';
import { queueTelemetry } from '../observability/tracing.js';

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

export async function startRotationWorker(rotor: Rotor, settings: WorkerSettings = {}): Promise<RotationWorker> {
  const connections = makeClientSet(redisSettingsOf(rotor.config.redis));
  const worker = new Worker(rotateQueueName, makeRotateProcessor(rotor), {
    connection: connections.create(),
    prefix: rotor.config.redis.prefix,
    concurrency: settings.concurrency ?? rotor.config.worker.concurrency,
    lockDuration: settings.lockDurationMs ?? rotor.config.rotation.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs ?? rotor.config.rotation.stalledIntervalMs,
    // The `rotor` backoff type (queue/names.ts): the error that failed the attempt picks the delay.
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => {
        const chosen = chosenRetryDelay(err);
        if (chosen !== undefined) return chosen;
        const steering = steer(err, attemptsMade);
        return steering.action === 'stop' ? -1 : steering.delayMs;
      },
    },
    // A worker killed twice in one rotation still leaves the job to recovery, not to the failed set.
    maxStalledCount: 3,
    ...queueTelemetry(),
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
