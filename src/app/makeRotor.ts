import { makeRedisAuditLog, type AuditLog } from '../audit/redisAuditLog.js';
import type { AuditSink } from '../audit/types.js';
import type { RotorConfig, TargetConfig } from '../config/schema.js';
import { connectors, descriptorOf, type ConnectorRegistry } from '../connectors/registry.js';
import { resolvedFor, type Connector, type CredentialReader } from '../connectors/types.js';
import { outboxKeyOf } from '../events/index.js';
import type { Logger } from '../observability/logger.js';
import type { RotorMetrics } from '../observability/metrics.js';
import { cachedAccountPolicy } from './accountPolicy.js';
import { makeRedisClient, redisSettingsOf } from '../queue/cluster.js';
import type { RedisClient } from '../types/redis.js';
import { makeWebhookAlerter, type Alerter } from '../rotation/alerts.js';
import { Misconfigured, isRotorError } from '../errors/index.js';
import { makeSharedRateGates } from '../connectors/huawei/sharedRateGate.js';
import { makePasswordMaker } from '../rotation/makePasswordMaker.js';
import { makeCredentialGate } from '../rotation/credentialGate.js';
import { makeProbeMemo } from '../rotation/probeMemo.js';
import type { AlternatingAccounts, RotationDeps } from '../rotation/rotationContext.js';
import { acquireTargetLock } from '../rotation/targetLock.js';
import { makeTargetStatusStore, type TargetStatusStore } from '../rotation/targetStatus.js';
import { makeHeartbeatStore, type HeartbeatStore } from '../rotation/heartbeatStore.js';
import { makeVaultStore, type VaultStore } from '../secrets/index.js';

/** Everything a worker (or a CLI command) needs, built once from a validated config. */
export interface Rotor {
  config: RotorConfig;
  logger: Logger;
  store: VaultStore;
  audit: AuditSink & Partial<Pick<AuditLog, 'flush' | 'verify' | 'read'>>;
  /** A plain Redis connection (locks, status, probes, audit); BullMQ gets its own. */
  redis: RedisClient;
  status: TargetStatusStore;
  /** What each target's last heartbeat found (rotation/heartbeat.ts). */
  heartbeats: HeartbeatStore;
  alert: Alerter;
  metrics?: RotorMetrics;
  /** The kinds of target this rotor serves: production's registry, or a test's extended one. */
  connectors: ConnectorRegistry;
  target(id: string): TargetConfig | undefined;
  rotationDeps(target: TargetConfig): RotationDeps;
  close(): Promise<void>;
}

export interface RotorOverrides {
  /**
   * Keep trying while Vault is sealed or unreachable at start (a worker waits for Vault instead of
   * crash-looping); a misconfigured mount or a refused token still fails at once. @defaultValue false
   */
  waitForVault?: boolean;
  store?: VaultStore;
  audit?: AuditSink;
  metrics?: RotorMetrics;
  /** The kinds of target served. @defaultValue the production registry (`connectors/registry.ts`) */
  connectors?: ConnectorRegistry;
}

/** How many targets' rotation parts (connector, logger, password maker) a rotor keeps built. */
export const builtTargetsKept = 1_000;

