import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
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
import { redisUrl } from './schedulingFixture.js';

export interface CliProcess {
  child: ChildProcess;
  /** stdout lines parsed as JSON (the CLI's JSON lines mode). */
  events: Record<string, unknown>[];
  stderr: string[];
  exited: Promise<number | null>;
}

/**
 * `count` IAM users in the Huawei simulator and the Vault emulator, a config file for the CLI, and an
 * in-process rotation worker on real Redis. The per-endpoint rate limit is what paces a mass rotation.
 */
export interface MassFixture {
  sim: HuaweiSimulator;
  vault: VaultEmulator;
  config: RotorConfig;
  configFile: string;
  rotor: Rotor;
  worker: RotationWorker;
  redis: Redis;
  cli(args: string[]): CliProcess;
  /** Successful change calls per IAM user id, from the simulator's request log. */
  changesPerUser(): Map<string, number>;
  close(): Promise<void>;
}

export async function makeMassFixture(count: number, extra: Record<string, unknown> = {}): Promise<MassFixture> {
  const sim = await startHuaweiSimulator();
  const vault = await startVaultEmulator();
  const prefix = `test-${randomUUID()}`;
  const document = {
    redis: { url: redisUrl, prefix },
    vault: { address: vault.url, auth: { method: 'token', token: '${VAULT_TOKEN}' } },
    rotation: { attempts: 5 },
    targets: Array.from({ length: count }, (_, i) => ({
      id: `iam-${i}`,
      kind: 'huawei-iam-user',
      endpoint: sim.url,
      userId: `u${randomUUID().replace(/-/g, '')}`,
      userName: `user${i}`,
      domainName: 'acme',
      secretPath: `mass/iam-${i}`,
      maxAge: '90d',
      tags: i % 2 === 0 ? ['even'] : ['odd'],
      http: { ratePerSecond: 150, rateBurst: 10 },
      ...extra,
    })),
  };
  const configFile = join(await mkdtemp(join(tmpdir(), 'rotor-mass-')), 'rotor.yaml');
  await writeFile(configFile, JSON.stringify(document, null, 2));
  const config = configSchema.parse(JSON.parse(JSON.stringify(document).replace('${VAULT_TOKEN}', vault.rootToken)));
  await seedTargets(sim, config, async (path, data) => void vault.kvPut('secret', path, data));
  const rotor = await makeRotor(config, silentLogger);
  const worker = await startRotationWorker(rotor, makeRotateProcessor(rotor), { concurrency: 8 });
  const redis = makeRedisConnection(redisUrl);
  const children: CliProcess[] = [];

  return {
    sim,
    vault,
    config,
    configFile,
    rotor,
    worker,
    redis,
    cli(args) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bin/rotor.ts', '--config', configFile, ...args], {
        cwd: repoRoot,
        env: { ...process.env, NODE_OPTIONS: '', VAULT_TOKEN: vault.rootToken },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const proc: CliProcess = { child, events: [], stderr: [], exited: Promise.resolve(null) };
      let partial = '';
      child.stdout?.on('data', (d: Buffer) => {
        const lines = (partial + d.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines.filter(Boolean)) proc.events.push(JSON.parse(line) as Record<string, unknown>);
      });
      child.stderr?.on('data', (d: Buffer) => proc.stderr.push(d.toString()));
      proc.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
      children.push(proc);
      return proc;
    },
    changesPerUser() {
      const counts = new Map<string, number>();
      for (const r of sim.requests('iam.changePassword').filter((r) => r.status === 204)) {
        const userId = /users\/([^/]+)\/password/.exec(r.path)?.[1] ?? r.path;
        counts.set(userId, (counts.get(userId) ?? 0) + 1);
      }
      return counts;
    },
    async close() {
      for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await worker.close(5_000);
      await rotor.close();
      await deleteKeysWithPrefix(redis, `${prefix}:`);
      await redis.quit();
      await sim.close();
      await vault.close();
    },
  };
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
