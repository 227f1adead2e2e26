/**
 * What one part of rotor costs, weighed inside one worker. Separate runs of the pipeline benchmark move
 * by ± 0.2 ms of CPU per rotation on a shared machine, more than most single parts cost; here one rotor
 * rotates alternating sets of targets, half of the sets with the part replaced by a stand-in that does
 * nothing, so both halves see the same machine, heap and JIT state. `--part=none` replaces nothing: its
 * difference is this run's noise floor, to read every other figure against.
 *
 * Parts (`--part=`): `audit` (the attempt's audit events go nowhere), `auditEvents` (each event is
 * still checked for secrets, serialised and hashed, but not written), `auditWrites` (the writes go to
 * Redis as usual, each with a near-empty event), `metrics`, `logs` (the target's log lines),
 * `status` (the success status write), `lock` (no target lock), `none`; and one the other way round,
 * `roundTrips`: the sets with it send four more Redis round trips per rotation (`PING`s, one after
 * another before the lock), what fewer of rotor's own round trips could save at most;
 * `parallelRoundTrips`: the same four sent side by side (one wait); `vaultSideBySide` (the Vault calls
 * rotor sends side by side — the load's two reads, the stamp and the pending record's removal — sent
 * one after another instead: a negative figure is what sending them together saves); `loginSideBySide`
 * (the stored password's login and the pending record's write, side by side when the account policy is
 * known, in turn instead).
 * A diagnostic, not part of `npm run bench`:
 * `npx tsx bench/ablation.ts --part=audit [--sets=16] [--setSize=500] [--concurrency=16]`. One JSON line.
 */
import { canonicalContent, linkHash } from '../src/audit/chain.js';
import { assertNoSecret } from '../src/audit/secretGuard.js';
import type { AuditEvent, AuditSink } from '../src/audit/types.js';
import { silentLogger } from '../src/observability/logger.js';
import type { RotationDeps } from '../src/rotation/rotationContext.js';
import type { RedisClient } from '../src/types/redis.js';
import type { PromoteArgs, SecretStore } from '../src/types/secretStore.js';
import { round, runBenchmark } from './lib/main.js';
import { heldLock } from './lib/standIns.js';
import { rotatePhase } from './lib/phases.js';
import { benchRedis, redisUrl } from './lib/redisKit.js';
import { openRotorEnv } from './lib/rotorEnv.js';
import { startServers } from './lib/serverHost.js';
import { configInput, parseConfig, target } from './lib/targets.js';

const parts = [
  'none',
  'audit',
  'auditEvents',
  'auditWrites',
  'metrics',
  'logs',
  'status',
  'lock',
  'roundTrips',
  'parallelRoundTrips',
  'vaultSideBySide',
  'loginSideBySide',
] as const;
type Part = (typeof parts)[number];

const nowhere: AuditSink = { append: async () => undefined };

/** The sets with `roundTrips` have these more round trips per rotation than rotor's own. */
const addedRoundTrips = 4;

/** The lock taken after `addedRoundTrips` more round trips to Redis: one after another, or side by side. */
function withRoundTrips(deps: RotationDeps, redis: RedisClient, sideBySide: boolean): Partial<RotationDeps> {
  return {
    async acquireLock() {
      if (sideBySide) await Promise.all(Array.from({ length: addedRoundTrips }, () => redis.ping()));
      else for (let i = 0; i < addedRoundTrips; i++) await redis.ping();
      return deps.acquireLock();
    },
  };
}

/** The stand-in for `part` in one target's rotation deps (the rest as rotor built them). */
function without(part: Part, deps: RotationDeps, realAudit: AuditSink): Partial<RotationDeps> {
  switch (part) {
    case 'audit':
      return { audit: nowhere };
    case 'auditEvents':
      return {
        audit: {
          async append(event) {
            const full = { ...event, time: event.time ?? new Date().toISOString() } as AuditEvent;
            assertNoSecret(full);
            linkHash('0'.repeat(64), 1, canonicalContent(full).content);
          },
        },
      };
    case 'auditWrites':
      return { audit: { append: () => realAudit.append({ type: 'rotation.step', actor: 'ablation' }) } };
    case 'logs':
      return { logger: silentLogger };
    case 'status':
      return { status: { ...deps.status, succeeded: async () => undefined } };
    case 'vaultSideBySide':
      return { store: oneAfterAnother(deps.store) };
    case 'loginSideBySide':
      // Without a policy known in advance, the stored password's login and the pending write go in turn.
      return { knownAccountPolicy: undefined };
    case 'lock':
      return { acquireLock: async () => heldLock };
    default:
      return {};
  }
}

