/**
 * Runs every benchmark, each in a process of its own (so memory and CPU figures are its own), one
 * after another, and passes on the one JSON line each prints; a last line (`"bench":"run"`) sums up
 * the targets, the machine and the duration.
 * Run: `npm run bench` (full) or `npm run bench -- --quick` (short, about 4 minutes on 2 cores);
 * name benchmarks to run only those: `npm run bench -- --quick mass scale`. The full run ends with
 * the million-target scale run (`scale1m`), which the quick run leaves out unless named.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assertRedisReachable } from '../src/queue/redis.js';
import { machine, parseArgs, round } from './lib/main.js';
import { redisUrl } from './lib/redisKit.js';

interface Bench {
  name: string;
  file: string;
  /** Seconds before the benchmark is stopped: quick, full. */
  timeout: [number, number];
  args?: (quick: boolean) => string[];
  /** Run only in the full run, or when named. */
  fullOnly?: boolean;
  /** Extra Node options for its process. */
  nodeArgs?: string[];
}

const benches: Bench[] = [
  { name: 'policy', file: 'policy.ts', timeout: [30, 60], args: (quick) => [quick ? '2' : '5'] },
  { name: 'pipeline', file: 'pipeline.ts', timeout: [600, 600] },
  { name: 'queue', file: 'queue.ts', timeout: [120, 300] },
  { name: 'latency', file: 'latency.ts', timeout: [120, 300] },
  { name: 'calls', file: 'calls.ts', timeout: [60, 120] },
  { name: 'mass', file: 'mass.ts', timeout: [150, 900] },
  { name: 'scale', file: 'scale.ts', timeout: [300, 900] },
  {
    name: 'scale1m',
    file: 'scale.ts',
    timeout: [3600, 3600],
    args: () => ['--targets=1000000', '--idle=10'],
    fullOnly: true,
    // A million targets' config (raw and validated) needs more than Node's default heap limit.
    nodeArgs: ['--max-old-space-size=8192'],
  },
];

type Line = Record<string, unknown>;

function runOne(bench: Bench, quick: boolean): Promise<Line | undefined> {
  const file = fileURLToPath(new URL(`./${bench.file}`, import.meta.url));
  const args = [...(bench.args?.(quick) ?? []), ...(quick && !bench.args ? ['--quick'] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(bench.nodeArgs ?? []), '--import', 'tsx', file, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let result: Line | undefined;
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!text.startsWith('{')) continue;
        try {
          result = JSON.parse(text) as Line;
          process.stdout.write(`${text}\n`);
        } catch {
          // not a result line
        }
      }
    });
    const seconds = bench.timeout[quick ? 0 : 1];
    const timer = setTimeout(() => {
      process.stderr.write(`${bench.name}: no result after ${seconds} s, stopping it\n`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    }, seconds * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 && result && !('error' in result) ? result : undefined);
    });
  });
}

async function main(): Promise<void> {
  const { quick } = parseArgs();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark(s): ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  await assertRedisReachable(redisUrl);
  const started = Date.now();
  const startMachine = machine();
  const results = new Map<string, Line>();
  const failed: string[] = [];
  for (const bench of benches) {
    if (wanted.length > 0 ? !wanted.includes(bench.name) : bench.fullOnly && quick) continue;
    const result = await runOne(bench, quick);
    if (result) results.set(bench.name, result);
    else failed.push(bench.name);
  }
  const pick = (name: string, key: string): unknown => results.get(name)?.[key];
  const at = (value: unknown, ...path: string[]): unknown =>
    path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Line)[k] : undefined), value);
  const met = (value: unknown, ok: (v: number) => boolean) => (typeof value === 'number' ? ok(value) : undefined);
  const waitAfterDone = at(pick('latency', 'waitForRotationsAfterDoneMs'), 'p50');
  const iamCalls = at(pick('calls', 'perRotation'), 'iam', 'huawei');
  const iamRedis = at(pick('calls', 'perRotation'), 'iam', 'redisRotor');
  const idle = pick('scale', 'idleWorker') as Line | undefined;
  const targets = {
    efficiency: { value: pick('pipeline', 'efficiency'), target: '>= 0.9', met: pick('pipeline', 'meetsTarget') },
    massRotation: {
      value: pick('mass', 'ratioToIdeal'),
      throttled: pick('mass', 'throttled429'),
      target: '<= 1.04 x ideal, 0 throttled',
      met: pick('mass', 'meetsTarget'),
    },
    scheduleSync100k: {
      value: pick('scale', 'syncSecondsPer100k'),
      target: '<= 15 s',
      met: pick('scale', 'syncMeetsTarget'),
    },
    idleWorker: {
      cpuPercent: idle?.cpuPercent,
      rssMiB: idle?.rssMiB,
      target: '< 1 % CPU, <= 250 MiB RSS',
      met: pick('scale', 'idleMeetsTarget'),
    },
    waitForRotationsAfterDone: { p50Ms: waitAfterDone, target: '<= 20 ms', met: met(waitAfterDone, (v) => v <= 20) },
    iamCallsPerRotation: { value: iamCalls, target: '3', met: met(iamCalls, (v) => v <= 3) },
    rotorRedisRoundTripsPerIamRotation: { value: iamRedis, target: '<= 8', met: met(iamRedis, (v) => v <= 8) },
  };
  const end = machine();
  process.stdout.write(
    `${JSON.stringify({
      bench: 'run',
      quick,
      seconds: round((Date.now() - started) / 1000, 1),
      date: new Date().toISOString(),
      machine: { ...startMachine, loadBefore: startMachine.load, loadAfter: end.load, load: undefined },
      node: process.version,
      failed,
      targets,
    })}\n`,
    () => process.exit(failed.length > 0 ? 1 : 0),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
