import type { ServerStats, Servers } from './serverHost.js';
import { serversCpuPercent } from './serverHost.js';
import { round, startWindow } from './main.js';
import { enqueueRotations, watchCompletions, type RotorEnv } from './rotorEnv.js';
import { delta, sum } from './stats.js';

export interface RotationPhase {
  rotations: number;
  seconds: number;
  rotationsPerSec: number;
  failedAttempts: number;
  /** Simulator requests per route during the phase. */
  sim: Record<string, number>;
  huaweiCalls: number;
  vaultCalls: number;
  /** % of one core: this process (rotor), the servers process. */
  cpu: { rotor: number; servers: number };
  /** Share of the timed window this process's event loop was busy rather than waiting (0–1). */
  eventLoopUtilization: number;
  before: ServerStats;
  after: ServerStats;
}

/**
 * Rotates every target once through the queue, with a worker already running (started by the
 * caller): the clock runs from the first enqueue to the last job's completion event, so it covers
 * enqueueing, the queue, the worker and the calls — end to end.
 */
export async function rotatePhase(
  env: RotorEnv,
  servers: Servers,
  targetIds: readonly string[],
  opts: { timeoutMs?: number; windows?: boolean } = {},
): Promise<RotationPhase> {
  const watch = watchCompletions(env, targetIds, opts.timeoutMs ?? 600_000);
  const before = await servers.stats();
  const endWindow = startWindow();
  await enqueueRotations(env.queue, targetIds);
  await watch.done;
  const { ms, cpuPercent: rotorCpu, eventLoopUtilization } = endWindow();
  const after = await servers.stats({ windows: opts.windows });
  const sim = delta(before.sim, after.sim);
  return {
    rotations: targetIds.length,
    seconds: round(ms / 1000, 3),
    rotationsPerSec: round(targetIds.length / (ms / 1000), 1),
    failedAttempts: watch.failedAttempts(),
    sim,
    huaweiCalls: sum(Object.values(sim)),
    vaultCalls: after.vaultRequests - before.vaultRequests,
    cpu: { rotor: rotorCpu, servers: serversCpuPercent(before, after, ms) },
    eventLoopUtilization,
    before,
    after,
  };
}
