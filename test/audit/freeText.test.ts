import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import type { Rotor } from '../../src/app/makeRotor.js';
import { auditDigest, auditText } from '../../src/audit/freeText.js';
import type { AuditEvent } from '../../src/audit/types.js';
import { enqueueRotation, type RotationQueue } from '../../src/queue/enqueueRotation.js';
import { rotateQueueName, rotationJobOptions } from '../../src/queue/names.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { captureLogs } from '../helpers/logCapture.js';
import { makeRotor, makeRotorFixture, redisUrl, type RotorFixture } from '../helpers/rotorFixture.js';

const digestShape = /^sha256:[0-9a-f]{16}$/;

describe('free text bound for the audit chain', () => {
  it('keeps a short, printable, secret-free text as it is', () => {
    for (const text of [
      'INC-1234: credential leak',
      'cli:alice',
      'schedule (waits for maintenance window)',
      'Zugang für Jürgen — 緊急',
    ])
      expect(auditText(text)).toBe(text);
  });

  it('replaces anything else by sha256: and the first 16 hex digits of its SHA-256, as sha256sum computes it', () => {
    const cases = [
      'x'.repeat(201), // too long
      'leak\nfake event line', // a line break
      'ok\u001b[2J', // a terminal escape
      'harmless\u202Edexob', // a bidi override that shows the text reversed
      'a\u200Bb', // a zero-width space
      'Bearer abcdefghijklmnop', // shaped like a credential
      'password=hunter2',
      'sha256:0123456789abcdef', // shaped like a digest
    ];
    for (const text of cases) {
      const kept = auditText(text);
      expect(kept).toMatch(digestShape);
      const expected = execFileSync('sha256sum', { input: Buffer.from(text, 'utf8') })
        .toString()
        .slice(0, 16);
      expect(kept).toBe(`sha256:${expected}`);
    }
    expect(auditText('x'.repeat(200))).toBe('x'.repeat(200));
  });
});

describe('job payload text in the audit chain of a real worker', () => {
  const logs = captureLogs();
  let fx: RotorFixture;
  let rotor: Rotor;
  const redis = makeRedisConnection(redisUrl, { maxRetriesPerRequest: 1 });

  beforeAll(async () => {
    fx = await makeRotorFixture({ iamUsers: 1, logger: logs.logger });
    rotor = await makeRotor(fx.config, logs.logger);
  });
  afterAll(async () => {
    await rotor?.close();
    await fx?.close();
    redis.disconnect();
  });

  const events = async (): Promise<AuditEvent[]> => (await rotor.audit.read?.()) ?? [];

  it('names an unknown target id only by its digest, in the chain and in the failed job', async () => {
    const { queue, events: queueEvents } = await fx.startWorker(rotor);
    const typo = 'iam-alice-Pr0d-K3y-9f2e';
    const job = await queue.add('rotate', { targetId: typo, requestedBy: 'cli:bob' });
    await expect(job.waitUntilFinished(queueEvents, 10_000)).rejects.toThrow(
      `not a rotor rotation job (unknown target ${auditDigest(typo)})`,
    );
    const rejected = (await events()).filter((e) => e.type === 'job.rejected');
    expect(rejected.map((e) => e.detail?.why)).toEqual([`unknown target ${auditDigest(typo)}`]);
    expect((await queue.getJob(job.id!))?.failedReason).not.toContain(typo);
    expect(JSON.stringify(await events())).not.toContain(typo);
  });

  it('keeps a plain reason verbatim and turns a reason or requester with hidden characters into digests', async () => {
    const { queue, events: queueEvents } = await fx.startWorker(rotor);
    const user = fx.users[0]!;
    const plain = await queue.add(
      'rotate',
      { targetId: user.id, reason: 'INC-1234: credential leak', requestedBy: 'cli:alice' },
      { ...rotationJobOptions, jobId: 'plain-reason' },
    );
    await plain.waitUntilFinished(queueEvents, 20_000);
    const odd = { reason: 'routine\u202E kcatta', requestedBy: 'cli:eve\nactor: cli:admin' };
    const hidden = await queue.add(
      'rotate',
      { targetId: user.id, ...odd },
      { ...rotationJobOptions, jobId: 'hidden-reason' },
    );
    await hidden.waitUntilFinished(queueEvents, 20_000);

    const started = (await events()).filter((e) => e.type === 'rotation.started');
    expect(started.map((e) => [e.jobId, e.actor, e.detail?.reason])).toEqual([
      ['plain-reason', 'cli:alice', 'INC-1234: credential leak'],
      ['hidden-reason', auditDigest(odd.requestedBy), auditDigest(odd.reason)],
    ]);
    expect(JSON.stringify(await events())).not.toContain('kcatta');
  });

  it('checks the reason, the requester and the run id of a request the same way', async () => {
    const queue: RotationQueue = new Queue(rotateQueueName, { connection: redis, prefix: fx.prefix });
    try {
      const longReason = `INC-1234 ${'details '.repeat(20)}`.trim().slice(0, 200);
      const ctx = { queue, target: rotor.target, audit: rotor.audit, attempts: 1 };
      await enqueueRotation(ctx, fx.users[0]!.id, {
        reason: 'night\u0007bell',
        requestedBy: 'api:ok',
        runId: 'run\u200B1',
        delayMs: 60_000,
      });
      await enqueueRotation(ctx, fx.users[0]!.id, { reason: longReason, requestedBy: 'api:ok', delayMs: 60_000 });
      const requested = (await events()).filter((e) => e.type === 'rotation.requested');
      expect(requested.map((e) => [e.actor, e.detail?.reason, e.detail?.runId])).toEqual([
        ['api:ok', auditDigest('night\u0007bell'), auditDigest('run\u200B1')],
        ['api:ok', longReason, undefined],
      ]);
    } finally {
      await queue.close();
    }
  });
});
