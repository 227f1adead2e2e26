import type { UnsetVariable } from './interpolate.js';
import { ConfigError, formatPath, type ConfigProblem } from './problems.js';
import type { RotorConfig } from './schema.js';

/**
 * Vault credentials are needed only by what opens Vault (a worker, `rotor status`), not by a service
 * that only enqueues rotations. A credential whose environment variable is unset therefore does not
 * fail the load: it stays out of the config and fails — with the same config problem — when something
 * reads it to log in.
 */
const deferrable = new Set(['token', 'roleId', 'secretId', 'roleIdFile', 'secretIdFile', 'role', 'jwtPath']);

/** What parses in place of a deferred credential; it is never readable from the loaded config. */
const placeholder = 'unset';

const deferredByConfig = new WeakMap<object, ConfigProblem[]>();

function isDeferrable(u: UnsetVariable): boolean {
  const [section, auth, key, ...rest] = u.path;
  return section === 'vault' && auth === 'auth' && typeof key === 'string' && deferrable.has(key) && rest.length === 0;
}

/** Vault credentials whose variables were unset: where they go, and the problem each one is. */
export interface DeferredCredentials {
  keys: string[];
  problems: ConfigProblem[];
}

/**
 * Takes the unset variables of `vault.auth` credentials out of `unset` and puts a placeholder in `raw`
 * for each, so the schema accepts the document; `deferVaultCredentials` then makes them fail on read.
 */
export function takeVaultCredentials(
  raw: unknown,
  unset: UnsetVariable[],
  /** Where a path is in the file (file, line, column), for the problem's position. */
  where: (path: readonly PropertyKey[]) => Omit<ConfigProblem, 'path' | 'message'>,
): DeferredCredentials {
  const auth = (raw as { vault?: { auth?: Record<string, unknown> } } | null)?.vault?.auth;
  if (!auth || typeof auth !== 'object') return { keys: [], problems: [] };
  const taken = unset.filter(isDeferrable);
  for (const u of taken) auth[String(u.path[2])] = placeholder;
  unset.splice(0, unset.length, ...unset.filter((u) => !isDeferrable(u)));
  return {
    keys: taken.map((u) => String(u.path[2])),
    problems: taken.map((u) => ({
      ...where(u.path),
      path: formatPath(u.path),
      message: `environment variable ${u.name} is not set (and no default given); every command that opens Vault needs it`,
    })),
  };
}

/**
 * Replaces each taken credential in the parsed config by a property that throws its config problem
 * when read. It is not enumerable: copying or serialising the config neither fails nor carries it.
 */
export function deferVaultCredentials(config: RotorConfig, deferred: DeferredCredentials): RotorConfig {
  if (deferred.keys.length === 0) return config;
  deferred.keys.forEach((key, i) => {
    const problem = deferred.problems[i];
    Object.defineProperty(config.vault.auth, key, {
      enumerable: false,
      configurable: true,
      get() {
        throw new ConfigError(problem ? [problem] : []);
      },
    });
  });
  deferredByConfig.set(config, deferred.problems);
  return config;
}

/** The Vault credentials this config lacks (their variables were unset at load): for `rotor config validate`. */
export function missingVaultCredentials(config: RotorConfig): ConfigProblem[] {
  return deferredByConfig.get(config) ?? [];
}
