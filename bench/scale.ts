/**
 * Scale: N targets (100,000, quick or not; `--targets=1000000` for the million-target run), each with a schedule.
 *   - config: time to read and validate the config file (YAML, written by lib/scaleTargets.ts) with
 *     rotor's loader, as `rotor worker --config` does;
 *   - sync: time for rotor's schedule sync (syncSchedules with desiredSchedules, as a scheduler process
 *     runs it at start) to create every Job Scheduler in an empty Redis, and to find them up to date;
 *   - Redis memory per target: MEMORY USAGE of every key of the run ÷ N (by key shape), and the
 *     server's used_memory growth ÷ N (other users of the Redis move that one);
 *   - an idle worker (lib/idleWorker.ts, a process of its own with the N-target config file), after it has
 *     settled (at least 10 s, then until V8's own next full collection takes start-up's garbage, ≈ 40 s):
 *     RSS and CPU over 10 s (full 30 s), and the RSS peak before.
 * The quick run measures the same 100,000 targets (no scaled figure); only its idle window is shorter.
 * Run: `npx tsx bench/scale.ts [--quick] [--targets=N] [--idle=seconds]`. One JSON line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { makeConnectionSet } from '../src/queue/redis.js';
import { scheduleQueueName } from '../src/queue/scheduleNames.js';
import { scheduleQueueSettings } from '../src/scheduling/repeatStrategy.js';
import { schedulingOf } from '../src/scheduling/startScheduler.js';
import { desiredSchedules, syncSchedules, type ScheduleJobData } from '../src/scheduling/syncSchedules.js';
import type { IdleArgs } from './lib/idleWorker.js';
import { onCleanup, round, runBenchmark } from './lib/main.js';
import { benchRedis, prefixMemory, redisUrl, usedMemory } from './lib/redisKit.js';
import { benchLogger, openRotorEnv } from './lib/rotorEnv.js';
import { writeScaleConfig } from './lib/scaleTargets.js';
import { startServers } from './lib/serverHost.js';
import { readConfig } from '../src/config/loadConfig.js';

const idleEntry = fileURLToPath(new URL('./lib/idleWorker.ts', import.meta.url));

function runIdleWorker(args: IdleArgs, vaultToken: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    // The heap limit as the benchmark's own (a million targets need more than the default).
    const heapLimit = process.execArgv.filter((a) => a.startsWith('--max-old-space-size'));
    const child = spawn(process.execPath, [...heapLimit, '--import', 'tsx', idleEntry, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, VAULT_TOKEN: vaultToken },
    });
    onCleanup(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Record<string, unknown>);
      else reject(new Error(`idle worker exited ${code}: ${out}`));
    });
  });
}

runBenchmark('scale', async (args) => {
  const n = args.num('targets', 100_000);
  const idleSeconds = args.num('idle', args.quick ? 10 : 30);
  const { prefix, redis } = benchRedis();
  const servers = await startServers();
  const configFile = await writeScaleConfig({
    targets: n,
    prefix,
    redisUrl,
    vaultUrl: servers.vaultUrl,
    endpoint: servers.huaweiUrl,
  });
  const vaultToken = servers.rootToken;

  const parseStarted = performance.now();
  const { config } = await readConfig(configFile, { ...process.env, VAULT_TOKEN: vaultToken });
  const configParseSeconds = (performance.now() - parseStarted) / 1000;

  // The scheduler's pieces, as startScheduler wires them (without its worker, so nothing fires).
  const logger = benchLogger();
  const env = await openRotorEnv(config, logger);
  const connections = makeConnectionSet(redisUrl);
  onCleanup(() => connections.closeAll());
  const queue = new Queue<ScheduleJobData>(scheduleQueueName, {
    connection: connections.create(),
    prefix,
    settings: scheduleQueueSettings,
  });
  onCleanup(() => queue.close());
  const ctx = { queue, redis: connections.create(), prefix, audit: env.rotor.audit, logger };
  const specs = desiredSchedules(config.targets, schedulingOf(config));

  const memBefore = await usedMemory(redis);
  const t0 = performance.now();
  const first = await syncSchedules(ctx, specs);
  const syncSeconds = (performance.now() - t0) / 1000;
  await env.rotor.audit.flush?.();
  const t1 = performance.now();
  const second = await syncSchedules(ctx, specs);
  const resyncMs = performance.now() - t1;
  const memAfter = await usedMemory(redis);
  const keys = await prefixMemory(redis, prefix);
  const schedulers = await queue.getJobSchedulersCount();

  const idle = await runIdleWorker(
    { configFile, settleSeconds: 10, maxSettleSeconds: 90, seconds: idleSeconds },
    vaultToken,
  );
  const idleCpu = Number(idle.cpuPercent);
  const idleRss = Number(idle.rssMiB);

  return {
    targets: n,
    configParseSeconds: round(configParseSeconds, 2),
    syncSeconds: round(syncSeconds, 2),
    syncPerSecond: round(n / syncSeconds),
    created: first.created.length,
    schedulers,
    resyncUpToDateMs: round(resyncMs, 1),
    resyncUpToDate: second.upToDate,
    // Measured at 100,000 unless --targets says otherwise; then scaled, and said so.
    syncSecondsPer100k: round(syncSeconds * (100_000 / n), 1),
    syncScaled: n !== 100_000,
    syncTarget: 15,
    syncMeetsTarget: syncSeconds * (100_000 / n) <= 15,
    redisBytesPerTarget: round(keys.bytes / n),
    redisKeysPerTarget: round(keys.keys / n, 2),
    redisUsedMemoryGrowthPerTarget: round((memAfter - memBefore) / n),
    redisBytesPerTargetByKey: Object.fromEntries(
      Object.entries(keys.byKind)
        .sort(([, a], [, b]) => b.bytes - a.bytes)
        .map(([kind, v]) => [kind, round(v.bytes / n, 1)]),
    ),
    idleWorker: idle,
    idleTarget: { cpuPercent: 1, rssMiB: 250 },
    idleMeetsTarget: idleCpu < 1 && idleRss <= 250,
  };
});
