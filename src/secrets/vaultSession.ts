import { readFileSync } from 'node:fs';
import vault from 'node-vault';
import type NodeVault from 'node-vault';
import type { Logger } from '../observability/logger.js';
import { traceHttp } from '../observability/tracing.js';
import { Misconfigured, PermissionDenied } from '../errors/index.js';
import type { VaultConfig } from './schema.js';
import { lookupSelfSchema } from './kvResponses.js';
import type { Authenticator } from './vaultAuth.js';
import { classifyVaultError, httpErrorOf, type VaultOp } from './vaultErrors.js';

export interface SessionOptions {
  /** Renew (or log in again) when this fraction of the token's TTL has passed. @defaultValue 2/3 */
  renewFraction?: number;
}

/** A raw answer the caller wants to inspect itself (a 404 is data, not an error, for reads). */
export interface VaultAnswer {
  status: 200 | 404;
  body: unknown;
}

/** The HTTP method node-vault sends for a capability (LIST is sent as `GET ?list=true`). */
const vaultMethods: Record<VaultOp['capability'], string> = {
  read: 'GET',
  list: 'GET',
  create: 'POST',
  update: 'POST',
  delete: 'DELETE',
};

/** The HTTP status a classified Vault error carries, if it had an answer. */
function statusOf(err: object): number | undefined {
  const status =
    (err as { status?: unknown; details?: { status?: unknown } }).details?.status ??
    (err as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

function makeClient(config: VaultConfig): NodeVault.client {
  const ca = config.caFile === undefined ? undefined : readCaFile(config.caFile);
  // strictSSL here overrides node-vault's reading of VAULT_SKIP_VERIFY: verification stays on.
  const requestOptions = { timeout: config.timeoutMs, strictSSL: true, ...(ca ? { ca } : {}) };
  const client = vault({
    apiVersion: 'v1',
    endpoint: config.address,
    // LIST cannot be sent by Node's HTTP client to every server; `GET ?list=true` is equivalent.
    noCustomHTTPVerbs: true,
    requestOptions,
  });
  // node-vault falls back to VAULT_TOKEN and VAULT_PREFIX from the environment: only the config counts here.
  client.token = '';
  (client as unknown as { pathPrefix: string }).pathPrefix = '';
  return client;
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new Misconfigured(`cannot read vault.caFile (${file})${typeof code === 'string' ? `: ${code}` : ''}`);
  }
}

/**
 * One authenticated connection to Vault: every request goes through `call`, which classifies failures,
 * and — when the auth method can log in again — answers a 403 by logging in once and retrying once,
 * because a token can expire or be revoked between two renewals. The token is renewed before it expires.
 */
export class VaultSession {
  readonly client: NodeVault.client;
  /** Holds no token: an expired token in the header must not taint a login request. */
  private readonly loginClient: NodeVault.client;
  /** Bumped at every login, so a request that failed with an older token just retries. */
  private generation = 0;
  private loginInFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The TTL the current token was issued with: a renewal granting less has reached the max TTL. */
  private issuedTtl = 0;
  private closed = false;
  private readonly renewFraction: number;

  constructor(
    private readonly config: VaultConfig,
    private readonly auth: Authenticator,
    private readonly logger: Logger,
    options: SessionOptions = {},
  ) {
    this.client = makeClient(config);
    this.loginClient = makeClient(config);
    this.renewFraction = options.renewFraction ?? 2 / 3;
  }

  /** Logs in (or checks the configured token) and schedules renewal. */
  async start(): Promise<void> {
    await this.login();
  }

  call(op: VaultOp, fn: (c: NodeVault.client) => Promise<unknown>, accept404 = false): Promise<VaultAnswer> {
    return traceHttp(
      () => ({
        system: 'vault',
        method: vaultMethods[op.capability],
        // The op's path, not the request's: no query string, and never a value.
        url: new URL(`/v1/${op.path.replace(/\?.*$/, '')}`, this.config.address),
        operation: op.action,
      }),
      () => this.untracedCall(op, fn, accept404),
      (answer) => answer.status,
      (err) => (err !== null && typeof err === 'object' ? statusOf(err) : undefined),
    );
  }

  private async untracedCall(
    op: VaultOp,
    fn: (c: NodeVault.client) => Promise<unknown>,
    accept404: boolean,
  ): Promise<VaultAnswer> {
    const generationUsed = this.generation;
    try {
      return { status: 200, body: await fn(this.client) };
    } catch (err) {
      const http = httpErrorOf(err);
      if (http?.status === 404 && accept404) return { status: 404, body: http.body };
      if (http?.status !== 403 || !this.auth.canLogin || this.closed) throw await this.explain(err, op);
      // Another request may be logging in, or have logged in, since this one started: then just retry.
      if (this.loginInFlight) await this.loginInFlight;
      else if (this.generation === generationUsed) {
        // A live token was refused by policy: a new login (and one more token in Vault) would not help.
        if ((await this.tokenState()) === 'valid') throw classifyVaultError(err, op, this.config.timeoutMs);
        await this.relogin(op);
      }
    }
    try {
      return { status: 200, body: await fn(this.client) };
    } catch (err) {
      const http = httpErrorOf(err);
      if (http?.status === 404 && accept404) return { status: 404, body: http.body };
      throw await this.explain(err, op);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A 403 means either a dead token or a missing grant: ask Vault which, so the message says the right fix. */
  private async explain(err: unknown, op: VaultOp): Promise<Error> {
    const classified = classifyVaultError(err, op, this.config.timeoutMs);
    if (httpErrorOf(err)?.status !== 403 || (await this.tokenState()) !== 'invalid') return classified;
    return new PermissionDenied(
      `Vault refused ${op.action} (${op.path}): the Vault token is invalid, expired or revoked`,
      { status: 403 },
    );
  }

  /** lookup-self is allowed to every live token (default policy), so a 403 there means the token is dead. */
  private async tokenState(): Promise<'valid' | 'invalid' | 'unknown'> {
    try {
      await this.client.tokenLookupSelf();
      return 'valid';
    } catch (err) {
      return httpErrorOf(err)?.status === 403 ? 'invalid' : 'unknown';
    }
  }

  private relogin(op: VaultOp): Promise<void> {
    this.logger.info({ path: op.path, method: this.auth.method }, 'vault: token refused, logging in again');
    return this.login();
  }

  private login(): Promise<void> {
    this.loginInFlight ??= this.doLogin().finally(() => {
      this.loginInFlight = undefined;
    });
    return this.loginInFlight;
  }

  private async doLogin(): Promise<void> {
    const { token, granted } = await this.auth.login(this.loginClient);
    this.client.token = token;
    this.generation += 1;
    if (granted) {
      this.logger.debug({ method: this.auth.method, ttl: granted.ttl }, 'vault: logged in');
      this.issuedTtl = granted.ttl;
      this.schedule(granted.ttl, granted.renewable);
      return;
    }
    const op: VaultOp = { action: 'look up the Vault token', path: 'auth/token/lookup-self', capability: 'read' };
    let raw: unknown;
    try {
      raw = await this.client.tokenLookupSelf();
    } catch (err) {
      if (httpErrorOf(err)?.status === 403) {
        throw new PermissionDenied(
          'Vault refused auth/token/lookup-self: the token is invalid or expired, or lacks the default policy',
          { status: 403 },
        );
      }
      throw classifyVaultError(err, op, this.config.timeoutMs);
    }
    const parsed = lookupSelfSchema.safeParse(raw);
    if (!parsed.success) throw new Misconfigured('Vault answered auth/token/lookup-self without a TTL');
    const { ttl, creation_ttl: creationTtl, renewable } = parsed.data.data;
    this.issuedTtl = creationTtl ?? ttl;
    this.schedule(ttl, renewable);
  }

  /** Plans the next renewal (or login) at `renewFraction` of the TTL; a token without TTL needs nothing. */
  private schedule(ttl: number, renewable: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || ttl <= 0) return;
    if (!renewable && !this.auth.canLogin) {
      this.logger.warn({ ttl }, 'vault: the configured token is not renewable and will expire');
      return;
    }
    // A renewal that grants less than the token was issued with has hit its max TTL: only a login goes further.
    const next = this.auth.canLogin && (!renewable || ttl < this.issuedTtl) ? 'login' : 'renew';
    this.later(next, ttl, Math.floor(ttl * 1000 * this.renewFraction));
  }

  private later(next: 'login' | 'renew', ttl: number, delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.refresh(next, ttl), Math.max(100, delayMs));
    this.timer.unref();
  }

  private async refresh(next: 'login' | 'renew', ttl: number): Promise<void> {
    if (this.closed) return;
    try {
      if (next === 'login') return await this.login();
      const raw: unknown = await this.client.tokenRenewSelf();
      const auth = (raw as { auth?: { lease_duration?: unknown; renewable?: unknown } } | undefined)?.auth;
      const leaseDuration = typeof auth?.lease_duration === 'number' ? auth.lease_duration : 0;
      this.logger.debug({ ttl: leaseDuration }, 'vault: token renewed');
      this.schedule(leaseDuration, auth?.renewable === true);
    } catch (err) {
      if (this.closed) return;
      const denied = httpErrorOf(err)?.status === 403;
      if (denied && !this.auth.canLogin) {
        this.logger.error('vault: the configured token is no longer valid; rotor can neither renew nor replace it');
        return;
      }
      const error = classifyVaultError(err, {
        action: next === 'login' ? 'log in again' : 'renew the Vault token',
        path: 'auth/token/renew-self',
        capability: 'update',
      });
      this.logger.warn({ err: error }, 'vault: token renewal failed, trying again soon');
      // Soon, but not in a tight loop: meanwhile requests that meet a dead token log in on their own.
      this.later(denied ? 'login' : next, ttl, Math.floor((ttl * 1000 * (1 - this.renewFraction)) / 2));
    }
  }
}
