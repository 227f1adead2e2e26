import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Command-line switches every benchmark understands: `--quick`, and `--name=value` overrides. */
export interface BenchArgs {
  quick: boolean;
  /** `--name=value` pairs, e.g. `--targets=2000`. */
  values: Map<string, string>;
  /** A number given as `--name=value`, else `fallback`. */
  num(name: string, fallback: number): number;
}

export function parseArgs(argv: string[] = process.argv.slice(2)): BenchArgs {
  const values = new Map<string, string>();
  let quick = false;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    const m = /^--([a-zA-Z][\w-]*)=(.*)$/.exec(arg);
    if (m) values.set(m[1]!, m[2]!);
  }
  return {
    quick,
    values,
    num(name, fallback) {
      const raw = values.get(name);
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`--${name}=${raw}: expected a number`);
      return n;
    },
  };
}

type Cleanup = () => Promise<unknown> | unknown;
const cleanups: Cleanup[] = [];
let cleaning: Promise<void> | undefined;

/** Runs at the end of the benchmark, newest first — also when it fails or is interrupted. */
export function onCleanup(fn: Cleanup): void {
  cleanups.push(fn);
}

function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop()!;
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  })();
  return cleaning;
}

function exitAfter(code: number, line?: string): void {
  const done = () => process.exit(code);
  // A pipe is written asynchronously: exit only once the line is out.
  if (line === undefined) done();
  else process.stdout.write(`${line}\n`, done);
}

/**
 * Runs one benchmark: prints its result as exactly one JSON line on stdout, runs every cleanup
 * (Redis keys, child processes, servers) whatever happens, and exits.
 */
export function runBenchmark(name: string, body: (args: BenchArgs) => Promise<Record<string, unknown>>): void {
  const args = parseArgs();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`${name}: ${signal}, cleaning up\n`);
      void runCleanups().then(() => exitAfter(130));
    });
  }
  // A crash (an error event nobody listens to, a stray rejection) still removes what the benchmark made.
  const crash = (err: unknown) => {
    process.stderr.write(`${name} crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    void runCleanups().then(() => exitAfter(1, JSON.stringify({ bench: name, quick: args.quick, error: String(err) })));
  };
  process.once('uncaughtException', crash);
  process.once('unhandledRejection', crash);
  const started = Date.now();
  body(args)
    .then(async (result) => {
      await runCleanups();
      const line = JSON.stringify({
        bench: name,
        quick: args.quick,
        ...result,
        benchSeconds: round((Date.now() - started) / 1000, 1),
        node: process.version,
      });
      exitAfter(0, line);
    })
    .catch(async (err: unknown) => {
      process.stderr.write(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      await runCleanups();
      exitAfter(1, JSON.stringify({ bench: name, quick: args.quick, error: String(err) }));
    });
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The machine, as the benchmark doc records it. */
export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    load: os.loadavg().map((l) => round(l, 2)),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** CPU used by this process since `from` (a process.cpuUsage() value), in % of one core over `ms`. */
export function cpuPercent(from: NodeJS.CpuUsage, ms: number): number {
  const d = process.cpuUsage(from);
  return round(((d.user + d.system) / 1000 / ms) * 100, 1);
}

export interface Window {
  ms: number;
  /** % of one core used by this process over the window. */
  cpuPercent: number;
  /** Share of the window the event loop was busy rather than waiting (0–1). */
  eventLoopUtilization: number;
}

/**
 * Starts timing a phase; the function returned ends it. Every phase a benchmark compares with
 * another is timed here, so that the wall clock, the CPU and the event loop cover the same window.
 */
export function startWindow(): () => Window {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const loop = performance.eventLoopUtilization();
  return () => {
    const ms = performance.now() - started;
    const eventLoopUtilization = performance.eventLoopUtilization(loop).utilization;
    return { ms, cpuPercent: cpuPercent(cpu, ms), eventLoopUtilization };
  };
}

/**
 * The JavaScript heap in use after a full garbage collection: what the process keeps, not what it has
 * yet to collect. (`--expose-gc` set at run time, the collector fetched from a fresh context.)
 */
export function heapUsedAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  return process.memoryUsage().heapUsed;
}
