/**
 * Mass rotation under a provider's rate limit: every IAM target rotated at once (all jobs enqueued
 * together, the worker already running), 20 ms added to every simulator request, and a gateway in
 * front of the simulator that admits at most `limit` requests in any sliding second and answers the
 * rest 429 — as Huawei's API gateway does. rotor paces itself with the targets' own token bucket
 * (`http: { ratePerSecond, rateBurst }`, one limit per endpoint shared through Redis), at 97 % of the limit.
 *   ideal = requests admitted ÷ limit; the figure is wall time ÷ ideal (target ≤ 1.04) with 0 throttles.
 * Run: `npx tsx bench/mass.ts [--quick] [--targets=N] [--limit=100] [--rate=97] [--burst=1] [--latency=20]`.
 */
import { round, runBenchmark, sleep } from './lib/main.js';
import { rotatePhase } from './lib/phases.js';
import { benchRedis, monitorRedis, redisUrl } from './lib/redisKit.js';
import { openRotorEnv } from './lib/rotorEnv.js';
import { startServers } from './lib/serverHost.js';
import { sum } from './lib/stats.js';
import { configInput, parseConfig, target } from './lib/targets.js';

runBenchmark('mass', async (args) => {
  const n = args.num('targets', args.quick ? 1000 : 10_000);
  const limit = args.num('limit', 100);
  const rate = args.num('rate', 97);
  const burst = args.num('burst', 1);
  const latencyMs = args.num('latency', 20);
  const concurrency = args.num('concurrency', 16);
  const sampleSeconds = args.num('sample', 5);
  const { prefix } = benchRedis();
  const servers = await startServers({ latencyMs, rateLimitPerSecond: limit });
  const targets = Array.from({ length: n }, (_, i) =>
    target({
      variant: 'iam',
      index: i,
      endpoint: servers.huaweiUrl,
      http: { ratePerSecond: rate, rateBurst: burst },
    }),
  );
  const input = configInput({
    redisUrl,
    prefix,
    vaultUrl: servers.vaultUrl,
    vaultToken: servers.rootToken,
    targets,
    concurrency,
  });
  await servers.seed({ config: input });
  const env = await openRotorEnv(parseConfig(input));
  await env.startWorker(concurrency);

  const running = rotatePhase(
    env,
    servers,
    env.config.targets.map((t) => t.id),
    { windows: true, timeoutMs: Math.max(120_000, ((n * 6) / rate) * 1000) },
  );
  // A sample of Redis round trips per request sent while rotor runs at the limit (MONITOR, a few seconds).
  await sleep(3_000);
  const monitor = await monitorRedis(prefix);
  const s0 = await servers.stats();
  await sleep(sampleSeconds * 1000);
  const redisCounts = await monitor.stop();
  const s1 = await servers.stats();
  const phase = await running;
  const sampleCalls = s1.gateway.admitted - s0.gateway.admitted;
  const { gateway } = phase.after;
  const admitted = gateway.admitted - phase.before.gateway.admitted;
  const throttled = gateway.rejected - phase.before.gateway.rejected;
  const ideal = admitted / limit;
  const ratio = phase.seconds / ideal;

  return {
    targets: n,
    limitPerSecond: limit,
    rotorRatePerSecond: rate,
    rotorBurst: burst,
    latencyMs,
    concurrency,
    wallSeconds: phase.seconds,
    idealSeconds: round(ideal, 2),
    ratioToIdeal: round(ratio, 3),
    target: 1.04,
    throttled429: throttled,
    meetsTarget: ratio <= 1.04 && throttled === 0,
    huaweiCalls: phase.huaweiCalls,
    callsPerRotation: round(phase.huaweiCalls / n, 2),
    achievedPerSecond: round(admitted / phase.seconds, 1),
    /** How closely rotor kept the rate it was given, and how much of the provider's limit it used. */
    achievedShareOfRate: round(admitted / phase.seconds / rate, 3),
    achievedShareOfLimit: round(admitted / phase.seconds / limit, 3),
    maxInAnySecond: { gateway: gateway.maxPerSecond, simulator: phase.after.simMaxPerSecond },
    rotationsPerSec: phase.rotationsPerSec,
    redisPerHuaweiCall: {
      sampleSeconds,
      rateGate: round(((redisCounts['evalsha rate'] ?? 0) + (redisCounts['eval rate'] ?? 0)) / sampleCalls, 2),
      all: round(sum(Object.values(redisCounts)) / sampleCalls, 2),
      monitorLinesLost: monitor.lost(),
    },
    failedAttempts: phase.failedAttempts,
    cpuPercent: phase.cpu,
  };
});
