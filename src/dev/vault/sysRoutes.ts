import { randomUUID } from 'node:crypto';
import type { VaultCore } from './core.js';
import { envelope, errorResponse, isRecord, noContent, noHandler, notFound, ok } from './http.js';
import type { EmuRequest, EmuResponse } from './http.js';
import { PolicyParseError, type Acl } from './policy.js';

export const emulatedVaultVersion = '1.17.6';
const clusterId = randomUUID();

function health(core: VaultCore, req: EmuRequest): EmuResponse {
  const body = {
    initialized: true,
    sealed: core.sealed,
    standby: false,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(core.now() / 1000),
    version: emulatedVaultVersion,
    cluster_name: 'vault-cluster-emulator',
    cluster_id: clusterId,
  };
  const code = (name: string, fallback: number) => Number(req.query.get(name) ?? fallback);
  return { status: core.sealed ? code('sealedcode', 503) : code('activecode', 200), body };
}

function sealStatus(core: VaultCore): EmuResponse {
  return {
    status: 200,
    body: {
      type: 'shamir',
      initialized: true,
      sealed: core.sealed,
      t: 1,
      n: 1,
      progress: 0,
      version: emulatedVaultVersion,
      cluster_name: 'vault-cluster-emulator',
      cluster_id: clusterId,
    },
  };
}

/** `sys/internal/ui/mounts/<path>`: how Vault's own CLI learns a mount's engine and KV version. */
function uiMount(core: VaultCore, acl: Acl, path: string): EmuResponse {
  const sanitized = path.endsWith('/') ? path : `${path}/`;
  const denied = errorResponse(
    403,
    `preflight capability check returned 403, please ensure client's policies grant access to path "${sanitized}"`,
  );
  const mount = core.matchMount(path);
  // Vault answers an unknown mount with the same 403, so the endpoint cannot be used to probe for mounts.
  if (!mount || !acl.hasMountAccess(mount.mountPath)) return denied;
  return ok({
    type: mount.engine.type,
    description: '',
    accessor: `${mount.engine.type}_${clusterId.slice(0, 8)}`,
    local: false,
    seal_wrap: false,
    external_entropy_access: false,
    options: mount.engine.options,
    config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false },
    plugin_version: '',
    path: mount.mountPath,
  });
}

function mounts(core: VaultCore, req: EmuRequest, name: string): EmuResponse {
  const path = `${name.replace(/^\/|\/$/g, '')}/`;
  if (req.method === 'GET' && name === '') {
    const data: Record<string, unknown> = {};
    for (const [p, e] of core.mounts) data[p] = { type: e.type, options: e.options };
    return ok(data);
  }
  if (req.method === 'DELETE') {
    core.mounts.delete(path);
    return noContent;
  }
  if (req.method !== 'POST' && req.method !== 'PUT') return noHandler(req.path);
  if (core.mounts.has(path)) return errorResponse(400, `path is already in use at ${path}`);
  const type = req.body.type;
  const options = isRecord(req.body.options) ? req.body.options : {};
  if (type === 'kv-v2' || (type === 'kv' && options.version === '2')) core.enableKv(path, 2);
  else if (type === 'kv') core.enableKv(path, 1);
  else return errorResponse(400, `plugin not found in the catalog: ${String(type)}`);
  return noContent;
}

/** `sys/auth/<path>`: enables (POST `{type}`) or disables (DELETE) an AppRole or Kubernetes auth mount. */
function authMounts(core: VaultCore, req: EmuRequest, name: string): EmuResponse {
  const path = name.replace(/^\/|\/$/g, '');
  if (req.method === 'DELETE') {
    core.authMounts.delete(path);
    for (const key of core.appRoles.keys()) if (key.startsWith(`${path}/`)) core.appRoles.delete(key);
    return noContent;
  }
  if (req.method !== 'POST' && req.method !== 'PUT') return noHandler(req.path);
  if (core.authMounts.has(path)) return errorResponse(400, `path is already in use at ${path}/`);
  const type = req.body.type;
  if (type !== 'approle' && type !== 'kubernetes')
    return errorResponse(400, `unknown auth method type: ${String(type)}`);
  core.authMounts.set(path, type);
  return noContent;
}

function policies(core: VaultCore, req: EmuRequest, name: string): EmuResponse {
  const key = name.toLowerCase();
  if (req.method === 'GET') {
    const p = core.policies.get(key);
    return p ? ok({ name: key, policy: p.text }) : notFound;
  }
  if (key === 'root') return errorResponse(400, `cannot update "root" policy`);
  if (req.method === 'DELETE') {
    if (key === 'default') return errorResponse(400, 'cannot delete "default" policy');
    core.policies.delete(key);
    return noContent;
  }
  const text = req.body.policy ?? req.body.rules;
  if (typeof text !== 'string') return errorResponse(400, "'policy' parameter not supplied or empty");
  try {
    core.setPolicy(key, text);
  } catch (err) {
    if (err instanceof PolicyParseError) return errorResponse(400, `failed to parse policy: ${err.message}`);
    throw err;
  }
  return noContent;
}

function capabilitiesSelf(req: EmuRequest, acl: Acl): EmuResponse {
  const raw = req.body.paths ?? req.body.path;
  const paths = (Array.isArray(raw) ? raw : [raw]).filter((p): p is string => typeof p === 'string');
  if (paths.length === 0) return errorResponse(400, "'paths' parameter not supplied");
  const data: Record<string, string[]> = {};
  for (const p of paths) data[p] = acl.capabilitiesOn(p.replace(/^\//, ''));
  data.capabilities = [...new Set(paths.flatMap((p) => data[p] ?? []))].sort();
  // sys endpoints also repeat their data at the top level of the body.
  return { status: 200, body: { ...data, ...envelope({ data }) } };
}

export function handleSys(core: VaultCore, req: EmuRequest, acl: Acl | undefined): EmuResponse {
  const rest = req.path.slice('sys/'.length);
  if (rest === 'health') return health(core, req);
  if (rest === 'seal-status') return sealStatus(core);
  if (!acl) return noHandler(req.path);
  if (rest.startsWith('internal/ui/mounts/')) return uiMount(core, acl, rest.slice('internal/ui/mounts/'.length));
  if (rest === 'mounts' || rest.startsWith('mounts/')) return mounts(core, req, rest.slice('mounts'.length));
  if (rest.startsWith('policies/acl/')) return policies(core, req, rest.slice('policies/acl/'.length));
  if (rest.startsWith('policy/')) return policies(core, req, rest.slice('policy/'.length));
  if (rest === 'capabilities-self') return capabilitiesSelf(req, acl);
  if (rest.startsWith('auth/')) return authMounts(core, req, rest.slice('auth/'.length));
  return noHandler(req.path);
}
