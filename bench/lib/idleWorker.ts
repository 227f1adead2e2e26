/**
 * A rotation worker as `rotor worker` starts it (the config file read by rotor's loader, rotor with
 * metrics, Vault awaited, the worker at the configured concurrency), for N IAM targets with schedules,
 * left idle: once it has settled, its CPU (process.cpuUsage) and memory are read over a window. Prints one JSON line on stdout.
 * Arguments: one JSON object (see IdleArgs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { pino } from 'pino';
import { makeRotor } from '../../src/app/makeRotor.js';
import { makeLogger } from '../../src/observability/logger.js';
import { makeMetrics } from '../../src/observability/metrics.js';
import { startRotationWorker } from '../../src/queue/startWorker.js';
import { makeRotateProcessor } from '../../jobs/rotate.js';
import { readConfig } from '../../src/config/loadConfig.js';

export interface IdleArgs {
  /** The config file (scaleTargets.ts), read with VAULT_TOKEN from the environment. */
  configFile: string;
  /**
   * At least this long after start-up, then until V8's full collections of start-up's garbage are over
   * (25 s without one; at most maxSettleSeconds more).
   */
  settleSeconds: number;
  maxSettleSeconds: number;
  seconds: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as IdleArgs;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CPU ticks (1/100 s) per thread from /proc (Linux): the main thread (the event loop) or the others (V8's
 * background GC and compiler threads, libuv's pool). Empty elsewhere.
 */
function ticksByThread(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close).trim();
      // Every V8 and Node thread is called "node": tell the main thread (tid = pid) from the others.
      const name = Number(tid) === process.pid ? 'main' : comm === 'node' ? 'V8 and Node helper threads' : comm;
      const fields = stat.slice(close + 2).split(' ');
      out[name] = (out[name] ?? 0) + Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    // not Linux
  }
  return out;
}

/**
 * Resolves once V8's memory reducer is done with start-up's garbage: after a full collection, none for
 * `quietSeconds` (the reducer runs up to three, about 8 s apart, while the heap still shrinks). False
 * when no full collection came within `maxSeconds`; also gives up waiting for quiet after `maxSeconds`.
 * `justCollected`: one has just been seen, so quiet is counted from now.
 */
function fullCollectionsSettled(quietSeconds: number, maxSeconds: number, justCollected = false): Promise<boolean> {
  return new Promise((resolve) => {
    let collected = justCollected;
    let quiet: NodeJS.Timeout | undefined = justCollected
      ? setTimeout(() => done(true), quietSeconds * 1000)
      : undefined;
    const done = (result: boolean) => {
      observer.disconnect();
      clearTimeout(limit);
      clearTimeout(quiet);
      resolve(result);
    };
    const observer = new PerformanceObserver((list) => {
      const full = list
        .getEntries()
        .some(
          (e) => (e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR,
        );
      if (!full) return;
      collected = true;
      clearTimeout(quiet);
      quiet = setTimeout(() => done(true), quietSeconds * 1000);
    });
    observer.observe({ entryTypes: ['gc'] });
    const limit = setTimeout(() => done(collected), maxSeconds * 1000);
  });
}

/** One measured window, begun 2 s after the call (a collection's concurrent sweeping runs on after it). */
async function idleWindow(seconds: number) {
  await sleep(2_000);
  let fullCollections = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) fullCollections += 1;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const settledAt = performance.now();
  const threadsBefore = ticksByThread();
  const cpu = process.cpuUsage();
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  await sleep(seconds * 1000);
  clearInterval(sampler);
  const ms = performance.now() - settledAt;
  const used = process.cpuUsage(cpu);
  const threadsAfter = ticksByThread();
  observer.disconnect();
  return { settledAt, ms, used, threadsBefore, threadsAfter, peakRss, fullCollections };
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  // What the process holds before it has a config (Node, the loader, every module): the fixed part.
  const rssBeforeConfig = process.memoryUsage().rss;
  const { config } = await readConfig(args.configFile);
  const logger = makeLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: false }) });
  const rotor = await makeRotor(config, logger, { metrics: makeMetrics(), waitForVault: true });
  await rotor.audit.append({ type: 'config.loaded', actor: 'worker', detail: { targets: config.targets.length } });
  const worker = await startRotationWorker(rotor, makeRotateProcessor(rotor));
  const startupSeconds = (performance.now() - startedAt) / 1000;
  // Start-up leaves garbage (the whole config was read and validated) that V8 collects on its own once
  // the process idles — its memory reducer, some 30–40 s after start-up, in up to three full
  // collections about 8 s apart — and gives the pages back. The window starts after the last of them,
  // as a worker that has run for a few minutes is: nothing is forced, and the peak before it is
  // reported too. Quiet means 25 s without one: a last pair of them has come 17 s after the one
  // before (traced with the gc performance entries), and inside a 12 s wait's window it was 270 ms of
  // helper-thread marking — start-up's cost, not an idle worker's.
  let startupPeakRss = process.memoryUsage().rss;
  const peakSampler = setInterval(() => (startupPeakRss = Math.max(startupPeakRss, process.memoryUsage().rss)), 250);
  await sleep(args.settleSeconds * 1000);
  const collected = await fullCollectionsSettled(25, args.maxSettleSeconds);
  clearInterval(peakSampler);
  // The reducer waits in steps of about 8 s until the process allocates little, so a last pair can
  // still come after 25 s of quiet (traced: 24.9 s). A window with a full collection in it is start-up's,
  // not an idle worker's: it is discarded and the next one taken after another quiet spell (at most
  // twice, so a collection that keeps coming is measured; `windowsDiscarded` says how often).
  let window = await idleWindow(args.seconds);
  let windowsDiscarded = 0;
  while (window.fullCollections > 0 && windowsDiscarded < 2) {
    windowsDiscarded += 1;
    await fullCollectionsSettled(25, args.maxSettleSeconds, true);
    window = await idleWindow(args.seconds);
  }
  const { settledAt, ms, used, threadsBefore, threadsAfter, peakRss } = window;
  const settledAfterSeconds = (settledAt - startedAt) / 1000 - startupSeconds;
  const cpuMsByThread = Object.fromEntries(
    Object.entries(threadsAfter)
      .map(([name, ticks]) => [name, (ticks - (threadsBefore[name] ?? 0)) * 10] as const)
      .filter(([, ms]) => ms > 0),
  );
  const mem = process.memoryUsage();
  const result = {
    targets: config.targets.length,
    startupSeconds: Math.round(startupSeconds * 100) / 100,
    idleSeconds: Math.round(ms / 100) / 10,
    cpuPercent: Math.round(((used.user + used.system) / 1000 / ms) * 100 * 1000) / 1000,
    cpuMsPerMinute: Math.round(((used.user + used.system) / 1000 / ms) * 60_000),
    cpuMsByThread,
    rssMiB: Math.round((Math.max(peakRss, mem.rss) / 2 ** 20) * 10) / 10,
    heapUsedMiB: Math.round((mem.heapUsed / 2 ** 20) * 10) / 10,
    rssBeforeConfigMiB: Math.round((rssBeforeConfig / 2 ** 20) * 10) / 10,
    startupPeakRssMiB: Math.round((startupPeakRss / 2 ** 20) * 10) / 10,
    settledAfterSeconds: Math.round(settledAfterSeconds),
    settledByFullCollection: collected,
    windowsDiscarded,
  };
  await worker.close(5_000);
  await rotor.close();
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`idle worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
