import { randomUUID } from 'node:crypto';
import type { VaultCore } from './core.js';
import {
  envelope,
  errorResponse,
  noContent,
  noHandler,
  notFound,
  ok,
  parseDurationSeconds,
  permissionDenied,
} from './http.js';
import type { EmuRequest, EmuResponse } from './http.js';
import type { Acl } from './policy.js';
import { newRoleId, type TokenEntry } from './tokens.js';

function loginResponse(core: VaultCore, entry: TokenEntry): EmuResponse {
  core.counters.logins += 1;
  return { status: 200, body: envelope({ auth: core.tokens.authBlock(entry) }) };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** `auth/<mount>/login` for AppRole and Kubernetes: unauthenticated, answers with a new token. */
export function handleLogin(core: VaultCore, req: EmuRequest, mount: string): EmuResponse {
  if (req.method !== 'POST' && req.method !== 'PUT') return noHandler(req.path);
  const kind = core.authMounts.get(mount);
  if (kind === 'approle') {
    const roleId = str(req.body.role_id);
    if (!roleId) return errorResponse(400, 'missing role_id');
    const secretId = str(req.body.secret_id);
    const found = [...core.appRoles.entries()].find(([k, r]) => k.startsWith(`${mount}/`) && r.roleId === roleId);
    if (!found || !secretId || !found[1].secretIds.has(secretId)) {
      return errorResponse(400, 'invalid role or secret ID');
    }
    const [key, role] = found;
    const name = key.slice(mount.length + 1);
    const entry = core.tokens.create({
      policies: ['default', ...role.policies],
      ttl: role.tokenTtl,
      maxTtl: role.tokenMaxTtl,
      path: `auth/${mount}/login`,
      displayName: `approle`,
      meta: { role_name: name },
      orphan: true,
    });
    return loginResponse(core, entry);
  }
  const roleName = str(req.body.role);
  if (!roleName) return errorResponse(400, 'missing role');
  const jwt = str(req.body.jwt);
  if (!jwt) return errorResponse(400, 'missing jwt');
  const role = core.kubernetesRoles.get(roleName);
  if (!role) return errorResponse(400, `invalid role name "${roleName}"`);
  if (!role.jwts.has(jwt)) return permissionDenied;
  const entry = core.tokens.create({
    policies: ['default', ...role.policies],
    ttl: role.tokenTtl,
    maxTtl: role.tokenMaxTtl,
    path: `auth/${mount}/login`,
    displayName: `${mount}-${roleName}`,
    meta: { role: roleName },
    orphan: true,
  });
  return loginResponse(core, entry);
}

function stringList(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(',').map((s) => s.trim());
  return undefined;
}

/** `auth/token/*`: lookup-self, renew-self, revoke-self, create, lookup, revoke. */
export function handleTokenPath(core: VaultCore, req: EmuRequest, self: TokenEntry, acl: Acl): EmuResponse {
  const op = req.path.slice('auth/token/'.length);
  switch (op) {
    case 'lookup-self':
      return ok(core.tokens.lookupData(self));
    case 'renew-self': {
      if (!self.renewable) return errorResponse(400, 'lease is not renewable');
      const increment = parseDurationSeconds(req.body.increment);
      const { leaseDuration, warnings } = core.tokens.renew(self, increment);
      core.counters.renewals += 1;
      return {
        status: 200,
        body: envelope({
          auth: core.tokens.authBlock(self, leaseDuration),
          warnings: warnings.length ? warnings : undefined,
        }),
      };
    }
    case 'revoke-self':
      core.tokens.revoke(self.id);
      return noContent;
    case 'create':
    case 'create-orphan': {
      const asked = stringList(req.body.policies) ?? self.policies.filter((p) => p !== 'default');
      if (!acl.root && asked.some((p) => !self.policies.includes(p))) {
        return errorResponse(400, 'child policies must be subset of parent');
      }
      const noDefault = req.body.no_default_policy === true;
      const policies = noDefault || asked.includes('root') ? asked : ['default', ...asked];
      const entry = core.tokens.create({
        id: typeof req.body.id === 'string' && acl.root ? req.body.id : undefined,
        policies,
        ttl: parseDurationSeconds(req.body.period) ?? parseDurationSeconds(req.body.ttl),
        periodic: parseDurationSeconds(req.body.period) !== undefined,
        explicitMaxTtl: parseDurationSeconds(req.body.explicit_max_ttl),
        renewable: typeof req.body.renewable === 'boolean' ? req.body.renewable : undefined,
        displayName: typeof req.body.display_name === 'string' ? `token-${req.body.display_name}` : 'token',
        orphan: op === 'create-orphan' || req.body.no_parent === true,
      });
      return { status: 200, body: envelope({ auth: core.tokens.authBlock(entry) }) };
    }
    case 'lookup': {
      const other = core.tokens.lookup(str(req.body.token));
      return other ? ok(core.tokens.lookupData(other)) : errorResponse(403, 'bad token');
    }
    case 'revoke': {
      const token = str(req.body.token);
      if (token) core.tokens.revoke(token);
      return noContent;
    }
    default:
      return noHandler(req.path);
  }
}

/** AppRole administration (`auth/<mount>/role/<name>`, `/role-id`, `/secret-id`), as an operator sets it up. */
export function handleAppRoleAdmin(core: VaultCore, req: EmuRequest, mount: string, rest: string): EmuResponse {
  const m = /^role\/([^/]+)(?:\/(role-id|secret-id))?$/.exec(rest);
  if (!m?.[1]) return noHandler(req.path);
  const key = `${mount}/${m[1]}`;
  const role = core.appRoles.get(key);
  if (m[2] === undefined) {
    if (req.method === 'DELETE') {
      core.appRoles.delete(key);
      return noContent;
    }
    if (req.method !== 'POST' && req.method !== 'PUT') return role ? ok({ token_policies: role.policies }) : notFound;
    core.appRoles.set(key, {
      roleId: role?.roleId ?? newRoleId(),
      secretIds: role?.secretIds ?? new Set(),
      policies: stringList(req.body.token_policies ?? req.body.policies) ?? role?.policies ?? [],
      tokenTtl: parseDurationSeconds(req.body.token_ttl) ?? role?.tokenTtl,
      tokenMaxTtl: parseDurationSeconds(req.body.token_max_ttl) ?? role?.tokenMaxTtl,
    });
    return noContent;
  }
  if (!role) return errorResponse(400, `role "${m[1]}" does not exist`);
  if (m[2] === 'role-id') return ok({ role_id: role.roleId });
  if (req.method !== 'POST' && req.method !== 'PUT') return noHandler(req.path);
  const secretId = randomUUID();
  role.secretIds.add(secretId);
  return ok({ secret_id: secretId, secret_id_accessor: randomUUID(), secret_id_ttl: 0, secret_id_num_uses: 0 });
}
