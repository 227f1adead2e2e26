import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnrecoverableError, Worker } from 'bullmq';
import type { RotorConfig } from '../../src/config/schema.js';
import { rotateQueueName } from '../../src/queue/names.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { enqueueRotation, makeRotationClient, type RotationClient } from '../../src/queue/rotationClient.js';
import { rotateTargets, type RotateEvent } from '../../src/scheduling/rotateTargets.js';
import { iamTarget, makeSchedulingFixture, redisUrl, type SchedulingFixture } from '../scheduling/schedulingFixture.js';

/**
 * The client another service uses, against real Redis and a stand-in worker whose outcome each
 * target's name decides: `ok-*` succeed, `bad-*` fail for good, `flaky-*` fail once, `slow-*` hang.
 */
describe('the rotation client on real Redis', () => {
  let fx: SchedulingFixture;
  let config: RotorConfig;
  let client: RotationClient;
  let worker: Worker;
  const workerConnection = makeRedisConnection(redisUrl);
  const ids = ['ok-1', 'ok-2', 'bad-1', 'flaky-1', 'slow-1'];

  beforeAll(async () => {
    fx = await makeSchedulingFixture();
    config = fx.config(ids.map((id) => iamTarget(id)));
    client = makeRotationClient({ config, audit: fx.audit });
    worker = new Worker(
      rotateQueueName,
      async (job) => {
        const id = String(job.data.targetId);
        if (id.startsWith('bad')) throw new UnrecoverableError('AuthFailed: the stored password is refused');
        if (id.startsWith('flaky') && job.attemptsMade === 0) throw new Error('Unavailable: 503');
        if (id.startsWith('slow')) await new Promise((r) => setTimeout(r, 3_000));
        return { rotationId: `r-${id}`, targetId: id, version: 2, verified: true, recovered: false };
      },
      {
        connection: workerConnection,
        prefix: fx.prefix,
        concurrency: 8,
        // Long enough for the waiting side's poll to see the job parked between attempts.
        settings: { backoffStrategy: () => 700 },
      },
    );
  });
  afterAll(async () => {
    await worker?.close();
    await workerConnection.quit();
    await client?.close();
    await fx?.close();
  });

  it('waits for each job and reports success, failure, a retry and a timeout per target', async () => {
    const events: RotateEvent[] = [];
    const summary = await rotateTargets({
      client,
      targets: config.targets,
      requestedBy: 'api:test',
      wait: true,
      timeoutMs: 2_000,
      runTtlMs: 60_000,
      onEvent: (e) => events.push(e),
    });
    expect(summary).toMatchObject({ total: 5, succeeded: 3, failed: 1, timedOut: 1, ok: false });
    const finals = new Map(
      events.filter((e) => 'targetId' in e && 'jobId' in e && 'status' in e).map((e) => [e.targetId, e]),
    );
    expect(finals.get('ok-1')).toMatchObject({ event: 'succeeded', outcome: { rotationId: 'r-ok-1', version: 2 } });
    expect(finals.get('bad-1')).toMatchObject({ event: 'failed', error: 'AuthFailed: the stored password is refused' });
    expect(finals.get('slow-1')).toMatchObject({ event: 'timeout', state: 'active' });
    expect(finals.get('flaky-1')).toMatchObject({ event: 'succeeded' });
    expect(events.some((e) => e.event === 'retrying' && e.targetId === 'flaky-1')).toBe(true);
  });

  it('resumes the unfinished run of the same targets, retrying what failed and skipping what is done', async () => {
    const events: RotateEvent[] = [];
    const summary = await rotateTargets({
      client,
      targets: config.targets,
      requestedBy: 'api:test',
      wait: true,
      timeoutMs: 5_000,
      runTtlMs: 60_000,
      onEvent: (e) => events.push(e),
    });
    expect(events[0]).toMatchObject({ event: 'run', resumed: true, alreadyDone: 3 });
    // Done targets are skipped; the slow one, still rotating, is joined; the failed one runs again.
    expect(summary).toMatchObject({ skipped: 3, succeeded: 1, failed: 1 });
    const queued = events.filter((e) => e.event === 'queued');
    expect(queued.map((e) => 'state' in e && [e.targetId, e.state]).sort()).toEqual([
      ['bad-1', 'added'],
      ['slow-1', 'joined'],
    ]);
  });

  it('starts a new run when asked, and refuses to resume a run it does not know', async () => {
    const events: RotateEvent[] = [];
    const ok = config.targets.filter((t) => t.id.startsWith('ok'));
    const fresh = await rotateTargets({
      client,
      targets: ok,
      requestedBy: 'api:test',
      wait: true,
      timeoutMs: 5_000,
      runTtlMs: 60_000,
      freshRun: true,
      onEvent: (e) => events.push(e),
    });
    expect(fresh).toMatchObject({ succeeded: 2, skipped: 0, ok: true });
    // Finished: the same command now starts another run rather than resuming.
    const again = await rotateTargets({
      client,
      targets: ok,
      requestedBy: 'api:test',
      wait: false,
      timeoutMs: 1,
      runTtlMs: 60_000,
    });
    expect(again.runId).not.toBe(fresh.runId);
    expect(again).toMatchObject({ queued: 2, ok: true });
    await expect(
      rotateTargets({ client, targets: ok, requestedBy: 'x', wait: false, timeoutMs: 1, runTtlMs: 1, runId: 'nope' }),
    ).rejects.toThrow(/no mass rotation run "nope"/);
  });

  it('treats named targets as plain requests: asking again later rotates them again', async () => {
    const ok = config.targets.filter((t) => t.id === 'ok-2');
    const ask = () =>
      rotateTargets({
        client,
        targets: ok,
        requestedBy: 'cli:bob',
        wait: true,
        timeoutMs: 5_000,
        runTtlMs: 60_000,
        asRun: false,
      });
    const first = await ask();
    const second = await ask();
    for (const summary of [first, second]) {
      expect(summary.runId).toBeUndefined();
      expect(summary).toMatchObject({ succeeded: 1, skipped: 0 });
    }
  });

  it('answers when the job ends, not at the next poll: the queue events wake the wait', async () => {
    // A poll once a minute: only the job's completed event can end this wait within the test's time.
    const slow = await client.enqueueRotation('slow-1', { requestedBy: 'api:test' });
    const started = Date.now();
    const [result] = await client.waitForRotations([slow], { timeoutMs: 30_000, pollMs: 60_000 });
    expect(result).toMatchObject({ targetId: 'slow-1', status: 'succeeded' });
    const job = await fx.rotateQueue.getJob(slow.jobId);
    expect(job?.finishedOn).toBeGreaterThan(started);
    // Seen well before the fallback poll would have looked again.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('lets another service request a rotation with enqueueRotation(targetId, { reason, requestedBy })', async () => {
    const entry = await enqueueRotation('ok-1', { config, reason: 'offboarding', requestedBy: 'api:hr-portal' });
    // A plain rotor record that survives JSON, not the queue's job object.
    expect(JSON.parse(JSON.stringify(entry))).toEqual({
      targetId: 'ok-1',
      jobId: 'rotate.ok-1',
      state: 'added',
      dryRun: false,
      createdAt: expect.any(Number),
    });
    const job = await fx.rotateQueue.getJob(entry.jobId);
    expect(job?.data).toMatchObject({ reason: 'offboarding', requestedBy: 'api:hr-portal' });
    // Its request went to the audit chain in Redis (the default sink), with who and why.
    const events = await fx.redis.xrange(`${fx.prefix}:audit:events`, '-', '+');
    expect(JSON.stringify(events)).toContain('api:hr-portal');
    expect(JSON.stringify(events)).toContain('offboarding');
  });
});
