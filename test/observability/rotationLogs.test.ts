import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Rotor } from '../../src/app/makeRotor.js';
import { rotationJobId, rotationJobOptions } from '../../src/queue/names.js';
import { captureLogs } from '../helpers/logCapture.js';
import { makeRotor, makeRotorFixture, type RotorFixture } from '../helpers/rotorFixture.js';

type Line = Record<string, unknown>;

const rotationKeys = ['targetId', 'kind', 'jobId', 'attempt', 'rotationId', 'step', 'outcome', 'durationMs'];

/** The rotation keys a raw line holds more than once (pino writes a bound key and a passed one both). */
function repeatedKeys(raw: string): string[] {
  return rotationKeys.filter((key) => raw.split(`"${key}":`).length - 1 > 1);
}

describe('the log lines of a rotation', () => {
  const logs = captureLogs();
  let fx: RotorFixture;
  let rotor: Rotor;

  beforeAll(async () => {
    fx = await makeRotorFixture({ iamUsers: 2, logger: logs.logger });
    rotor = await makeRotor(fx.config, logs.logger);
  });
  afterAll(async () => {
    await rotor?.close();
    await fx?.close();
  });

  const linesOf = (targetId: string): { raw: string; line: Line }[] =>
    logs.lines.map((raw) => ({ raw, line: JSON.parse(raw) as Line })).filter(({ line }) => line.targetId === targetId);

  it('name the target, its kind, the job, the rotation, the step and the outcome once each', async () => {
    const { queue, events } = await fx.startWorker(rotor);
    const user = fx.users[0]!;
    const job = await queue.add(
      'rotate',
      { targetId: user.id },
      { ...rotationJobOptions, jobId: rotationJobId(user.id) },
    );
    await job.waitUntilFinished(events, 20_000);

    const lines = linesOf(user.id);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const { raw } of lines) expect(repeatedKeys(raw)).toEqual([]);
    // The rotation's own lines (not the connector's HTTP lines) carry the job and its attempt.
    const own = lines.filter(({ line }) => String(line.msg).startsWith('rotation'));
    for (const { line } of own) expect(line).toMatchObject({ kind: 'huawei-iam-user', jobId: job.id, attempt: 1 });

    const done = own.find(({ line }) => line.msg === 'rotation succeeded')?.line;
    expect(done).toMatchObject({ outcome: 'succeeded', level: 30 });
    expect(typeof done?.rotationId).toBe('string');
    expect(typeof done?.durationMs).toBe('number');
    const steps = own.filter(({ line }) => typeof line.step === 'string').map(({ line }) => line);
    expect(steps.map((s) => s.step)).toEqual(['prepare', 'commit', 'verify', 'finalize']);
    for (const s of steps) {
      expect(s.rotationId).toBe(done?.rotationId);
      expect(typeof s.durationMs).toBe('number');
    }
  });

  it('shows a retried failure at warn level with its code, attempt and the time of the next attempt', async () => {
    const { queue, events } = await fx.startWorker(rotor);
    const user = fx.users[1]!;
    // The first login answers a gateway 503: the attempt fails, nothing was changed, BullMQ retries.
    fx.sim.inject({ route: 'iam.token', kind: 'status', status: 503, body: 'gateway', times: 1 });
    const job = await queue.add(
      'rotate',
      { targetId: user.id },
      { ...rotationJobOptions, jobId: rotationJobId(user.id) },
    );
    await job.waitUntilFinished(events, 30_000);

    const lines = linesOf(user.id);
    const warn = lines.find(({ line }) => line.level === 40 && line.outcome === 'retry_scheduled');
    expect(warn).toBeDefined();
    const w = warn!.line;
    expect(w).toMatchObject({ jobId: job.id, attempt: 1, kind: 'huawei-iam-user' });
    expect(typeof w.errorCode).toBe('string');
    expect(w.err).toMatchObject({ code: w.errorCode, status: 503 });
    expect(typeof w.retryInMs).toBe('number');
    expect(String(w.msg)).toContain(`retrying at ${String(w.nextAttemptAt)}`);
    expect(repeatedKeys(warn!.raw)).toEqual([]);

    // The next attempt is not started before the time the warn line announced.
    const done = lines.find(({ line }) => line.msg === 'rotation succeeded')?.line;
    expect(done).toMatchObject({ attempt: 2, outcome: 'succeeded' });
    expect(Number(done?.time)).toBeGreaterThanOrEqual(Date.parse(String(w.nextAttemptAt)));
    const audited = ((await rotor.audit.read?.()) ?? []).find(
      (e) => e.type === 'rotation.failed' && e.targetId === user.id,
    );
    expect(audited?.detail?.retryInMs).toBe(w.retryInMs);
  });

  it('never writes a stack or a password', () => {
    const text = logs.text();
    expect(logs.lines.some((l) => l.includes('"err":'))).toBe(true);
    expect(text).not.toContain('"stack"');
    expect(text).not.toMatch(/\n\s+at /);
    for (const u of fx.users) {
      expect(text).not.toContain(u.password);
      const live = fx.sim.livePassword('huawei-iam-user', u.userId);
      expect(live).toBeDefined();
      expect(text).not.toContain(live);
    }
  });
});
