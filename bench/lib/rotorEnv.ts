import { Queue, QueueEvents, type Job } from 'bullmq';
import { pino } from 'pino';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import type { RotorConfig } from '../../src/config/schema.js';
import { makeLogger, type Logger } from '../../src/observability/logger.js';
import { makeMetrics } from '../../src/observability/metrics.js';
import { rotateQueueName, rotationJobId, rotationJobOptions } from '../../src/queue/names.js';
import { makeConnectionSet } from '../../src/queue/redis.js';
import { startRotationWorker, type RotationWorker } from '../../src/queue/startWorker.js';
import { makeRotateProcessor } from '../../jobs/rotate.js';
import { onCleanup, sleep } from './main.js';

/**
 * rotor's own logger at its default level (info), writing to /dev/null: what a production worker
 * spends on logging is part of what it costs, but the lines are not wanted here.
 */
export function benchLogger(): Logger {
  return makeLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: false }) });
}

/** A rotor (as `rotor worker` builds it) and a producer queue on the rotate queue. */
export interface RotorEnv {
  config: RotorConfig;
  rotor: Rotor;
  queue: Queue;
  /** A QueueEvents on the rotate queue, made on first use (what a waiting caller such as `rotor rotate --wait` uses). */
  events(): Promise<QueueEvents>;
  /** The worker started by startWorker, if any. */
  worker?: RotationWorker;
  /** Starts a rotation worker; closed at cleanup if not before. */
  startWorker(concurrency?: number): Promise<RotationWorker>;
}

export async function openRotorEnv(config: RotorConfig, logger: Logger = benchLogger()): Promise<RotorEnv> {
  const connections = makeConnectionSet(config.redis.url);
  onCleanup(() => connections.closeAll());
  // As `rotor worker` builds it: with metrics (every rotation is counted and timed).
  const rotor = await makeRotor(config, logger, { metrics: makeMetrics() });
  onCleanup(() => rotor.close());
  const queue = new Queue(rotateQueueName, { connection: connections.create(), prefix: config.redis.prefix });
  onCleanup(() => queue.close());
  await queue.waitUntilReady();
  let events: QueueEvents | undefined;
  const env: RotorEnv = {
    config,
    rotor,
    queue,
    async events() {
      if (!events) {
        const made = new QueueEvents(rotateQueueName, {
          connection: connections.create(),
          prefix: config.redis.prefix,
        });
        events = made;
        onCleanup(() => made.close());
        await made.waitUntilReady();
      }
      return events;
    },
    async startWorker(concurrency) {
      const running = await startRotationWorker(rotor, makeRotateProcessor(rotor), {
        concurrency: concurrency ?? config.worker.concurrency,
      });
      let closed = false;
      const close = running.close.bind(running);
      running.close = async (timeoutMs?: number) => {
        if (closed) return;
        closed = true;
        await close(timeoutMs);
      };
      onCleanup(() => running.close(5_000));
      env.worker = running;
      return running;
    },
  };
  return env;
}

/** Enqueues one rotation job per target, as on-demand requests do (job id per target, shared options). */
export async function enqueueRotations(
  queue: Queue,
  targetIds: readonly string[],
  requestedBy = 'bench',
): Promise<void> {
  for (let i = 0; i < targetIds.length; i += 1000) {
    await queue.addBulk(
      targetIds.slice(i, i + 1000).map((targetId) => ({
        name: 'rotate',
        data: { targetId, requestedBy },
        opts: { ...rotationJobOptions, jobId: rotationJobId(targetId) },
      })),
    );
  }
}

export interface Completion {
  /** Resolves when every target's job completed; rejects after `timeoutMs`. */
  done: Promise<void>;
  /** Attempts that failed (a retried job counts each time). */
  failedAttempts(): number;
  remaining(): number;
  stop(): void;
}

/**
 * Watches the running worker's events (in this process, so watching costs no Redis traffic) for the
 * jobs of `targetIds`. Start it before the jobs can finish. When nothing moved for 2 s, the jobs'
 * states are read (a job another process finished, a missed event).
 */
export function watchCompletions(
  env: Pick<RotorEnv, 'worker' | 'queue'>,
  targetIds: readonly string[],
  timeoutMs: number,
): Completion {
  const running = env.worker?.worker;
  if (!running) throw new Error('watchCompletions: start a worker first');
  const worker = running;
  const pending = new Set(targetIds.map(rotationJobId));
  let failed = 0;
  let lastProgress = Date.now();
  let resolveDone: () => void = () => undefined;
  let rejectDone: (err: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const onCompleted = (job: Job) => {
    if (job.id !== undefined && pending.delete(job.id)) lastProgress = Date.now();
    if (pending.size === 0) finish();
  };
  const onFailed = (job: Job | undefined) => {
    if (job?.id !== undefined && pending.has(job.id)) failed += 1;
  };
  worker.on('completed', onCompleted);
  worker.on('failed', onFailed);
  const deadline = Date.now() + timeoutMs;
  let stopped = false;
  const sweep = async () => {
    while (!stopped) {
      await sleep(500);
      if (stopped) return;
      if (Date.now() > deadline) {
        stop();
        return rejectDone(new Error(`${pending.size} of ${targetIds.length} rotations not done after ${timeoutMs} ms`));
      }
      if (Date.now() - lastProgress < 2_000) continue;
      for (const jobId of [...pending].slice(0, 500)) {
        if ((await env.queue.getJobState(jobId)) === 'completed') pending.delete(jobId);
      }
      lastProgress = Date.now();
      if (pending.size === 0) finish();
    }
  };
  function stop() {
    stopped = true;
    worker.off('completed', onCompleted);
    worker.off('failed', onFailed);
  }
  function finish() {
    stop();
    resolveDone();
  }
  if (pending.size === 0) finish();
  else void sweep();
  return { done, failedAttempts: () => failed, remaining: () => pending.size, stop };
}
