/**
 * Pipeline efficiency. In one run, against the same simulator and emulator (no added latency), at the
 * same concurrency:
 *   a = requests/s of rotor's own HTTP clients doing nothing but an IAM rotation's calls (lib/replay.ts),
 *   b = rotations/s end to end: enqueue → queue → worker → simulator + Vault, everything rotor does,
 *   c = HTTP calls per rotation, counted by the simulator and the emulator;
 * efficiency = b × c / a (1.0: rotor adds nothing to its necessary calls).
 * The two are measured in alternating rounds (replay, rotor, rotor, replay, ...) so that load from
 * other work on the machine hits both alike; the figure is the median of the rounds.
 * Each round also runs the replay's calls as BullMQ jobs (lib/queuedReplay.ts): `queueFloor` is the
 * efficiency of the queue alone, the most rotor could reach with its engine costing nothing.
 * Run: `npx tsx bench/pipeline.ts [--targets=N] [--rounds=R] [--concurrency=C] [--latency=ms]` (`--quick` changes nothing)
 * (`--latency` adds that much to every simulator request; the benchmark's figure is without). One JSON line.
 */
import type { IamUserTarget } from '../src/connectors/huawei-iam-user/schema.js';
import { cpuPercent, heapUsedAfterGc, round, runBenchmark } from './lib/main.js';
import { rotatePhase, type RotationPhase } from './lib/phases.js';
import { benchRedis, redisUrl } from './lib/redisKit.js';
import { replayIamRotations, type ReplayResult } from './lib/replay.js';
import { openQueuedReplay, type QueuedReplayPhase } from './lib/queuedReplay.js';
import { openRotorEnv } from './lib/rotorEnv.js';
import { serversCpuPercent, startServers } from './lib/serverHost.js';
import { percentile } from './lib/stats.js';
import { configInput, parseConfig, target } from './lib/targets.js';

