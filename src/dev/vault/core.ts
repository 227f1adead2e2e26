import type { EmuRequest, EmuResponse } from './http.js';
import { errorResponse, invalidToken, noHandler, permissionDenied, sealedResponse } from './http.js';
import { KvV1Engine } from './kv1.js';
import type { SecretsEngine } from './engine.js';
import { KvV2Engine } from './kv2.js';
import { Acl, defaultPolicyHcl, parsePolicy, type Capability, type PathRule } from './policy.js';
import { TokenStore, type AppRole, type KubernetesRole, type TokenEntry } from './tokens.js';
import { handleAppRoleAdmin, handleLogin, handleTokenPath } from './authRoutes.js';
import { handleSys } from './sysRoutes.js';

export interface Counters {
  requests: number;
  logins: number;
  renewals: number;
}

/**
 * Vault's request pipeline, without HTTP: sealed check, unauthenticated paths, token check, ACL check
 * (create vs update decided by the engine's existence check), then the mount's engine.
 */
export class VaultCore {
  sealed = false;
  readonly tokens: TokenStore;
  readonly policies = new Map<string, { text: string; rules: PathRule[] }>();
  readonly mounts = new Map<string, SecretsEngine>();
  /** Auth mounts by path (without `auth/`): their kind. */
  readonly authMounts = new Map<string, 'approle' | 'kubernetes'>([
    ['approle', 'approle'],
    ['kubernetes', 'kubernetes'],
  ]);
  /** AppRoles keyed by `<auth mount>/<role name>`. */
  readonly appRoles = new Map<string, AppRole>();
  readonly kubernetesRoles = new Map<string, KubernetesRole>();
  readonly counters: Counters = { requests: 0, logins: 0, renewals: 0 };

  constructor(
    readonly now: () => number,
    rootToken: string,
  ) {
    this.tokens = new TokenStore(now);
    this.tokens.create({ id: rootToken, policies: ['root'], displayName: 'root', path: 'auth/token/root' });
    this.setPolicy('default', defaultPolicyHcl);
  }

  setPolicy(name: string, hcl: string): void {
    this.policies.set(name.toLowerCase(), { text: hcl, rules: parsePolicy(hcl) });
  }

  enableKv(path: string, version: 1 | 2): SecretsEngine {
    const engine = version === 2 ? new KvV2Engine(this.now) : new KvV1Engine();
    this.mounts.set(`${path.replace(/^\/|\/$/g, '')}/`, engine);
    return engine;
  }

  aclFor(entry: TokenEntry): Acl {
    const rules = entry.policies.map((p) => this.policies.get(p)?.rules ?? []);
    return new Acl(rules, entry.policies.includes('root'));
  }

  /** The mount serving a path: the longest mount path that prefixes it. */
  matchMount(path: string): { mountPath: string; engine: SecretsEngine } | undefined {
    let best: string | undefined;
    for (const mountPath of this.mounts.keys()) {
      if ((`${path}/`.startsWith(mountPath) || path.startsWith(mountPath)) && mountPath.length > (best?.length ?? 0)) {
        best = mountPath;
      }
    }
    return best === undefined ? undefined : { mountPath: best, engine: this.mounts.get(best) as SecretsEngine };
  }

  handle(req: EmuRequest): EmuResponse {
    this.counters.requests += 1;
    if (req.path === 'sys/health' || req.path === 'sys/seal-status') return handleSys(this, req, undefined);
    if (this.sealed) return sealedResponse;
    const login = /^auth\/(.+)\/login$/.exec(req.path);
    if (login && this.authMounts.has(login[1] ?? '')) return handleLogin(this, req, login[1] ?? '');

    const entry = this.tokens.lookup(req.token);
    if (!entry) return invalidToken;
    const acl = this.aclFor(entry);
    if (req.path.startsWith('sys/internal/ui/mounts/')) return handleSys(this, req, acl);

    const mount = this.matchMount(req.path);
    const subPath = mount ? `${req.path}/`.slice(mount.mountPath.length).replace(/\/$/, '') : '';
    const capability: Capability = mount ? mount.engine.capabilityFor(req, subPath) : plainCapability(req.method);
    // LIST requests are checked against the path with a trailing slash, as Vault's HTTP layer does.
    const aclPath = req.method === 'LIST' && !req.path.endsWith('/') ? `${req.path}/` : req.path;
    if (!acl.allows(aclPath, capability)) return permissionDenied;

    if (mount) return mount.engine.handle(req, subPath);
    if (req.path.startsWith('auth/token/')) return handleTokenPath(this, req, entry, acl);
    const authAdmin = /^auth\/([^/]+)\/(role\/.+)$/.exec(req.path);
    if (authAdmin?.[1] && this.authMounts.get(authAdmin[1]) === 'approle') {
      return handleAppRoleAdmin(this, req, authAdmin[1], authAdmin[2] ?? '');
    }
    if (req.path.startsWith('sys/')) return handleSys(this, req, acl);
    return noHandler(req.path);
  }
}

function plainCapability(method: string): Capability {
  if (method === 'GET') return 'read';
  if (method === 'LIST') return 'list';
  if (method === 'DELETE') return 'delete';
  return 'update';
}

export function badRequest(message: string): EmuResponse {
  return errorResponse(400, message);
}
