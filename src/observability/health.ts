import type { RedisClient } from '../types/redis.js';

/** What `/readyz` reports: can this process reach what a rotation needs? */
export interface Readiness {
  redis: boolean;
  vault: boolean;
}

/** The part of the Vault store health needs (`VaultStore.health()` answers even when sealed). */
export interface VaultHealthSource {
  health(): Promise<{ initialized: boolean; sealed: boolean }>;
}

export interface ReadinessOptions {
  redis: RedisClient;
  vault: VaultHealthSource;
  /** Each probe gives up after this long, so `/readyz` answers within it. @defaultValue 1000 */
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Redis is ready when the connection is up and answers PING in time. The status check comes first:
 * a connection made with `maxRetriesPerRequest: null` (BullMQ's) queues commands while Redis is away
 * instead of failing them, so a PING alone would only time out.
 */
export async function checkRedis(redis: RedisClient, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    return (await withTimeout(redis.ping(), timeoutMs)) === 'PONG';
  } catch {
    return false;
  }
}

/** Vault is ready when it answers sys/health, initialised and unsealed (a standby still counts). */
export async function checkVault(vault: VaultHealthSource, timeoutMs = 1000): Promise<boolean> {
  try {
    const health = await withTimeout(vault.health(), timeoutMs);
    return health.initialized && !health.sealed;
  } catch {
    return false;
  }
}

export function makeReadinessCheck(options: ReadinessOptions): () => Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? 1000;
  return async () => {
    const [redis, vault] = await Promise.all([
      checkRedis(options.redis, timeoutMs),
      checkVault(options.vault, timeoutMs),
    ]);
    return { redis, vault };
  };
}
