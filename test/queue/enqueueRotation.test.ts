import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker } from 'bullmq';
import type { RotorConfig } from '../../src/config/schema.js';
import { enqueueRotation, UnknownTarget, type EnqueueContext } from '../../src/queue/enqueueRotation.js';
import { rotateQueueName, rotationJobId } from '../../src/queue/names.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { iamTarget, makeSchedulingFixture, redisUrl, type SchedulingFixture } from '../scheduling/schedulingFixture.js';

describe('enqueueRotation on real Redis', () => {
  let fx: SchedulingFixture;
  let config: RotorConfig;
  let ctx: EnqueueContext;

  beforeAll(async () => {
    fx = await makeSchedulingFixture();
    config = fx.config(['a', 'b', 'c', 'd', 'e'].map((id) => iamTarget(id)));
    ctx = fx.enqueueContext(config);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('joins the job in flight on a second request, and audits both requests with who and why', async () => {
    const first = await enqueueRotation(ctx, 'a', { requestedBy: 'api:billing', reason: 'suspected leak' });
    const second = await enqueueRotation(ctx, 'a', { requestedBy: 'cli:alice', reason: 'ticket 42' });
    // rotor's record of the request, with no queue object in it.
    expect(first).toEqual({
      targetId: 'a',
      jobId: rotationJobId('a'),
      state: 'added',
      dryRun: false,
      createdAt: expect.any(Number),
    });
    expect(second).toEqual({ ...first, state: 'joined' });
    expect(await fx.rotateQueue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    // The job carries the first request; options every rotation job gets are applied.
    const job = await fx.rotateQueue.getJob(rotationJobId('a'));
    expect(job?.data).toEqual({ targetId: 'a', requestedBy: 'api:billing', reason: 'suspected leak' });
    expect(job?.opts).toMatchObject({ attempts: config.rotation.attempts, backoff: { type: 'rotor' } });
    const requests = fx.audit.events.filter((e) => e.type === 'rotation.requested' && e.targetId === 'a');
    expect(requests.map((e) => [e.actor, e.detail?.reason, e.outcome])).toEqual([
      ['api:billing', 'suspected leak', 'added'],
      ['cli:alice', 'ticket 42', 'joined'],
    ]);
  });

  it('moves a target’s job waiting for later forward when someone asks for it now', async () => {
    const later = await enqueueRotation(ctx, 'b', { requestedBy: 'scheduler', delayMs: 3_600_000 });
    expect(await fx.rotateQueue.getJobState(later.jobId)).toBe('delayed');
    // A second scheduled request does not move it...
    await enqueueRotation(ctx, 'b', { requestedBy: 'scheduler', delayMs: 0 });
    expect(await fx.rotateQueue.getJobState(rotationJobId('b'))).toBe('delayed');
    // ...an on-demand one does.
    const now = await enqueueRotation(ctx, 'b', { requestedBy: 'cli:alice' });
    expect(now.state).toBe('joined');
    expect(await fx.rotateQueue.getJobState(rotationJobId('b'))).toBe('waiting');
  });

  it('replaces a finished job with a new one, unless it finished after the caller’s reading', async () => {
    const connection = makeRedisConnection(redisUrl);
    const worker = new Worker(rotateQueueName, async (job) => ({ targetId: job.data.targetId, done: true }), {
      connection,
      prefix: fx.prefix,
    });
    try {
      const readAt = Date.now();
      const first = await enqueueRotation(ctx, 'c', { requestedBy: 'scheduler' });
      await waitFor(async () => (await fx.rotateQueue.getJobState(first.jobId)) === 'completed');
      const skipped = await enqueueRotation(ctx, 'c', {
        requestedBy: 'scheduler',
        skipIfFinished: { completedSince: readAt },
      });
      expect(skipped.state).toBe('recently-finished');
      const again = await enqueueRotation(ctx, 'c', { requestedBy: 'cli:alice' });
      expect(again.state).toBe('added');
      expect(again.createdAt).toBeGreaterThan(first.createdAt);
      expect(skipped.finishedAt).toBeGreaterThanOrEqual(first.createdAt);
    } finally {
      await worker.close();
      await connection.quit();
    }
  });

  it('keeps dry runs apart from real rotations', async () => {
    await enqueueRotation(ctx, 'd', { requestedBy: 'cli:alice' });
    const dry = await enqueueRotation(ctx, 'd', { requestedBy: 'cli:alice', dryRun: true });
    expect(dry).toMatchObject({ state: 'added', jobId: 'dryrun.d', dryRun: true });
    const job = await fx.rotateQueue.getJob(dry.jobId);
    expect(job?.data).toMatchObject({ dryRun: true });
    expect(job?.opts.attempts).toBe(1);
  });

  it('refuses an unknown target and a request the worker would refuse, before anything is queued', async () => {
    await expect(enqueueRotation(ctx, 'nope', {})).rejects.toBeInstanceOf(UnknownTarget);
    await expect(enqueueRotation(ctx, 'e', { reason: 'x'.repeat(201) })).rejects.toThrow(/reason/);
    expect(await fx.rotateQueue.getJob(rotationJobId('e'))).toBeUndefined();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
