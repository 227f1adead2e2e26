import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { VaultCore, type Counters } from './vault/core.js';
import { errorResponse, isRecord, type EmuRequest, type EmuResponse } from './vault/http.js';
import { newRoleId } from './vault/tokens.js';

/**
 * A Vault server in-process, for the demo, the simulator, the tests and the benchmarks: KV v1/v2 mounts,
 * token/AppRole/Kubernetes auth with TTLs, ACL policies in HCL, a sealed switch — with the status codes
 * and bodies real Vault uses, so the code that talks to it is the code that talks to Vault.
 */
export interface VaultEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** @defaultValue a random `hvs.` token */
  rootToken?: string;
  /** KV mounts to create; @defaultValue `{ secret: 2 }` (what `vault server -dev` has). */
  mounts?: Record<string, 1 | 2>;
  /** Clock, for tests that move time. */
  now?: () => number;
  /** Serve HTTPS with this PEM key and certificate (to exercise `vault.caFile`). */
  tls?: { key: string; cert: string };
}

export interface EmulatorTokenSpec {
  policies?: string[];
  /** Seconds; omitted = 768h. */
  ttl?: number;
  explicitMaxTtl?: number;
  renewable?: boolean;
  noDefaultPolicy?: boolean;
}

export interface VaultEmulator {
  url: string;
  rootToken: string;
  close(): Promise<void>;
  /** Every request except `sys/health` and `sys/seal-status` answers 503 `Vault is sealed`. */
  seal(): void;
  unseal(): void;
  /** Requests whose `METHOD path` (e.g. `GET secret/data/x`) matches are accepted and never answered. */
  hang(pattern: RegExp | null): void;
  /** Adds or replaces an ACL policy written in HCL (`path "..." { capabilities = [...] }`). */
  setPolicy(name: string, hcl: string): void;
  createToken(spec?: EmulatorTokenSpec): string;
  revokeToken(token: string): void;
  /** Revokes every token but the root token (as after a storage restore, or an operator's mass revocation). */
  revokeAllTokens(): void;
  /** Remaining TTL in whole seconds, truncated as Vault does (0 = never expires), or undefined when the token is not valid. */
  tokenTtl(token: string): number | undefined;
  enableKv(path: string, version: 1 | 2): void;
  disableMount(path: string): void;
  /** Registers an AppRole at `auth/approle`; returns its role_id and a new secret_id. */
  addAppRole(
    name: string,
    spec: { policies: string[]; tokenTtl?: number; tokenMaxTtl?: number },
  ): { roleId: string; secretId: string };
  /** Registers a Kubernetes auth role that accepts the given service-account JWTs. */
  addKubernetesRole(
    name: string,
    spec: { jwts: string[]; policies: string[]; tokenTtl?: number; tokenMaxTtl?: number },
  ): void;
  /** Writes a KV v2 secret as root (seeding for the demo and tests); returns the new version. */
  kvPut(mount: string, path: string, data: Record<string, unknown>): number;
  readonly counters: Readonly<Counters>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | 'invalid'> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : 'invalid';
  } catch {
    return 'invalid';
  }
}

function send(res: ServerResponse, answer: EmuResponse): void {
  res.setHeader('Cache-Control', 'no-store');
  if (answer.status === 204 || answer.body === undefined) {
    res.writeHead(answer.status).end();
    return;
  }
  const json = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-vault-token'];
  if (typeof header === 'string' && header.length > 0) return header;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
}

export async function startVaultEmulator(opts: VaultEmulatorOptions = {}): Promise<VaultEmulator> {
  const rootToken = opts.rootToken ?? `hvs.${randomBytes(18).toString('base64url').slice(0, 24)}`;
  const core = new VaultCore(opts.now ?? Date.now, rootToken);
  const mounts: Record<string, 1 | 2> = opts.mounts ?? { secret: 2 };
  for (const [path, version] of Object.entries(mounts)) core.enableKv(path, version);
  let hangPattern: RegExp | null = null;
  const held = new Set<ServerResponse>();

  const handler: RequestListener = (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const body = await readBody(req);
      if (!url.pathname.startsWith('/v1/')) return send(res, errorResponse(404));
      const path = decodeURIComponent(url.pathname.slice('/v1/'.length)).replace(/^\/+|\/+$/g, '');
      const listing = req.method === 'GET' && ['true', '1'].includes(url.searchParams.get('list') ?? '');
      const method = listing ? 'LIST' : (req.method ?? 'GET');
      if (hangPattern?.test(`${method} ${path}`)) {
        held.add(res);
        return;
      }
      if (body === 'invalid') return send(res, errorResponse(400, 'failed to parse JSON input'));
      const emuReq: EmuRequest = { method, path, query: url.searchParams, body, token: tokenOf(req) };
      send(res, core.handle(emuReq));
    })().catch(() => {
      if (!res.headersSent) send(res, errorResponse(500, 'internal error'));
    });
  };
  const server = opts.tls ? createTlsServer(opts.tls, handler) : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `${opts.tls ? 'https' : 'http'}://${host}:${address.port}`,
    rootToken,
    counters: core.counters,
    async close() {
      for (const res of held) res.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    seal: () => void (core.sealed = true),
    unseal: () => void (core.sealed = false),
    hang(pattern) {
      hangPattern = pattern;
    },
    setPolicy: (name, hcl) => core.setPolicy(name, hcl),
    createToken(spec = {}) {
      const policies = spec.policies ?? [];
      return core.tokens.create({
        policies: spec.noDefaultPolicy ? policies : ['default', ...policies],
        ttl: spec.ttl,
        explicitMaxTtl: spec.explicitMaxTtl,
        renewable: spec.renewable,
      }).id;
    },
    revokeToken: (token) => core.tokens.revoke(token),
    revokeAllTokens: () => core.tokens.revokeAllExcept(rootToken),
    tokenTtl(token) {
      const entry = core.tokens.lookup(token);
      return entry ? core.tokens.ttlSeconds(entry) : undefined;
    },
    enableKv: (path, version) => void core.enableKv(path, version),
    disableMount: (path) => void core.mounts.delete(`${path.replace(/^\/|\/$/g, '')}/`),
    addAppRole(name, spec) {
      const secretId = randomBytes(18).toString('hex');
      const existing = core.appRoles.get(`approle/${name}`);
      const roleId = existing?.roleId ?? newRoleId();
      const secretIds = existing?.secretIds ?? new Set<string>();
      secretIds.add(secretId);
      core.appRoles.set(`approle/${name}`, { roleId, secretIds, ...spec });
      return { roleId, secretId };
    },
    addKubernetesRole(name, spec) {
      core.kubernetesRoles.set(name, { ...spec, jwts: new Set(spec.jwts) });
    },
    kvPut(mount, path, data) {
      const answer = core.handle({
        method: 'POST',
        path: `${mount}/data/${path}`,
        query: new URLSearchParams(),
        body: { data },
        token: rootToken,
      });
      const version = (answer.body as { data?: { version?: unknown } } | undefined)?.data?.version;
      if (answer.status !== 200 || typeof version !== 'number') throw new Error(`kvPut ${mount}/${path} failed`);
      return version;
    },
  };
}
