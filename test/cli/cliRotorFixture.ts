import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import { configSchema, type RotorConfig } from '../../src/config/schema.js';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { seedTargets } from '../../src/dev/seedTargets.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { silentLogger } from '../../src/observability/logger.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { makeRedisConnection } from '../../src/queue/redis.js';
import { startRotationWorker, type RotationWorker } from '../../src/queue/startWorker.js';
import { makeRotateProcessor } from '../../jobs/rotate.js';
import { repoRoot } from '../helpers/runCli.js';
import { redisUrl } from '../scheduling/schedulingFixture.js';
import { scratchDir, writeConfig } from './cliFixture.js';

/** One line the CLI wrote on stdout, when it arrived, and its JSON when it is JSON. */
export interface OutputLine {
  at: number;
  text: string;
  json?: Record<string, unknown>;
}

export interface CliRun {
  child: ChildProcess;
  started: number;
  stdout: OutputLine[];
  stderr: string[];
  exited: Promise<number | null>;
}

/**
 * The Huawei simulator and the Vault emulator with `targets` seeded on both sides, a config file for
 * the real CLI, real Redis under a fresh prefix, and — when asked — an in-process rotation worker.
 */
export interface CliRotorFixture {
  sim: HuaweiSimulator;
  vault: VaultEmulator;
  config: RotorConfig;
  configFile: string;
  rotor?: Rotor;
  /** `env` is added to the CLI's environment (this process's, without NODE_OPTIONS). */
  cli(args: string[], env?: NodeJS.ProcessEnv): CliRun;
  close(): Promise<void>;
}

export async function makeCliRotorFixture(opts: {
  /** Raw targets as in YAML; `endpoint` is set to the simulator's. */
  targets: Record<string, unknown>[];
  worker: boolean;
}): Promise<CliRotorFixture> {
  const sim = await startHuaweiSimulator();
  const vault = await startVaultEmulator();
  const scratch = await scratchDir();
  const prefix = `test-${randomUUID()}`;
  const document = {
    redis: { url: redisUrl, prefix },
    vault: { address: vault.url, auth: { method: 'token', token: '${VAULT_TOKEN}' } },
    targets: opts.targets.map((t) => ({ ...t, endpoint: sim.url })),
  };
  const configFile = await writeConfig(scratch.dir, 'rotor', document);
  const config = configSchema.parse(JSON.parse(JSON.stringify(document).replace('${VAULT_TOKEN}', vault.rootToken)));
  await seedTargets(sim, config, async (path, data) => void vault.kvPut('secret', path, data));
  let rotor: Rotor | undefined;
  let worker: RotationWorker | undefined;
  if (opts.worker) {
    rotor = await makeRotor(config, silentLogger);
    worker = await startRotationWorker(rotor, makeRotateProcessor(rotor), { concurrency: 4 });
  }
  const runs: CliRun[] = [];
  return {
    sim,
    vault,
    config,
    configFile,
    rotor,
    cli(args, env = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bin/rotor.ts', '--config', configFile, ...args], {
        cwd: repoRoot,
        env: { ...process.env, NODE_OPTIONS: '', VAULT_TOKEN: vault.rootToken, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const run: CliRun = { child, started: Date.now(), stdout: [], stderr: [], exited: Promise.resolve(null) };
      let partial = '';
      child.stdout?.on('data', (d: Buffer) => {
        const lines = (partial + d.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const text of lines.filter(Boolean)) {
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          run.stdout.push({ at: Date.now(), text, json });
        }
      });
      child.stderr?.on('data', (d: Buffer) => run.stderr.push(d.toString()));
      run.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
      runs.push(run);
      return run;
    },
    async close() {
      for (const r of runs) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
      await Promise.all(runs.map((r) => r.exited));
      await worker?.close(5_000);
      await rotor?.close();
      const redis = makeRedisConnection(redisUrl);
      await deleteKeysWithPrefix(redis, `${prefix}:`);
      redis.disconnect();
      await sim.close();
      await vault.close();
      await scratch.remove();
    },
  };
}

/** The JSON events of a run, by their `event` field. */
export function eventsOf(run: CliRun, name: string): (OutputLine & { json: Record<string, unknown> })[] {
  return run.stdout.filter((l): l is OutputLine & { json: Record<string, unknown> } => l.json?.event === name);
}