/** The store with its side-by-side calls in turn: the pending record read after the secret, the removal after the stamp. */
function oneAfterAnother(store: SecretStore): SecretStore {
  let secretRead: Promise<unknown> = Promise.resolve();
  return Object.assign({}, store, {
    readSecret(secretPath: string) {
      const read = store.readSecret(secretPath);
      secretRead = read.catch(() => undefined);
      return read;
    },
    async readPending(targetId: string) {
      await secretRead;
      return store.readPending(targetId);
    },
    async promote(secretPath: string, args: PromoteArgs) {
      const version = await store.promote(secretPath, Object.assign({}, args, { alongside: undefined }));
      await args.alongside?.();
      return version;
    },
  });
}

runBenchmark('ablation', async (args) => {
  const part = (args.values.get('part') ?? 'none') as Part;
  if (!parts.includes(part)) throw new Error(`--part=${part}: expected one of ${parts.join(', ')}`);
  const sets = args.num('sets', args.quick ? 8 : 16);
  const setSize = args.num('setSize', 500);
  const concurrency = args.num('concurrency', 16);
  const warm = 500;
  const { prefix } = benchRedis();
  const servers = await startServers({});
  const targets = Array.from({ length: warm + sets * setSize }, (_, i) =>
    target({ variant: 'iam', index: i, endpoint: servers.huaweiUrl }),
  );
  const vault = { vaultUrl: servers.vaultUrl, vaultToken: servers.rootToken };
  const input = configInput({ redisUrl, prefix, ...vault, concurrency, targets });
  await servers.seed({ config: input });
  const env = await openRotorEnv(parseConfig(input));
  const { rotor } = env;
  const realAudit = rotor.audit;
  const realMetrics = rotor.metrics;
  const built = rotor.rotationDeps.bind(rotor);
  let off = false;
  rotor.rotationDeps = (t) => {
    const deps = built(t);
    // The round trips are added to the sets with them; every other part is taken out of the sets without it.
    if (part === 'roundTrips' || part === 'parallelRoundTrips') {
      return off ? deps : Object.assign({}, deps, withRoundTrips(deps, rotor.redis, part === 'parallelRoundTrips'));
    }
    return off ? Object.assign({}, deps, without(part, deps, realAudit)) : deps;
  };
  await env.startWorker(concurrency);
  const ids = env.config.targets.map((t) => t.id);
  await rotatePhase(env, servers, ids.slice(0, warm));

  const with_ = { cpuUs: 0, ms: 0, rotations: 0 };
  const without_ = { cpuUs: 0, ms: 0, rotations: 0 };
  for (let s = 0; s < sets; s += 1) {
    // Alternating which half goes first, so a drift over the run falls on both alike.
    off = s % 4 === 1 || s % 4 === 2;
    rotor.metrics = off && part === 'metrics' ? undefined : realMetrics;
    const cpu = process.cpuUsage();
    const phase = await rotatePhase(env, servers, ids.slice(warm + s * setSize, warm + (s + 1) * setSize));
    const used = process.cpuUsage(cpu);
    const into = off ? without_ : with_;
    into.cpuUs += used.user + used.system;
    into.ms += phase.seconds * 1000;
    into.rotations += phase.rotations;
  }
  rotor.metrics = realMetrics;
  const cpuMs = (x: typeof with_) => x.cpuUs / 1000 / x.rotations;
  const perSec = (x: typeof with_) => (x.rotations / x.ms) * 1000;
  return {
    part,
    sets,
    setSize,
    concurrency,
    // CPU of this process (worker, producer, both clients) per rotation, with the part and without it.
    cpuMsPerRotation: { with: round(cpuMs(with_), 3), without: round(cpuMs(without_), 3) },
    partCpuMs: round(cpuMs(with_) - cpuMs(without_), 3),
    rotationsPerSec: { with: round(perSec(with_), 1), without: round(perSec(without_), 1) },
    partShareOfThroughput: round(1 - perSec(with_) / perSec(without_), 3),
  };
});
