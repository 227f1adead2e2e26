/**
 * What rotor's own code costs per rotation with nothing remote in it: the step machine of an IAM
 * rotation (`rotateTarget`) with each target built as `makeRotor` builds it — password policy and
 * generation, the audit events (checked for secrets, serialised and hashed, then dropped), the log
 * line, the metrics (each step timed, the outcome counted, as the worker's processor adds them) — but the connector, the Vault store, the lock, the status and the audit writes
 * answered in memory at once. No queue, no HTTP, no Redis during the measured rotations: the CPU
 * per rotation is the engine's own JavaScript, to read against the pipeline benchmark's gap between
 * rotor and its bare calls (section 1 of docs/benchmarks.md).
 * A diagnostic, not part of `npm run bench`:
 * `npx tsx bench/engineAlone.ts [--targets=30000] [--concurrency=16]`. One JSON line.
 */
import { canonicalContent } from '../src/audit/chain.js';
import { assertNoSecret } from '../src/audit/secretGuard.js';
import type { AuditSink } from '../src/audit/types.js';
import type { Connector } from '../src/connectors/types.js';
import { rotateTarget, type RotationDeps } from '../src/rotation/rotateTarget.js';
import type { TargetStatusStore } from '../src/rotation/targetStatus.js';
import type { SecretStore, SecretVersion } from '../src/types/secretStore.js';
import { round, runBenchmark } from './lib/main.js';
import { heldLock } from './lib/standIns.js';
import { benchRedis, redisUrl } from './lib/redisKit.js';
import { openRotorEnv } from './lib/rotorEnv.js';
import { startServers } from './lib/serverHost.js';
import { configInput, parseConfig, target } from './lib/targets.js';

const oldPassword = 'Kq7#vN2$pW9!xR4&mT6*zB8q';

/** The store's answers for one rotation: a secret at version 1, no pending record, every write accepted. */
function storeInMemory(): SecretStore {
  const current: SecretVersion = {
    data: { password: oldPassword, username: 'svc' },
    password: oldPassword,
    version: 1,
    customMetadata: {},
    createdTime: '2026-01-01T00:00:00.000Z',
  };
  const answers: Partial<SecretStore> = {
    readSecret: async () => current,
    readPending: async () => null,
    writePending: async () => 1,
    deletePending: async () => undefined,
    promote: async () => 2,
    passwordHistory: async () => [],
  };
  return answers as SecretStore;
}

/** The audit writer's own work on each event (its time, secret check, canonical JSON, hash), then nothing. */
const auditInMemory: AuditSink = {
  async append(event) {
    const full = Object.assign({}, event, { time: event.time ?? new Date().toISOString() });
    assertNoSecret(full);
    canonicalContent(full);
  },
};

runBenchmark('engineAlone', async (args) => {
  const n = args.num('targets', 30_000);
  const concurrency = args.num('concurrency', 16);
  const warm = Math.min(5_000, Math.floor(n / 3));
  const { prefix } = benchRedis();
  // Vault is asked once, for the token, when the rotor is made; nothing remote is used afterwards.
  const servers = await startServers({});
  const targets = Array.from({ length: n }, (_, i) =>
    target({ variant: 'iam', index: i, endpoint: servers.huaweiUrl }),
  );
  const config = parseConfig(
    configInput({ redisUrl, prefix, vaultUrl: servers.vaultUrl, vaultToken: servers.rootToken, targets }),
  );
  const { rotor } = await openRotorEnv(config);
  const store = storeInMemory();
  const status = { succeeded: async () => undefined } as Partial<TargetStatusStore> as TargetStatusStore;
  const depsOf = (id: string): RotationDeps => {
    const deps = rotor.rotationDeps(rotor.target(id) as NonNullable<ReturnType<typeof rotor.target>>);
    const connector: Connector = Object.assign({}, deps.connector, {
      verify: async () => true,
      change: async () => undefined,
    });
    return Object.assign({}, deps, {
      connector,
      store,
      status,
      audit: auditInMemory,
      acquireLock: async () => heldLock,
      accountPolicy: async () => undefined,
      // As the worker's processor adds them (jobs/rotate.ts): every step timed, every outcome counted.
      observeStep: (step: string, seconds: number) => rotor.metrics?.observeStep(deps.target.kind, step, seconds),
      countRotation: (outcome: 'succeeded') => rotor.metrics?.countRotation(deps.target.kind, outcome),
    });
  };
  const ids = config.targets.map((t) => t.id);
  const rotate = async (from: number, to: number) => {
    const queue = ids.slice(from, to);
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          await rotateTarget(depsOf(id), { actor: 'worker:engine-alone', jobId: `rotate:${id}`, attempt: 1 });
        }
      }),
    );
  };
  await rotate(0, warm);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await rotate(warm, n);
  const used = process.cpuUsage(cpu);
  const rotations = n - warm;
  return {
    rotations,
    concurrency,
    cpuUsPerRotation: round((used.user + used.system) / rotations, 1),
    wallUsPerRotation: round(((performance.now() - started) * 1000) / rotations, 1),
  };
});
