import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rotateTarget } from '../../src/rotation/rotateTarget.js';
import { chaosTargets, makeChaosFixture, type ChaosFixture, type WorkerProcess } from '../chaos/chaosFixture.js';
import { freePort } from '../helpers/ownRedis.js';
import { parsePromText, type Sample } from './promText.js';
import { findPromtool, missingPromtoolAdvice, promtoolCheckMetrics, promtoolRequired } from './promtool.js';

const promtool = findPromtool();
// Without promtool the check is skipped with one line saying what to install; CI requires it.
if (!promtool) process.stderr.write(`${missingPromtoolAdvice}\n`);
const itWithPromtool = promtool || promtoolRequired ? it : it.skip;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('/metrics of a running rotor run', () => {
  let fx: ChaosFixture;
  let run: WorkerProcess;
  let base: string;
  let firstScrape: string;
  const scrape = async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const samples = (text: string, name: string): Sample[] =>
    parsePromText(text)
      .get(name.replace(/_(bucket|count|sum)$/, ''))
      ?.samples.filter((s) => s.name === name) ?? [];

  beforeAll(async () => {
    const port = await freePort();
    const targets = chaosTargets(2, ['huawei-iam-user', 'huawei-cbh-admin'], 'metrics');
    fx = await makeChaosFixture({ targets, extra: { http: { port } } });
    // One target rotated before the process starts: its password has an age from the first scrape on.
    const iam = fx.config.targets[0];
    if (!iam) throw new Error('no target');
    await rotateTarget(fx.rotor.rotationDeps(iam), { actor: 'test' });
    run = fx.spawnWorker({}, 'run');
    base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (
      !(await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error(`rotor run did not answer:\n${run.output.join('\n')}`);
      await sleep(100);
    }
    firstScrape = await scrape();
  }, 60_000);

  afterAll(async () => {
    run?.child.kill('SIGTERM');
    await run?.exited;
    await fx?.close();
  });

  it('has a value in every rotor gauge on the first scrape', () => {
    const [age] = samples(firstScrape, 'rotor_oldest_password_age_seconds');
    expect(age?.labels).toEqual({ kind: 'huawei-iam-user' });
    expect(age?.value).toBeGreaterThan(0);
    expect(age?.value).toBeLessThan(600);
    expect(samples(firstScrape, 'rotor_targets_out_of_sync').map((s) => s.value)).toEqual([0]);
    // The CBH target was never rotated: it has no age, and is counted as such from the first scrape.
    const never = Object.fromEntries(
      samples(firstScrape, 'rotor_targets_never_rotated').map((s) => [s.labels.kind, s.value]),
    );
    expect(never).toEqual({ 'huawei-iam-user': 0, 'huawei-cbh-admin': 1 });
    const depth = Object.fromEntries(samples(firstScrape, 'rotor_queue_depth').map((s) => [s.labels.state, s.value]));
    expect(depth).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  });

  it('times each rotation step, not only the whole rotation', async () => {
    await fx.enqueueAll();
    // A job completes after its rotation is counted and timed.
    const deadline = Date.now() + 30_000;
    while (((await fx.queue.getJobCounts('completed')).completed ?? 0) < fx.config.targets.length) {
      if (Date.now() > deadline) throw new Error(`rotations did not complete:\n${run.output.join('\n')}`);
      await sleep(100);
    }
    const counts = samples(await scrape(), 'rotor_rotation_duration_seconds_count');
    const steps = (kind: string) =>
      counts
        .filter((s) => s.labels.kind === kind && s.value > 0)
        .map((s) => s.labels.step)
        .sort();
    const all = ['commit', 'finalize', 'load', 'prepare', 'total', 'verify'];
    expect(steps('huawei-iam-user')).toEqual(all);
    expect(steps('huawei-cbh-admin')).toEqual(all);
  });

  itWithPromtool('passes promtool check metrics', async () => {
    if (!promtool) throw new Error(missingPromtoolAdvice);
    const text = await scrape();
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect(await promtoolCheckMetrics(promtool, text)).toEqual({ code: 0, output: '' });
  });
});
