import { Misconfigured } from '../errors/index.js';
import type { VaultConfig } from './schema.js';
import { capabilitiesSchema, healthSchema } from './kvResponses.js';
import { classifyVaultError } from './vaultErrors.js';
import type { VaultSession } from './vaultSession.js';

export type { AccessProblem } from '../types/secretStore.js';
import type { AccessProblem } from '../types/secretStore.js';

export interface VaultHealth {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  version: string | undefined;
}

/**
 * Asks Vault (`sys/capabilities-self`, allowed by the default policy) what the token may do on every path
 * rotor will use for these secrets — a preflight that names the missing grants before a rotation needs them.
 */
export async function checkAccess(
  session: VaultSession,
  config: VaultConfig,
  secretPaths: string[],
): Promise<AccessProblem[]> {
  const { mount, statePrefix } = config;
  const probe = `${statePrefix}/access-check`;
  const needs: { path: string; caps: string[]; purpose: string }[] = [
    ...secretPaths.flatMap((p) => [
      { path: `${mount}/data/${p}`, caps: ['read', 'create', 'update'], purpose: 'read and promote the password' },
      { path: `${mount}/metadata/${p}`, caps: ['read', 'update'], purpose: 'password history and custom_metadata' },
    ]),
    { path: `${mount}/data/${probe}`, caps: ['read', 'create', 'update'], purpose: 'pending records' },
    { path: `${mount}/metadata/${probe}`, caps: ['delete'], purpose: 'delete pending records' },
  ];
  const paths = needs.map((n) => n.path);
  const answer = await session.call(
    { action: 'check capabilities', path: 'sys/capabilities-self', capability: 'update' },
    (c) => c.write('sys/capabilities-self', { paths }),
  );
  const parsed = capabilitiesSchema.safeParse(answer.body);
  if (!parsed.success) throw new Misconfigured('Vault answered sys/capabilities-self in an unknown shape');
  const body = parsed.data;
  const data = (typeof body.data === 'object' && body.data !== null ? body.data : body) as Record<string, unknown>;
  const problems: AccessProblem[] = [];
  for (const need of needs) {
    const raw = data[need.path];
    const granted = Array.isArray(raw) ? raw.filter((c): c is string => typeof c === 'string') : [];
    if (granted.includes('root')) continue;
    const missing = granted.includes('deny') ? need.caps : need.caps.filter((c) => !granted.includes(c));
    if (missing.length > 0) problems.push({ path: need.path, missing, purpose: need.purpose });
  }
  return problems;
}

/** `sys/health`: answers (with a body) even when sealed, so a sealed Vault is reported rather than thrown. */
export async function readHealth(session: VaultSession, timeoutMs: number): Promise<VaultHealth> {
  let raw: unknown;
  try {
    raw = await session.client.health();
  } catch (err) {
    throw classifyVaultError(err, { action: 'check health', path: 'sys/health', capability: 'read' }, timeoutMs);
  }
  const parsed = healthSchema.safeParse(raw);
  if (!parsed.success) throw new Misconfigured('Vault answered sys/health in an unknown shape');
  const { initialized, sealed, standby, version } = parsed.data;
  return { initialized, sealed, standby, version };
}
