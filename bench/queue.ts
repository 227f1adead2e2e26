/**
 * Queue overhead: in one run, on the same Redis, at the same concurrency —
 *   jobs/s of a BullMQ worker whose processor does nothing (jobs enqueued with rotor's job options),
 *   rotations/s of rotor's worker (IAM targets, simulator and emulator with no added latency).
 * BullMQ's own cost per rotation is about 1 / (no-op jobs/s); its share of a rotation is
 * rotations/s ÷ no-op jobs/s. Both are timed from the first enqueue to the last completion.
 * Run: `npx tsx bench/queue.ts [--quick] [--jobs=N] [--targets=N] [--concurrency=C]`. One JSON line.
 */
import { Queue, Worker } from 'bullmq';
import { rotationJobOptions } from '../src/queue/names.js';
import { makeConnectionSet } from '../src/queue/redis.js';
import { cpuPercent, onCleanup, round, runBenchmark } from './lib/main.js';
import { rotatePhase } from './lib/phases.js';
import { benchRedis, redisUrl } from './lib/redisKit.js';
import { openRotorEnv } from './lib/rotorEnv.js';
import { startServers } from './lib/serverHost.js';
import { configInput, parseConfig, target } from './lib/targets.js';

async function noopJobsPerSec(prefix: string, jobs: number, concurrency: number) {
  const connections = makeConnectionSet(redisUrl);
  onCleanup(() => connections.closeAll());
  const queue = new Queue('noop', { connection: connections.create(), prefix });
  onCleanup(() => queue.close());
  let done = 0;
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const worker = new Worker('noop', async () => undefined, {
    connection: connections.create(),
    prefix,
    concurrency,
  });
  onCleanup(() => worker.close());
  worker.on('completed', () => {
    done += 1;
    if (done === jobs) resolveAll();
  });
  await worker.waitUntilReady();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < jobs; i += 1000) {
    const n = Math.min(1000, jobs - i);
    await queue.addBulk(
      Array.from({ length: n }, (_, k) => ({
        name: 'noop',
        data: { targetId: `noop-${i + k}` },
        opts: { ...rotationJobOptions, jobId: `noop.${i + k}` },
      })),
    );
  }
  await all;
  const ms = performance.now() - started;
  const result = {
    jobs,
    seconds: round(ms / 1000, 3),
    jobsPerSec: round(jobs / (ms / 1000)),
    cpu: cpuPercent(cpu, ms),
  };
  await worker.close();
  return result;
}

runBenchmark('queue', async (args) => {
  const concurrency = args.num('concurrency', 16);
  const jobs = args.num('jobs', args.quick ? 20_000 : 60_000);
  const n = args.num('targets', args.quick ? 1000 : 3000);
  const warm = 200;
  const { prefix } = benchRedis();
  const servers = await startServers();
  const targets = Array.from({ length: warm + n }, (_, i) =>
    target({ variant: 'iam', index: i, endpoint: servers.huaweiUrl }),
  );
  const input = configInput({ redisUrl, prefix, vaultUrl: servers.vaultUrl, vaultToken: servers.rootToken, targets });
  await servers.seed({ config: input });
  const env = await openRotorEnv(parseConfig(input));
  await env.startWorker(concurrency);
  const ids = env.config.targets.map((t) => t.id);

  // Warm both paths, then no-op / rotor / no-op.
  await noopJobsPerSec(`${prefix}:warm`, 2_000, concurrency);
  await rotatePhase(env, servers, ids.slice(0, warm));
  const noop1 = await noopJobsPerSec(prefix, jobs / 2, concurrency);
  const rotor = await rotatePhase(env, servers, ids.slice(warm));
  const noop2 = await noopJobsPerSec(`${prefix}:2`, jobs / 2, concurrency);
  const noopRate = (noop1.jobs + noop2.jobs) / (noop1.seconds + noop2.seconds);
  const share = rotor.rotationsPerSec / noopRate;

  return {
    concurrency,
    noopJobsPerSec: round(noopRate),
    noopRuns: [noop1.jobsPerSec, noop2.jobsPerSec],
    rotationsPerSec: rotor.rotationsPerSec,
    queueMsPerJob: round(1000 / noopRate, 3),
    rotationMs: round(1000 / rotor.rotationsPerSec, 3),
    queueShareOfRotation: round(share, 4),
    rotations: rotor.rotations,
    failedAttempts: rotor.failedAttempts,
    cpuPercent: { noop: round((noop1.cpu + noop2.cpu) / 2, 1), rotor: rotor.cpu.rotor, servers: rotor.cpu.servers },
  };
});
