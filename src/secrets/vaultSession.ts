import { readFileSync } from 'node:fs';
import vault from 'node-vault';
import type NodeVault from 'node-vault';
import type { Logger } from '../observability/logger.js';
import { Misconfigured, PermissionDenied } from '../rotation/errors.js';
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
  private loginInFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastTtl = 0;
  private closed = false;
  private readonly renewFraction: number;

  constructor(
    private readonly config: VaultConfig,
    private readonly auth: Authenticator,
    private readonly logger: Logger,
    options: SessionOptions = {},
  ) {
    this.client = makeClient(config);
    this.renewFraction = options.renewFraction ?? 2 / 3;
  }

  /** Logs in (or checks the configured token) and schedules renewal. */
  async start(): Promise<void> {
    await this.login();
  }

  async call(op: VaultOp, fn: (c: NodeVault.client) => Promise<unknown>, accept404 = false): Promise<VaultAnswer> {
    const tokenUsed = this.client.token;
    try {
      return { status: 200, body: await fn(this.client) };
    } catch (err) {
      const http = httpErrorOf(err);
      if (http?.status === 404 && accept404) return { status: 404, body: http.body };
      if (http?.status !== 403 || !this.auth.canLogin || this.closed) throw await this.explain(err, op);
      // Another request may already have logged in again since this one started.
      if (this.client.token === tokenUsed) await this.relogin(op);
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
    if (httpErrorOf(err)?.status !== 403 || op.path === 'auth/token/lookup-self') return classified;
    try {
      await this.client.tokenLookupSelf();
      return classified;
    } catch (lookupErr) {
      if (httpErrorOf(lookupErr)?.status !== 403) return classified;
      return new PermissionDenied(
        `Vault refused ${op.action} (${op.path}): the Vault token is invalid, expired or revoked`,
        { status: 403 },
      );
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
    const granted = await this.auth.login(this.client);
    if (granted) {
      this.logger.debug({ method: this.auth.method, ttl: granted.ttl }, 'vault: logged in');
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
    this.schedule(parsed.data.data.ttl, parsed.data.data.renewable);
  }

  /** Plans the next renewal (or login) at `renewFraction` of the TTL; a token without TTL needs nothing. */
  private schedule(ttl: number, renewable: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || ttl <= 0) return;
    // A renewal that grants less than before has hit the token's max TTL: only a new login goes further.
    const capped = ttl < this.lastTtl;
    this.lastTtl = ttl;
    const useLogin = this.auth.canLogin && (!renewable || capped);
    if (!renewable && !this.auth.canLogin) {
      this.logger.warn({ ttl }, 'vault: the configured token is not renewable and will expire');
      return;
    }
    const delay = Math.max(100, Math.floor(ttl * 1000 * this.renewFraction));
    this.timer = setTimeout(() => void this.refresh(useLogin, ttl), delay);
    this.timer.unref();
  }

  private async refresh(useLogin: boolean, ttl: number): Promise<void> {
    if (this.closed) return;
    try {
      if (useLogin) {
        this.lastTtl = 0;
        await this.login();
        return;
      }
      const raw: unknown = await this.client.tokenRenewSelf();
      const auth = (raw as { auth?: { lease_duration?: unknown; renewable?: unknown } } | undefined)?.auth;
      const leaseDuration = typeof auth?.lease_duration === 'number' ? auth.lease_duration : 0;
      this.logger.debug({ ttl: leaseDuration }, 'vault: token renewed');
      this.schedule(leaseDuration, auth?.renewable === true);
    } catch (err) {
      if (this.closed) return;
      const status = httpErrorOf(err)?.status;
      if (status === 403 && this.auth.canLogin) {
        this.lastTtl = 0;
        await this.login().catch((loginErr: unknown) => this.retryLater(loginErr, ttl));
        return;
      }
      this.retryLater(err, ttl);
    }
  }

  /** A failed renewal is tried again soon; requests meanwhile re-login on 403 if they can. */
  private retryLater(err: unknown, ttl: number): void {
    const error = classifyVaultError(err, {
      action: 'renew the Vault token',
      path: 'auth/token/renew-self',
      capability: 'update',
    });
    this.logger.warn({ err: error }, 'vault: token renewal failed');
    if (this.closed) return;
    const delay = Math.max(100, Math.floor((ttl * 1000 * (1 - this.renewFraction)) / 2));
    this.timer = setTimeout(() => void this.refresh(this.auth.canLogin, ttl), delay);
    this.timer.unref();
  }
}
