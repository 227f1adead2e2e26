/**
 * On-demand latency: enqueue → done for one rotation at a time (nothing else queued), simulator and
 * emulator with no added latency, targets of the three kinds in turn. Requests go through rotor's
 * on-demand API (makeRotationClient().enqueueRotation, which also audits the request).
 *   enqueueToDone: from just before the request to the job's finishedOn (the worker's clock, ms);
 *   seenByQueueEvents: until a caller waiting on BullMQ's QueueEvents (job.waitUntilFinished) knows;
 *   seenByWaitForRotations: until rotor's own waiter (waitForRotations, what `rotor rotate --wait` uses) knows;
 *   iamFloorMs: an IAM rotation's HTTP calls alone, sent one after another by rotor's clients (lib/replay.ts).
 * Run: `npx tsx bench/latency.ts [--quick] [--samples=N] [--pollSamples=M]`. One JSON line.
 */
import type { IamUserTarget } from '../src/connectors/huawei-iam-user/schema.js';
import { makeRotationClient } from '../src/queue/rotationClient.js';
import { onCleanup, round, runBenchmark } from './lib/main.js';
import { benchRedis, redisUrl } from './lib/redisKit.js';
import { makeIamReplayer } from './lib/replay.js';
import { openRotorEnv } from './lib/rotorEnv.js';
import { startServers } from './lib/serverHost.js';
import { percentile } from './lib/stats.js';
import { configInput, parseConfig, target, type TargetVariant } from './lib/targets.js';

const kinds: TargetVariant[] = ['iam', 'meeting', 'cbh'];

function summary(values: number[]) {
  return {
    p50: round(percentile(values, 50), 1),
    p95: round(percentile(values, 95), 1),
    p99: round(percentile(values, 99), 1),
    max: round(Math.max(...values), 1),
  };
}

runBenchmark('latency', async (args) => {
  const samples = args.num('samples', args.quick ? 150 : 900);
  const pollSamples = args.num('pollSamples', args.quick ? 15 : 60);
  const floorSamples = args.num('floorSamples', args.quick ? 100 : 300);
  const warm = 30;
  const total = warm + samples + pollSamples;
  const { prefix } = benchRedis();
  const servers = await startServers();
  const targets = Array.from({ length: total }, (_, i) =>
    target({ variant: kinds[i % kinds.length]!, index: i, endpoint: servers.huaweiUrl }),
  );
  const floorTargets = Array.from({ length: warm + floorSamples }, (_, i) =>
    target({ variant: 'iam', tag: 'base', index: i, endpoint: servers.huaweiUrl }),
  );
  const vault = { vaultUrl: servers.vaultUrl, vaultToken: servers.rootToken };
  const input = configInput({ redisUrl, prefix, ...vault, targets });
  await servers.seed({ config: configInput({ redisUrl, prefix, ...vault, targets: [...targets, ...floorTargets] }) });
  const config = parseConfig(input);

  const floor: number[] = [];
  const env = await openRotorEnv(config);
  await env.startWorker();
  const events = await env.events();
  const client = makeRotationClient({ config });
  onCleanup(() => client.close());

  const byKind = new Map<string, number[]>();
  const enqueueToDone: number[] = [];
  const seenByEvents: number[] = [];
  const queueWait: number[] = [];
  const processing: number[] = [];
  const seenByPoll: number[] = [];
  const seenAfterDone: number[] = [];
  let failures = 0;
  for (let i = 0; i < total; i += 1) {
    const t = config.targets[i]!;
    const wallStart = Date.now();
    const started = performance.now();
    const entry = await client.enqueueRotation(t.id, { requestedBy: 'bench', reason: 'latency' });
    if (i >= warm + samples) {
      const [result] = await client.waitForRotations([entry], { timeoutMs: 30_000 });
      const seenAt = Date.now();
      if (result?.status !== 'succeeded') failures += 1;
      seenByPoll.push(performance.now() - started);
      const finishedOn = (await env.queue.getJob(entry.jobId))?.finishedOn;
      if (finishedOn) seenAfterDone.push(Math.max(0, seenAt - finishedOn));
      continue;
    }
    try {
      const queued = await env.queue.getJob(entry.jobId);
      if (!queued) throw new Error(`job ${entry.jobId} is not in the queue`);
      await queued.waitUntilFinished(events, 30_000);
    } catch {
      failures += 1;
    }
    const seen = performance.now() - started;
    const job = await env.queue.getJob(entry.jobId);
    if (i < warm || !job?.finishedOn || !job.processedOn) continue;
    const done = job.finishedOn - wallStart;
    enqueueToDone.push(done);
    seenByEvents.push(seen);
    queueWait.push(job.processedOn - job.timestamp);
    processing.push(job.finishedOn - job.processedOn);
    const list = byKind.get(t.kind) ?? [];
    list.push(done);
    byKind.set(t.kind, list);
  }

  // After rotor's samples (so both run warm), the floor: one IAM rotation's calls and nothing else, one at a time (lib/replay.ts).
  const replayer = makeIamReplayer(vault);
  const floorConfig = parseConfig(configInput({ redisUrl, prefix, ...vault, targets: floorTargets }));
  for (const [i, t] of (floorConfig.targets as IamUserTarget[]).entries()) {
    const started = performance.now();
    await replayer.rotate(t);
    if (i >= warm) floor.push(performance.now() - started);
  }

  return {
    samples: enqueueToDone.length,
    enqueueToDoneMs: summary(enqueueToDone),
    seenByQueueEventsMs: summary(seenByEvents),
    seenByWaitForRotationsMs: { samples: seenByPoll.length, ...summary(seenByPoll) },
    /** How long after the job's finishedOn `waitForRotations` returned (the goal: ≤ 20 ms). */
    waitForRotationsAfterDoneMs: summary(seenAfterDone),
    queueWaitMs: summary(queueWait),
    processingMs: summary(processing),
    iamFloorMs: summary(floor),
    enqueueToDoneP50ByKind: Object.fromEntries(
      [...byKind].map(([kind, values]) => [kind, round(percentile(values, 50), 1)]),
    ),
    failures,
  };
});
