import { Queue } from 'bullmq';
import type { RedisClient } from './cluster.js';
import { rotateQueueName, rotationJobOptions } from './names.js';
import type { RotationQueue } from './enqueueRotation.js';
import { queueTelemetry } from '../observability/tracing.js';

/** The job id of a target's follow-up: one per target and kind, so a second request joins the first. */
export function followUpJobId(kind: 'retire', targetId: string): string {
  return `${kind}.${targetId}`;
}

/** Adds the follow-up jobs a finished rotation leaves (retiring the key it replaced) to the rotate queue. */
export interface FollowUps {
  schedule(targetId: string, followUp: { kind: 'retire'; afterMs: number }): Promise<void>;
  close(): Promise<void>;
}

/**
 * The queue handle is opened on the first follow-up and shares the worker's plain Redis connection
 * (closed with it), so a worker that never rotates an issued credential opens nothing.
 */
export function makeFollowUps(redis: RedisClient, prefix: string): FollowUps {
  let queue: RotationQueue | undefined;
  return {
    async schedule(targetId, followUp) {
      queue ??= new Queue(rotateQueueName, { connection: redis, prefix, ...queueTelemetry() });
      const jobId = followUpJobId(followUp.kind, targetId);
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') await (await queue.getJob(jobId))?.remove();
      else if (state !== 'unknown') return; // one is already waiting: it reads the same record
      await queue.add(
        followUp.kind,
        { targetId, requestedBy: 'rotor', followUp: followUp.kind },
        { ...rotationJobOptions, jobId, delay: Math.max(0, Math.round(followUp.afterMs)) },
      );
    },
    async close() {
      await queue?.close();
    },
  };
}
