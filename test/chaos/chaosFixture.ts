import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { makeRotor, type Rotor } from '../../src/app/makeRotor.js';
import { configSchema, type RotorConfig, type TargetConfig } from '../../src/config/schema.js';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { seedTargets } from '../../src/dev/seedTargets.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { silentLogger } from '../../src/observability/logger.js';
import { deleteKeysWithPrefix } from '../../src/queue/cleanup.js';
import { rotateQueueName, rotationJobOptions } from '../../src/queue/names.js';
import { makeConnectionSet } from '../../src/queue/redis.js';
import { httpExampleTarget, type HttpExample } from '../helpers/httpExamples.js';
import { repoRoot } from '../helpers/runCli.js';

/** A built-in kind, or one of the `kind: http` examples of config/examples/. */
export type Kind = Exclude<TargetConfig['kind'], 'http'> | HttpExampleKind;
type HttpExampleKind = `http-${HttpExample}`;

/** The example's target as a user would drop it in; the endpoint is set to the simulator's later. */
function httpExampleChaosTarget(kind: HttpExampleKind, id: string, secretPath: string, i: number, tag: string) {
  const env = { HTTP_EXAMPLE_ENDPOINT: 'http://127.0.0.1', HTTP_EXAMPLE_SECRET_PATH: secretPath };
  const target =
    kind === 'http-meeting'
      ? httpExampleTarget('meeting', { ...env, HTTP_EXAMPLE_ACCOUNT: `user${i}.${tag}@http.acme.com` })
      : httpExampleTarget('iam', {
          ...env,
          HTTP_EXAMPLE_USER_ID: `u${randomUUID().replace(/-/g, '')}`,
          HTTP_EXAMPLE_USER_NAME: `huser${i}`,
          HTTP_EXAMPLE_DOMAIN: 'acme',
        });
  // The examples ask for a `strong` policy, which the chaos config does not define: the target's rules alone.
  const { policy: _policy, ...rest } = target;
  return { ...rest, id };
}

/** Builds `count` targets cycling through `kinds`, with ids that say their kind. */
export function chaosTargets(count: number, kinds: Kind[], tag: string): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length] as Kind;
    const id = `${kind.replace('huawei-', '')}-${tag}-${i}`;
    if (kind === 'http-meeting' || kind === 'http-iam')
      return httpExampleChaosTarget(kind, id, `chaos/${tag}/${id}`, i, tag);
    const common = { id, kind, secretPath: `chaos/${tag}/${id}` };
    if (kind === 'huawei-iam-user') {
      return {
        ...common,
        endpoint: 'SIM',
        userId: `u${randomUUID().replace(/-/g, '')}`,
        userName: `user${i}`,
        domainName: 'acme',
      };
    }
    if (kind === 'huawei-meeting-user') return { ...common, endpoint: 'SIM', account: `user${i}.${tag}@acme.com` };
    return {
      ...common,
      endpoint: 'SIM',
      projectId: `p${tag}`,
      serverId: randomUUID(),
      operator: 'cbh-operator',
    };
  });
}