export async function makeRotor(config: RotorConfig, logger: Logger, overrides: RotorOverrides = {}): Promise<Rotor> {
  const store = overrides.store ?? (await connectVault(config, logger, overrides.waitForVault ?? false));
  const redis = makeRedisClient(redisSettingsOf(config.redis), { maxRetriesPerRequest: 20 });
  // ioredis reconnects by itself; without a listener each failed reconnect would be an unhandled error.
  redis.on('error', (err) => logger.warn({ err }, 'Redis connection error'));
  const prefix = config.redis.prefix;
  const auditLog = overrides.audit
    ? undefined
    : makeRedisAuditLog({
        redis,
        prefix,
        logger,
        archiveFile: config.audit.archiveFile,
        retention: config.audit.retention && {
          maxEvents: config.audit.retention.maxEvents,
          maxAgeMs: config.audit.retention.maxAge,
        },
        outboxKey: outboxKeyOf(config),
      });
  const audit = overrides.audit ?? (auditLog as AuditLog);
  const status = makeTargetStatusStore(redis, prefix);
  const probes = makeProbeMemo(redis, prefix);
  const alert = makeWebhookAlerter(config.alerts.webhook, logger);
  const byId = new Map(config.targets.map((t) => [t.id, t]));
  // One limit per endpoint for every worker sharing this Redis, not one per process.
  const rateGate = makeSharedRateGates(redis, prefix, logger);
  // The targets rotated lately, built once each: a target is rotated every few weeks, so keeping every
  // target ever rotated would grow a long-lived worker by some kB per target (100,000 targets: half a
  // GB) for nothing. Shared state (login guards, account policies, operator tokens) lives outside.
  const built = new Map<string, RotationDeps>();
  const accountConnectors: Connector[] = [];
  const registry = overrides.connectors ?? connectors;

  const readCredential: CredentialReader = async (name) => {
    const ref = config.credentials[name];
    if (!ref) throw new Misconfigured(`credential "${name}" is not defined under credentials:`);
    const secret = await store.readSecret(ref.secretPath);
    if (!secret) throw new Misconfigured(`credential "${name}": nothing stored at ${ref.secretPath}`);
    return Object.fromEntries(
      Object.entries(secret.data).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  };

  for (const t of config.targets) {
    if (t.insecureSkipVerify)
      logger.warn({ targetId: t.id }, 'TLS verification is OFF for this target (insecureSkipVerify)');
  }

  // The targets whose secret is an operator credential, found in one pass: building a target's
  // rotation then looks them up instead of scanning every target for each credential.
  const credentialPaths = new Set(Object.values(config.credentials).map((ref) => ref.secretPath));
  const rotatorsByPath = new Map<string, TargetConfig[]>();
  for (const t of config.targets) {
    if (!credentialPaths.has(t.secretPath)) continue;
    const same = rotatorsByPath.get(t.secretPath);
    if (same) same.push(t);
    else rotatorsByPath.set(t.secretPath, [t]);
  }
  /** Targets whose secret is an operator credential: rotating one changes that credential. */
  const rotatorsOf = (name: string): readonly TargetConfig[] => {
    const ref = config.credentials[name];
    return (ref && rotatorsByPath.get(ref.secretPath)) || [];
  };
  function credentialGateFor(target: TargetConfig, used: string[]) {
    const uses = used.filter((name) => rotatorsOf(name).some((r) => r.id !== target.id));
    const changes = Object.keys(config.credentials).filter((name) => rotatorsOf(name).some((r) => r.id === target.id));
    if (uses.length === 0 && changes.length === 0) return undefined;
    return makeCredentialGate({
      redis,
      prefix,
      targetId: target.id,
      uses,
      changes,
      // Between prepare and promotion; an issued credential's `retiring` record is past its promotion.
      changeInFlight: async (name) => {
        for (const r of rotatorsOf(name)) {
          const step = await store.pendingStep(r.id);
          if (step !== null && step !== 'retiring') return true;
        }
        return false;
      },
      ttlMs: Math.max(config.rotation.lockTtlMs, 60_000),
    });
  }

  function build(target: TargetConfig): RotationDeps {
    const descriptor = descriptorOf(registry, target.kind);
    if (!descriptor) throw new Misconfigured(`target ${target.id}: no connector for kind "${target.kind}"`);
    // Every line about this target carries its id and kind once; lines add only what they know.
    const targetLogger = logger.child({ targetId: target.id, kind: target.kind });
    // One connector per target while the target stays built (builtTargetsKept): it keeps the user's token.
    const connector: Connector = descriptor.create(target, { logger: targetLogger, readCredential, rateGate });
    const traits = resolvedFor(descriptor, target);
    const policyName = target.policy;
    const accountPolicy = cachedAccountPolicy(
      connector.accountPolicy,
      config.rotation.accountPolicyTtlMs,
      targetLogger,
    );
    return {
      target,
      connector,
      capabilities: traits.capabilities,
      noAdminReset: descriptor.noAdminReset(target),
      cooldownMs: traits.cooldownMs,
      store,
      makePassword: makePasswordMaker(
        target,
        policyName ? config.policies[policyName] : undefined,
        policyName,
        connector.accountPolicy !== undefined,
        { rules: traits.rules, context: descriptor.passwordContext(target) },
      ),
      accountPolicy: accountPolicy.read,
      knownAccountPolicy: accountPolicy.known,
      acquireLock: () => acquireTargetLock({ redis, prefix, ttlMs: config.rotation.lockTtlMs }, target.id),
      credentialGate: credentialGateFor(target, descriptor.credentialsUsed?.(target) ?? []),
      ...(target.strategy === 'alternating'
        ? { alternating: alternatingAccounts(target, descriptor, targetLogger) }
        : {}),
      probes,
      status,
      alert,
      audit,
      logger: targetLogger,
    };
  }

  /**
   * Lets go of the least recently used targets beyond `keep`. A connector with resources of its own
   * to close (none of the built-in kinds has) stays, so that nothing in use is closed under a rotation.
   */
  function evictBeyond(keep: number): void {
    for (const [id, deps] of built) {
      if (built.size <= keep) return;
      if (!deps.connector.close) built.delete(id);
    }
  }

  /**
   * The two accounts of an alternating target: each the target's fields with its own on top, with a
   * connector of its own (its own login guard, token cache); and rotor's record of their passwords.
   */
  function alternatingAccounts(
    target: TargetConfig,
    descriptor: NonNullable<ReturnType<typeof descriptorOf>>,
    targetLogger: Logger,
  ): AlternatingAccounts {
    const list = target.accounts ?? [];
    const names = [list[0]?.name ?? 'a', list[1]?.name ?? 'b'] as const;
    const made = new Map<string, Connector>();
    const recordPath = `${config.vault.statePrefix}/accounts/${target.id}`;
    return {
      accountNames: names,
      accountConnector(name) {
        let c = made.get(name);
        if (!c) {
          const { name: _name, ...fields } = list.find((a) => a.name === name) ?? { name };
          const account = { ...target, ...fields, strategy: 'single', accounts: undefined } as TargetConfig;
          c = descriptor.create(account, { logger: targetLogger.child({ account: name }), readCredential, rateGate });
          made.set(name, c);
          // Kept for close() only when there is something to close: a rebuilt target makes new ones.
          if (c.close) accountConnectors.push(c);
        }
        return c;
      },
      accounts: {
        async read() {
          const secret = await store.readSecret(recordPath);
          const passwords = Object.fromEntries(
            Object.entries(secret?.deleted ? {} : (secret?.data ?? {})).filter(
              (e): e is [string, string] => typeof e[1] === 'string' && names.includes(e[0]),
            ),
          );
          return { passwords, version: secret?.version ?? 0 };
        },
        async write(passwords, version) {
          await store.writeVersion(recordPath, passwords, version);
        },
      },
    };
  }

  return {
    config,
    logger,
    store,
    audit,
    redis,
    status,
    heartbeats: makeHeartbeatStore(redis, prefix),
    alert,
    metrics: overrides.metrics,
    connectors: registry,
    target: (id) => byId.get(id),
    rotationDeps(target) {
      let deps = built.get(target.id);
      if (deps) {
        // Most recently used last: the Map's order is the eviction order.
        built.delete(target.id);
      } else {
        deps = build(target);
        evictBeyond(builtTargetsKept - 1);
      }
      built.set(target.id, deps);
      return deps;
    },
    async close() {
      await Promise.all([...built.values()].map((d) => d.connector.close?.()));
      await Promise.all(accountConnectors.map((c) => c.close?.()));
      await auditLog?.close().catch((err: unknown) => logger.warn({ err }, 'audit log close failed'));
      await store.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

async function connectVault(config: RotorConfig, logger: Logger, wait: boolean): Promise<VaultStore> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await makeVaultStore(config.vault, { logger });
    } catch (err) {
      if (!wait || !isRotorError(err, 'Unavailable')) throw err;
      const delayMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      logger.warn({ err, attempt, retryInMs: delayMs }, 'Vault is not available yet; waiting');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
