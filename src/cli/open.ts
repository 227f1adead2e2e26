import { makeRotor, type Rotor, type RotorOverrides } from '../app/makeRotor.js';
import { ConfigError } from '../config/problems.js';
import type { RotorConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { redisSettingsOf } from '../queue/cluster.js';
import { assertRedisReachable } from '../queue/redis.js';
import { isRotorError } from '../errors/index.js';
import { makeVaultStore, type VaultStore } from '../secrets/index.js';
import { CliExit, exitCodes } from './exitCodes.js';
import type { Resources } from './resources.js';
import { vaultSetupProblem } from './setupErrors.js';

export interface OpenVaultOptions {
  /** Check the KV mount at start (long-running processes do; one-shot reads find out on their own). */
  checkMount?: boolean;
  /**
   * Keep trying this long (ms) while Vault is unreachable, sealed or slow, instead of failing at once.
   * A refused credential or a refused certificate fails at once either way. @defaultValue 0
   */
  waitMs?: number;
  /**
   * Keep trying, however long, while Vault answers that it is sealed: it is there, and an operator
   * unseals it (after a Vault restart). For long-running processes. @defaultValue false
   */
  waitWhileSealed?: boolean;
}

/**
 * Opens the Vault store and registers it for closing; any failure ends the command with exit code 1
 * and one line that names what refused and the fix (a config problem keeps its own exit code 2).
 */
export async function openVault(
  resources: Resources,
  config: RotorConfig,
  logger: Logger,
  options: OpenVaultOptions = {},
): Promise<VaultStore> {
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const store = await makeVaultStore(config.vault, { logger, checkMount: options.checkMount ?? false });
      return resources.add(store, (s) => s.close());
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      const problem = vaultSetupProblem(err, config.vault);
      const sealed = isRotorError(err, 'Unavailable') && err.details.status === 503;
      const waitSealed = sealed && options.waitWhileSealed === true;
      const left = deadline - Date.now();
      if (!isRotorError(err, 'Unavailable') || (left <= 0 && !waitSealed)) {
        throw new CliExit(exitCodes.failure, `rotor: ${problem}`);
      }
      const backoffMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      // The last try comes at the deadline, not a whole backoff after it.
      const delayMs = waitSealed ? backoffMs : Math.max(100, Math.min(backoffMs, left));
      logger.warn({ attempt, retryInMs: delayMs, problem }, 'Vault is not available yet; waiting');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** Fails at once, with the fix, when a single Redis does not answer (a cluster client finds a live node itself). */
export async function checkRedis(config: RotorConfig): Promise<void> {
  if (redisSettingsOf(config.redis).cluster) return;
  try {
    await assertRedisReachable(redisSettingsOf(config.redis));
  } catch (err) {
    throw new CliExit(exitCodes.failure, `rotor: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Everything a worker or a one-shot command needs (makeRotor), Vault opened first so that a refused
 * token or an unreachable Vault ends the command before any Redis client exists.
 */
export async function openRotor(
  resources: Resources,
  config: RotorConfig,
  logger: Logger,
  options: OpenVaultOptions & Omit<RotorOverrides, 'store' | 'waitForVault'> = {},
): Promise<Rotor> {
  await checkRedis(config);
  const { checkMount = true, waitMs, waitWhileSealed, ...overrides } = options;
  const store = await openVault(resources, config, logger, { checkMount, waitMs, waitWhileSealed });
  // The rotor closes the store too; closing a store twice is harmless.
  return resources.add(await makeRotor(config, logger, { ...overrides, store }), (r) => r.close());
}