export interface ChaosFixture {
  sim: HuaweiSimulator;
  vault: VaultEmulator;
  config: RotorConfig;
  configFile: string;
  prefix: string;
  redisUrl: string;
  redis: Redis;
  queue: Queue;
  events: QueueEvents;
  /** A rotor built in the test process, to read Vault and the audit log as the workers see them. */
  rotor: Rotor;
  /** Starts `rotor worker` as a child process; its stdout/stderr lines are kept in `output`. */
  spawnWorker(env?: NodeJS.ProcessEnv, command?: 'worker' | 'run'): WorkerProcess;
  enqueueAll(ids?: string[]): Promise<void>;
  /**
   * Resolves when every target's live password equals Vault's current one, no pending record is left,
   * and no job of the target is still running: Vault holds the new password before the attempt has
   * written its outcome (status and audit events come last), so a test reading those waits for both.
   */
  waitInSync(timeoutMs: number, ids?: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ChaosOptions {
  targets: Record<string, unknown>[];
  redisUrl?: string;
  /** Short locks so a killed worker's job is handed on within seconds. */
  rotation?: Record<string, number>;
  alertUrl?: string;
  credentials?: Record<string, { secretPath: string }>;
  /** More top-level config sections (http, scheduling, ...). */
  extra?: Record<string, unknown>;
}

export async function makeChaosFixture(opts: ChaosOptions): Promise<ChaosFixture> {
  const sim = await startHuaweiSimulator();
  const vault = await startVaultEmulator();
  const redisUrl = opts.redisUrl ?? process.env.ROTOR_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `test-${randomUUID()}`;
  const document = {
    redis: { url: redisUrl, prefix },
    vault: { address: vault.url, auth: { method: 'token', token: '${VAULT_TOKEN}' } },
    worker: { concurrency: 8 },
    credentials: { 'cbh-operator': { secretPath: 'chaos/operators/cbh' }, ...opts.credentials },
    rotation: { lockTtlMs: 3_000, lockDurationMs: 2_000, stalledIntervalMs: 1_000, attempts: 20, ...opts.rotation },
    ...(opts.alertUrl ? { alerts: { webhook: { url: opts.alertUrl, retries: 0 } } } : {}),
    // The default per-endpoint limit (5 req/s) suits a public cloud; the local simulator takes far more.
    ...opts.extra,
    targets: opts.targets.map((t) => ({ http: { ratePerSecond: 1000, rateBurst: 100 }, ...t, endpoint: sim.url })),
  };
  const dir = await mkdtemp(join(tmpdir(), 'rotor-chaos-'));
  const configFile = join(dir, 'rotor.yaml');
  await writeFile(configFile, JSON.stringify(document, null, 2));
  const config = configSchema.parse(JSON.parse(JSON.stringify(document).replace('${VAULT_TOKEN}', vault.rootToken)));
  await seedTargets(sim, config, async (path, data) => {
    vault.kvPut('secret', path, data);
  });
  const connections = makeConnectionSet(redisUrl);
  const redis = connections.create();
  const queue = new Queue(rotateQueueName, { connection: connections.create(), prefix });
  const events = new QueueEvents(rotateQueueName, { connection: connections.create(), prefix });
  // A Redis restart makes these report connection errors; the test judges the outcome, not the noise.
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  redis.on('error', () => undefined);
  await events.waitUntilReady();
  const rotor = await makeRotor(config, silentLogger);
  const workers: WorkerProcess[] = [];

  const inSync = async (target: TargetConfig): Promise<boolean> => {
    const secret = await rotor.store.readSecret(target.secretPath);
    const live = sim.livePassword(target.kind, liveKey(target));
    return (
      secret?.password === live &&
      secret?.version !== undefined &&
      secret.version > 1 &&
      (await rotor.store.readPending(target.id)) === null
    );
  };

  return {
    sim,
    vault,
    config,
    configFile,
    prefix,
    redisUrl,
    redis,
    queue,
    events,
    rotor,
    spawnWorker(env = {}, command = 'worker') {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bin/rotor.ts', '--config', configFile, command], {
        cwd: repoRoot,
        env: { ...process.env, NODE_OPTIONS: '', VAULT_TOKEN: vault.rootToken, ROTOR_LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: string[] = [];
      child.stdout?.on('data', (d: Buffer) => output.push(...d.toString().split('\n').filter(Boolean)));
      child.stderr?.on('data', (d: Buffer) => output.push(...d.toString().split('\n').filter(Boolean)));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      const worker = { child, output, exited };
      workers.push(worker);
      return worker;
    },
    async enqueueAll(ids = config.targets.map((t) => t.id)) {
      await queue.addBulk(
        ids.map((targetId) => ({ name: 'rotate', data: { targetId, requestedBy: 'chaos' }, opts: rotationJobOptions })),
      );
    },
    async waitInSync(timeoutMs, ids = config.targets.map((t) => t.id)) {
      const deadline = Date.now() + timeoutMs;
      let waiting = config.targets.filter((t) => ids.includes(t.id));
      while (waiting.length > 0) {
        const running = new Set(
          (await queue.getActive()).map((job) => (job?.data as { targetId?: string } | undefined)?.targetId),
        );
        const states = await Promise.all(waiting.map(async (t) => !running.has(t.id) && (await inSync(t))));
        waiting = waiting.filter((_, i) => !states[i]);
        if (waiting.length === 0) return;
        if (Date.now() > deadline)
          throw new Error(`not in sync after ${timeoutMs} ms: ${waiting.map((t) => t.id).join(', ')}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async close() {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      await rotor.close();
      await events.close();
      await queue.close();
      await deleteKeysWithPrefix(redis, `${prefix}:`);
      await connections.closeAll();
      await sim.close();
      await vault.close();
    },
  };
}

/** The id the simulator knows a target's account by. */
export function liveKey(target: TargetConfig): string {
  if (target.kind === 'huawei-iam-user') return target.userId;
  if (target.kind === 'huawei-meeting-user') return target.account;
  if (target.kind === 'huawei-iam-access-key') return target.userId;
  if (target.kind === 'http') return target.vars.account ?? target.vars.userId ?? '';
  return target.serverId;
}
