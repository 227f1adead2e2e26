/**
 * Calls per rotation, per kind and variant, broken down by endpoint: simulator routes (the target's
 * API), Vault operations (a counting proxy in front of the emulator), and Redis round trips that
 * touch this run's keys (MONITOR, filtered by the run's prefix, without the commands Lua scripts run
 * inside Redis; BullMQ's — keys of the rotate queue — and rotor's own). Each scenario
 * rotates its own targets once (no added latency, concurrency 4); counts are divided by the targets.
 * Each scenario first rotates one target of its own, not counted, as a worker that has been running
 * has: what rotor reads once per account or credential (the IAM account policy, an operator's or App
 * ID's token) is then cached, and the counts are those of every further rotation.
 * "10 versions" scenarios start from a secret that already has 10 KV versions (a target rotated
 * ten times), which is where password-history reads show.
 * Run: `npx tsx bench/calls.ts [--quick] [--targets=K]`. One JSON line.
 */
import { round, runBenchmark } from './lib/main.js';
import { rotatePhase } from './lib/phases.js';
import { benchRedis, monitorRedis, redisUrl } from './lib/redisKit.js';
import { openRotorEnv } from './lib/rotorEnv.js';
import { startServers } from './lib/serverHost.js';
import { delta, perItem, sum } from './lib/stats.js';
import { configInput, credentialNames, parseConfig, target, type TargetVariant } from './lib/targets.js';

interface Scenario {
  name: string;
  variant: TargetVariant;
  history: boolean;
}

const scenarios: Scenario[] = [
  { name: 'iam', variant: 'iam', history: false },
  { name: 'iam, 10 versions', variant: 'iam', history: true },
  { name: 'meeting (account auth)', variant: 'meeting', history: false },
  { name: 'meeting (account auth), 10 versions', variant: 'meeting', history: true },
  { name: 'meeting (app auth)', variant: 'meeting-app', history: false },
  { name: 'cbh (AK/SK operator)', variant: 'cbh', history: false },
  { name: 'cbh (user/password operator)', variant: 'cbh-token', history: false },
];

runBenchmark('calls', async (args) => {
  const k = args.num('targets', 20);
  const { prefix } = benchRedis();
  const servers = await startServers({ countVault: true });
  const sets = scenarios.map((s) => ({
    ...s,
    targets: Array.from({ length: k + 1 }, (_, i) =>
      target({ variant: s.variant, tag: s.history ? 'h' : undefined, index: i, endpoint: servers.huaweiUrl }),
    ),
  }));
  const base = { redisUrl, prefix, vaultUrl: servers.vaultUrl, vaultToken: servers.rootToken, concurrency: 4 };
  await servers.seed({
    config: configInput({ ...base, targets: sets.filter((s) => !s.history).flatMap((s) => s.targets) }),
    tokenOperators: [credentialNames.cbhToken],
  });
  await servers.seed({
    config: configInput({ ...base, targets: sets.filter((s) => s.history).flatMap((s) => s.targets) }),
    historyVersions: 9,
  });
  const env = await openRotorEnv(parseConfig(configInput({ ...base, targets: sets.flatMap((s) => s.targets) })));
  await env.startWorker(4);

  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const [warm, ...counted] = s.targets.map((t) => t.id);
    await rotatePhase(env, servers, [warm!]);
    const monitor = await monitorRedis(prefix);
    const phase = await rotatePhase(env, servers, counted);
    const redis = await monitor.stop();
    const vaultOps = delta(phase.before.vaultOps, phase.after.vaultOps);
    const bullmq = Object.fromEntries(Object.entries(redis).filter(([l]) => l.endsWith(' rotate')));
    const own = Object.fromEntries(Object.entries(redis).filter(([l]) => !l.endsWith(' rotate')));
    out[s.name] = {
      huawei: round(phase.huaweiCalls / k, 2),
      vault: round(sum(Object.values(vaultOps)) / k, 2),
      redis: round(sum(Object.values(redis)) / k, 2),
      huaweiByRoute: perItem(phase.sim, k),
      vaultByOperation: perItem(vaultOps, k),
      redisBullmq: round(sum(Object.values(bullmq)) / k, 2),
      /** rotor's own Redis round trips per rotation (the goal: at most 8). */
      redisRotor: round(sum(Object.values(own)) / k, 2),
      redisRotorByCommand: perItem(own, k),
      failedAttempts: phase.failedAttempts,
    };
  }
  return { targetsPerScenario: k, perRotation: out };
});
