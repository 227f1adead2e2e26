import { randomBytes, randomUUID } from 'node:crypto';

/** Vault caps every token at the system max TTL (32 days) unless a shorter max applies. */
const systemMaxTtlSeconds = 32 * 24 * 3600;

export interface TokenEntry {
  id: string;
  accessor: string;
  policies: string[];
  displayName: string;
  /** The auth path that issued it, e.g. `auth/token/create`, `auth/approle/login`. */
  path: string;
  meta: Record<string, string> | null;
  issuedAt: number;
  /** The TTL the token was created with (seconds, 0 = never expires: root tokens). */
  creationTtl: number;
  expiresAt: number | null;
  /** Hard end no renewal can pass (explicit max TTL, role max TTL or the system max). */
  maxExpiresAt: number | null;
  renewable: boolean;
  orphan: boolean;
  explicitMaxTtl: number;
}

export interface NewToken {
  id?: string;
  policies: string[];
  ttl?: number;
  maxTtl?: number;
  explicitMaxTtl?: number;
  renewable?: boolean;
  displayName?: string;
  path?: string;
  meta?: Record<string, string> | null;
  orphan?: boolean;
  /** A periodic token: every renewal grants `ttl` again, with no max TTL. */
  periodic?: boolean;
}

/** Service tokens look like Vault >= 1.10's: `hvs.` and 24 base62-ish characters. */
function newTokenId(): string {
  return `hvs.${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x').slice(0, 24)}`;
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenEntry>();
  /** Default TTL for tokens created without one (Vault's is 768h). */
  defaultTtl = 768 * 3600;

  constructor(private readonly now: () => number) {}

  create(spec: NewToken): TokenEntry {
    const root = spec.policies.includes('root');
    const now = this.now();
    const ttl = root && spec.ttl === undefined ? 0 : (spec.ttl ?? this.defaultTtl);
    const systemMax = root || spec.periodic ? undefined : systemMaxTtlSeconds;
    const caps = [spec.explicitMaxTtl, spec.maxTtl, systemMax].filter((v): v is number => v !== undefined && v > 0);
    const maxTtl = caps.length ? Math.min(...caps) : 0;
    const effectiveTtl = ttl > 0 && maxTtl > 0 ? Math.min(ttl, maxTtl) : ttl;
    const entry: TokenEntry = {
      id: spec.id ?? newTokenId(),
      accessor: randomBytes(18).toString('base64url').slice(0, 24),
      policies: [...new Set(spec.policies)].sort(),
      displayName: spec.displayName ?? 'token',
      path: spec.path ?? 'auth/token/create',
      meta: spec.meta ?? null,
      issuedAt: now,
      creationTtl: effectiveTtl,
      expiresAt: effectiveTtl > 0 ? now + effectiveTtl * 1000 : null,
      maxExpiresAt: maxTtl > 0 ? now + maxTtl * 1000 : null,
      renewable: spec.renewable ?? !root,
      orphan: spec.orphan ?? false,
      explicitMaxTtl: spec.explicitMaxTtl ?? 0,
    };
    this.tokens.set(entry.id, entry);
    return entry;
  }

  /** A live token, or undefined when unknown, revoked or expired (expired ones are dropped, as Vault does). */
  lookup(id: string | undefined): TokenEntry | undefined {
    if (!id) return undefined;
    const entry = this.tokens.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.tokens.delete(id);
      return undefined;
    }
    return entry;
  }

  revoke(id: string): void {
    this.tokens.delete(id);
  }

  revokeAllExcept(keep: string): void {
    for (const id of [...this.tokens.keys()]) if (id !== keep) this.tokens.delete(id);
  }

  ttlSeconds(entry: TokenEntry): number {
    return entry.expiresAt === null ? 0 : Math.max(0, Math.floor((entry.expiresAt - this.now()) / 1000));
  }

  /** Extends the TTL to `increment` (or the creation TTL) from now, capped by the token's max. */
  renew(entry: TokenEntry, increment: number | undefined): { leaseDuration: number; warnings: string[] } {
    const now = this.now();
    const wanted = increment && increment > 0 ? increment : entry.creationTtl;
    let expiresAt = now + wanted * 1000;
    const warnings: string[] = [];
    if (entry.maxExpiresAt !== null && expiresAt > entry.maxExpiresAt) {
      expiresAt = entry.maxExpiresAt;
      warnings.push(
        `TTL of "${wanted}s" exceeded the effective max_ttl of "${Math.floor((expiresAt - now) / 1000)}s"; ` +
          'TTL value is capped accordingly',
      );
    }
    entry.expiresAt = expiresAt;
    return { leaseDuration: Math.max(0, Math.floor((expiresAt - now) / 1000)), warnings };
  }

  /** The `auth` block of a login, create or renew response: a new token reports the TTL it was issued with. */
  authBlock(entry: TokenEntry, leaseDuration = entry.creationTtl) {
    return {
      client_token: entry.id,
      accessor: entry.accessor,
      policies: entry.policies,
      token_policies: entry.policies,
      metadata: entry.meta,
      lease_duration: leaseDuration,
      renewable: entry.renewable,
      entity_id: '',
      token_type: 'service',
      orphan: entry.orphan,
      mfa_requirement: null,
      num_uses: 0,
    };
  }

  /** The `data` of `auth/token/lookup-self`. */
  lookupData(entry: TokenEntry) {
    return {
      accessor: entry.accessor,
      creation_time: Math.floor(entry.issuedAt / 1000),
      creation_ttl: entry.creationTtl,
      display_name: entry.displayName,
      entity_id: '',
      expire_time: entry.expiresAt === null ? null : new Date(entry.expiresAt).toISOString(),
      explicit_max_ttl: entry.explicitMaxTtl,
      id: entry.id,
      issue_time: new Date(entry.issuedAt).toISOString(),
      meta: entry.meta,
      num_uses: 0,
      orphan: entry.orphan,
      path: entry.path,
      policies: entry.policies,
      renewable: entry.renewable,
      ttl: this.ttlSeconds(entry),
      type: 'service',
    };
  }
}

export interface AppRole {
  roleId: string;
  secretIds: Set<string>;
  policies: string[];
  tokenTtl?: number;
  tokenMaxTtl?: number;
}

export interface KubernetesRole {
  /** Service-account JWTs this role accepts (the emulator does not call a TokenReview API). */
  jwts: Set<string>;
  policies: string[];
  tokenTtl?: number;
  tokenMaxTtl?: number;
}

export function newRoleId(): string {
  return randomUUID();
}
