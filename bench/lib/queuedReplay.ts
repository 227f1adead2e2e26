import { Queue, Worker } from 'bullmq';
import type { RotorConfig } from '../../src/config/schema.js';
import type { IamUserTarget } from '../../src/connectors/huawei-iam-user/schema.js';
import { makeConnectionSet } from '../../src/queue/redis.js';
import { rotationWorkerOptions } from '../../src/queue/startWorker.js';
import { onCleanup, startWindow } from './main.js';
import { makeIamReplayer, type ReplayOptions } from './replay.js';
import { enqueueRotations, watchCompletions } from './rotorEnv.js';

/**
 * The queue's own share of a rotation: the replay's calls (lib/replay.ts), each rotation a job on a
 * BullMQ queue of its own — enqueued as rotor's are (`rotationJobOptions`, `addBulk`), taken by a
 * Worker with the rotate worker's settings at the same concurrency — and nothing of rotor's own work.
 * Between the bare calls and rotor, it tells what the queue costs and what rotor's engine costs.
 */
export interface QueuedReplayPhase {
  rotations: number;
  calls: number;
  seconds: number;
  /** % of one core used by this process during the phase. */
  cpu: number;
  /** Share of the timed window this process's event loop was busy rather than waiting (0–1). */
  eventLoopUtilization: number;
}

export async function openQueuedReplay(
  config: RotorConfig,
  args: ReplayOptions & { targets: IamUserTarget[]; concurrency: number },
): Promise<{ run(targetIds: readonly string[]): Promise<QueuedReplayPhase> }> {
  const replayer = makeIamReplayer(args);
  const byId = new Map(args.targets.map((t) => [t.id, t]));
  const connections = makeConnectionSet(config.redis.url);
  onCleanup(() => connections.closeAll());
  const name = 'bench-queued-replay';
  const queue = new Queue(name, { connection: connections.create(), prefix: config.redis.prefix });
  onCleanup(() => queue.close());
  const worker = new Worker(
    name,
    async (job) => {
      const targetId = (job.data as { targetId: string }).targetId;
      const t = byId.get(targetId);
      if (!t) throw new Error(`queued replay: unknown target ${targetId}`);
      await replayer.rotate(t);
      return { targetId };
    },
    { connection: connections.create(), ...rotationWorkerOptions(config, { concurrency: args.concurrency }) },
  );
  onCleanup(() => worker.close(true));
  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
  const env = { queue, worker: { worker, close: () => worker.close() } };
  return {
    async run(targetIds) {
      const before = replayer.counts();
      const watch = watchCompletions(env, targetIds, 600_000);
      const endWindow = startWindow();
      await enqueueRotations(queue, targetIds);
      await watch.done;
      const { ms, cpuPercent: cpu, eventLoopUtilization } = endWindow();
      const after = replayer.counts();
      if (watch.failedAttempts() > 0) throw new Error(`queued replay: ${watch.failedAttempts()} jobs failed`);
      return {
        rotations: targetIds.length,
        calls: after.huaweiCalls + after.vaultCalls - before.huaweiCalls - before.vaultCalls,
        seconds: ms / 1000,
        cpu,
        eventLoopUtilization,
      };
    },
  };
}