runBenchmark('pipeline', async (args) => {
  const concurrency = args.num('concurrency', 16);
  // The quick run measures as the full run does: its former 1,500 rotations in 6 rounds read 0.06–0.1
  // higher than 20 rounds each time (the later rounds of a long run go worse for rotor than the first),
  // so its verdict was not the full run's. The whole benchmark takes about 75 s.
  const n = args.num('targets', 6000);
  const rounds = args.num('rounds', 20);
  const warm = args.num('warmup', 500);
  const latencyMs = args.num('latency', 0);
  const { prefix } = benchRedis();
  const servers = await startServers({ latencyMs });

  const rotorTargets = Array.from({ length: warm + n }, (_, i) =>
    target({ variant: 'iam', index: i, endpoint: servers.huaweiUrl }),
  );
  const baseTargets = Array.from({ length: warm + n }, (_, i) =>
    target({ variant: 'iam', tag: 'base', index: i, endpoint: servers.huaweiUrl }),
  );
  const queuedTargets = Array.from({ length: warm + n }, (_, i) =>
    target({ variant: 'iam', tag: 'queued', index: i, endpoint: servers.huaweiUrl }),
  );
  const vault = { vaultUrl: servers.vaultUrl, vaultToken: servers.rootToken };
  const common = { redisUrl, prefix, ...vault, concurrency };
  await servers.seed({
    config: configInput({ ...common, targets: [...rotorTargets, ...baseTargets, ...queuedTargets] }),
  });
  const config = parseConfig(configInput({ ...common, targets: rotorTargets }));
  const base = parseConfig(configInput({ ...common, targets: baseTargets })).targets as IamUserTarget[];
  const queuedConfig = parseConfig(configInput({ ...common, targets: queuedTargets }));
  const queuedIds = queuedConfig.targets.map((t) => t.id);
  const queued = await openQueuedReplay(config, {
    ...vault,
    concurrency,
    targets: queuedConfig.targets as IamUserTarget[],
  });
  const env = await openRotorEnv(config);
  await env.startWorker(concurrency);
  const ids = config.targets.map((t) => t.id);

  const replay = async (targets: IamUserTarget[]) => {
    const before = await servers.stats();
    const cpu = process.cpuUsage();
    const result = await replayIamRotations({ targets, concurrency, ...vault });
    const ms = result.seconds * 1000;
    const after = await servers.stats();
    return { ...result, cpu: { client: cpuPercent(cpu, ms), servers: serversCpuPercent(before, after, ms) } };
  };

  // Warm-up (JIT, connection pools, Redis scripts) of both paths.
  await rotatePhase(env, servers, ids.slice(0, warm));
  await replay(base.slice(0, warm));
  await queued.run(queuedIds.slice(0, warm));

  // What the worker keeps per target it rotated (its built targets, shared caches), read around the rounds.
  const heapBefore = heapUsedAfterGc();
  const chunk = Math.floor(n / rounds);
  const results: {
    replay: ReplayResult & { cpu: { client: number; servers: number } };
    rotor: RotationPhase;
    queued: QueuedReplayPhase;
  }[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const from = warm + r * chunk;
    const to = r === rounds - 1 ? warm + n : from + chunk;
    const runReplay = () => replay(base.slice(from, to));
    const runRotor = () => rotatePhase(env, servers, ids.slice(from, to));
    const runQueued = () => queued.run(queuedIds.slice(from, to));
    // Alternating order: rotor in the middle, the two floors before and after it in turn.
    if (r % 2 === 0) {
      const rep = await runReplay();
      const rot = await runRotor();
      results.push({ replay: rep, rotor: rot, queued: await runQueued() });
    } else {
      const que = await runQueued();
      const rot = await runRotor();
      results.push({ queued: que, rotor: rot, replay: await runReplay() });
    }
  }

  const retainedBytesPerTarget = (heapUsedAfterGc() - heapBefore) / n;
  const perRound = results.map(({ replay: rep, rotor, queued: que }) => {
    const a = rep.calls / rep.seconds;
    const c = (rotor.huaweiCalls + rotor.vaultCalls) / rotor.rotations;
    // CPU of the benchmarked process per HTTP call: replay client vs rotor (insensitive to other load).
    const replayCpuPerCall = (rep.cpu.client * rep.seconds) / rep.calls;
    const rotorCpuPerCall = (rotor.cpu.rotor * rotor.seconds) / (rotor.huaweiCalls + rotor.vaultCalls);
    return {
      a,
      b: rotor.rotationsPerSec,
      c,
      efficiency: (rotor.rotationsPerSec * c) / a,
      queueEfficiency: ((que.rotations / que.seconds) * (que.calls / que.rotations)) / a,
      queuedCpuPerCall: (que.cpu * que.seconds) / que.calls,
      cpuEfficiency: replayCpuPerCall / rotorCpuPerCall,
      replayCpuPerCall,
      rotorCpuPerCall,
    };
  });
  const total = results.reduce(
    (t, { replay: rep, rotor }) => ({
      replayCalls: t.replayCalls + rep.calls,
      replayRotations: t.replayRotations + rep.rotations,
      replaySeconds: t.replaySeconds + rep.seconds,
      rotations: t.rotations + rotor.rotations,
      rotorSeconds: t.rotorSeconds + rotor.seconds,
      huawei: t.huawei + rotor.huaweiCalls,
      vault: t.vault + rotor.vaultCalls,
      failed: t.failed + rotor.failedAttempts,
    }),
    {
      replayCalls: 0,
      replayRotations: 0,
      replaySeconds: 0,
      rotations: 0,
      rotorSeconds: 0,
      huawei: 0,
      vault: 0,
      failed: 0,
    },
  );
  const median = (pick: (x: (typeof perRound)[number]) => number) => percentile(perRound.map(pick), 50);
  const efficiency = median((x) => x.efficiency);
  const loopBusy = (pick: (x: (typeof results)[number]) => number) => round(percentile(results.map(pick), 50), 3);
  const avg = (xs: number[]) => round(xs.reduce((s, x) => s + x, 0) / xs.length, 1);

  return {
    concurrency,
    latencyMs,
    rotations: total.rotations,
    rounds,
    efficiency: round(efficiency, 3),
    efficiencyByRound: perRound.map((x) => round(x.efficiency, 3)),
    cpuEfficiency: round(
      median((x) => x.cpuEfficiency),
      3,
    ),
    cpuMsPerRotation: {
      rotor: round((median((x) => x.rotorCpuPerCall) * 10 * (total.huawei + total.vault)) / total.rotations, 3),
      replay: round((median((x) => x.replayCpuPerCall) * 10 * total.replayCalls) / total.replayRotations, 3),
    },
    // The replay's calls as BullMQ jobs: what the queue alone leaves of the bare calls' rate.
    queueFloor: {
      efficiency: round(
        median((x) => x.queueEfficiency),
        3,
      ),
      cpuMsPerRotation: round((median((x) => x.queuedCpuPerCall) * 10 * total.replayCalls) / total.replayRotations, 3),
      // rotor's efficiency over the queue alone's, round by round (both in the same stretch of the run):
      // what rotor's engine leaves of what the queue allows, apart from the queue's own cost.
      rotorShare: round(
        median((x) => x.efficiency / x.queueEfficiency),
        3,
      ),
    },
    target: 0.9,
    meetsTarget: efficiency >= 0.9,
    clientRequestsPerSec: round(median((x) => x.a)),
    rotationsPerSec: round(
      median((x) => x.b),
      1,
    ),
    callsPerRotation: round((total.huawei + total.vault) / total.rotations, 2),
    huaweiCallsPerRotation: round(total.huawei / total.rotations, 2),
    vaultCallsPerRotation: round(total.vault / total.rotations, 2),
    replayCallsPerRotation: round(total.replayCalls / total.replayRotations, 2),
    overall: {
      clientRequestsPerSec: round(total.replayCalls / total.replaySeconds),
      rotationsPerSec: round(total.rotations / total.rotorSeconds, 1),
      efficiency: round(
        ((total.rotations / total.rotorSeconds) * ((total.huawei + total.vault) / total.rotations)) /
          (total.replayCalls / total.replaySeconds),
        3,
      ),
    },
    failedAttempts: total.failed,
    // Heap kept after the rounds, per target rotated in them (the replays keep nothing per target).
    retainedBytesPerRotatedTarget: round(retainedBytesPerTarget),
    // The share of each phase's timed window the event loop was busy (median of the rounds): near 1
    // when a phase is bound by this process's CPU, lower when it waits on the servers or Redis.
    eventLoopUtilization: {
      replay: loopBusy((x) => x.replay.eventLoopUtilization),
      rotor: loopBusy((x) => x.rotor.eventLoopUtilization),
      queued: loopBusy((x) => x.queued.eventLoopUtilization),
    },
    cpuPercent: {
      rotor: {
        worker: avg(results.map((x) => x.rotor.cpu.rotor)),
        servers: avg(results.map((x) => x.rotor.cpu.servers)),
      },
      replay: {
        client: avg(results.map((x) => x.replay.cpu.client)),
        servers: avg(results.map((x) => x.replay.cpu.servers)),
      },
    },
  };
});
