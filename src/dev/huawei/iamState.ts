import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { SimClock } from './clock.js';

/** IAM's `password_policy` object, with the documented defaults of a new account. */
export interface IamPasswordPolicy {
  minimum_password_length: number;
  maximum_password_length: number;
  password_char_combination: number;
  maximum_consecutive_identical_chars: number;
  number_of_recent_passwords_disallowed: number;
  /** Minutes between two changes. */
  minimum_password_age: number;
  password_validity_period: number;
  password_not_username_or_invert: boolean;
  password_requirements: string;
}

export interface IamLoginPolicy {
  /** Failed logins within `period` minutes that lock the user. */
  login_failed_times: number;
  period: number;
  /** Minutes the user stays locked. */
  lockout_duration: number;
}

export interface IamDomain {
  id: string;
  name: string;
  passwordPolicy: IamPasswordPolicy;
  loginPolicy: IamLoginPolicy;
}

export interface IamUser {
  userId: string;
  userName: string;
  domainId: string;
  password: string;
  /** Earlier passwords, newest first. */
  history: string[];
  email?: string;
  mobile?: string;
  /** In the account's `admin` group: holds every IAM action. */
  admin: boolean;
  /** IAM actions granted through the user's groups, e.g. `iam:securitypolicies:getPasswordPolicy`. */
  permissions: Set<string>;
  lastChangeAt?: number;
  failedLogins: number[];
  lockedUntil?: number;
}

/** A permanent access key (AK/SK) of a user: `GET /v3.0/OS-CREDENTIAL/credentials/{access_key}`. */
export interface IamAccessKey {
  sk: string;
  userId: string;
  status: 'active' | 'inactive';
  description: string;
  createdAt: number;
  /** When a request signed with the key was last accepted; undefined = never (the API then reports create_time). */
  lastUsedAt?: number;
}

/** The documented limit: a user holds at most 2 permanent access keys (`400 akSkNumExceed` beyond). */
export const accessKeyLimit = 2;

export interface IamToken {
  userId: string;
  issuedAt: number;
  expiresAt: number;
  projectId?: string;
}

export interface SeedIamUser {
  userId?: string;
  userName: string;
  domainName: string;
  password: string;
  email?: string;
  mobile?: string;
  /**
   * In the account's `admin` group: holds every IAM action, so it may read the security policies and
   * reset other users' passwords (`PUT /v3.0/OS-USER/users/{id}`). rotor's reconcile admin is one.
   */
  admin?: boolean;
  /** IAM actions granted to an ordinary user, e.g. `iam:securitypolicies:getPasswordPolicy`. */
  permissions?: string[];
}

export const defaultPasswordPolicy: IamPasswordPolicy = {
  minimum_password_length: 8,
  maximum_password_length: 32,
  password_char_combination: 2,
  maximum_consecutive_identical_chars: 0,
  number_of_recent_passwords_disallowed: 1,
  minimum_password_age: 0,
  password_validity_period: 0,
  password_not_username_or_invert: true,
  password_requirements: '',
};

/** Tokens live 24 hours. */
export const iamTokenTtlMs = 24 * 3600_000;

/** Per-account IAM state: domains, users, tokens, access keys and projects. */
export class IamState {
  readonly domains = new Map<string, IamDomain>();
  readonly users = new Map<string, IamUser>();
  readonly tokens = new Map<string, IamToken>();
  readonly accessKeys = new Map<string, IamAccessKey>();
  readonly projects = new Map<string, { domainId: string; name: string }>();
  /**
   * Users by domain id and name, and tokens by user: a login or a password change costs one lookup
   * however many users and tokens the simulator holds, as the service it stands in for does.
   */
  private readonly usersByName = new Map<string, IamUser>();
  private readonly tokensByUser = new Map<string, Set<string>>();

  constructor(private readonly clock: SimClock) {}

  domain(name: string): IamDomain {
    let d = this.domains.get(name);
    if (!d) {
      d = {
        id: randomUUID().replace(/-/g, ''),
        name,
        passwordPolicy: { ...defaultPasswordPolicy },
        loginPolicy: { login_failed_times: 5, period: 15, lockout_duration: 15 },
      };
      this.domains.set(name, d);
    }
    return d;
  }

  domainById(id: string): IamDomain | undefined {
    return [...this.domains.values()].find((d) => d.id === id);
  }

  seedUser(seed: SeedIamUser): IamUser {
    const d = this.domain(seed.domainName);
    const user: IamUser = {
      userId: seed.userId ?? randomUUID().replace(/-/g, ''),
      userName: seed.userName,
      domainId: d.id,
      password: seed.password,
      history: [],
      email: seed.email,
      mobile: seed.mobile,
      admin: seed.admin ?? false,
      permissions: new Set(seed.permissions ?? []),
      failedLogins: [],
    };
    const replaced = this.users.get(user.userId);
    this.users.set(user.userId, user);
    if (replaced) this.unindexName(replaced);
    // The first user seeded with a name keeps it, as a scan in seeding order would find.
    const key = nameKey(d.id, user.userName);
    if (!this.usersByName.has(key)) this.usersByName.set(key, user);
    this.clock.secrets.add(seed.password);
    return user;
  }

  /** Drops a replaced user's name, handing it to the next user seeded with it, if any. */
  private unindexName(user: IamUser): void {
    const key = nameKey(user.domainId, user.userName);
    if (this.usersByName.get(key) !== user) return;
    this.usersByName.delete(key);
    for (const u of this.users.values()) {
      if (u.domainId === user.domainId && u.userName === user.userName) {
        this.usersByName.set(key, u);
        return;
      }
    }
  }

  /** Whether the user may perform an IAM action. */
  can(user: IamUser, action: string): boolean {
    return user.admin || user.permissions.has(action);
  }

  findUser(domain: IamDomain, name: string): IamUser | undefined {
    return this.usersByName.get(nameKey(domain.id, name));
  }

  seedAccessKey(ak: string, sk: string, userId: string, status: IamAccessKey['status'] = 'active'): void {
    this.accessKeys.set(ak, { sk, userId, status, description: '', createdAt: this.clock.now() });
    this.clock.secrets.add(sk);
  }

  /** The user's access keys, oldest first. */
  accessKeysOf(userId: string): [string, IamAccessKey][] {
    return [...this.accessKeys].filter(([, k]) => k.userId === userId).sort((a, b) => a[1].createdAt - b[1].createdAt);
  }

  /**
   * Issues a new key: 20 upper-case letters and digits as IAM's AKs look, a 40-character SK. The SK is
   * answered once, in the create reply; no read API returns it again.
   */
  issueAccessKey(userId: string, description: string): [string, IamAccessKey] {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    let ak = '';
    for (let i = 0; i < 20; i++) ak += alphabet[randomInt(alphabet.length)];
    const sk = randomBytes(30).toString('base64url').slice(0, 40);
    const key: IamAccessKey = { sk, userId, status: 'active', description, createdAt: this.clock.now() };
    this.accessKeys.set(ak, key);
    this.clock.secrets.add(sk);
    return [ak, key];
  }

  seedProject(id: string, domainName: string, name = 'cn-north-4'): void {
    this.projects.set(id, { domainId: this.domain(domainName).id, name });
  }

  issueToken(userId: string, projectId?: string): { token: string; record: IamToken } {
    const now = this.clock.now();
    const record: IamToken = { userId, issuedAt: now, expiresAt: now + iamTokenTtlMs, projectId };
    const token = `MIIsim${randomBytes(48).toString('base64url')}`;
    this.clock.secrets.add(token);
    this.tokens.set(token, record);
    let mine = this.tokensByUser.get(userId);
    if (!mine) this.tokensByUser.set(userId, (mine = new Set()));
    mine.add(token);
    return { token, record };
  }

  /** A live token's record; expired tokens are dropped. */
  lookupToken(token: string | undefined): IamToken | undefined {
    if (!token) return undefined;
    const rec = this.tokens.get(token);
    if (!rec) return undefined;
    if (rec.expiresAt <= this.clock.now()) {
      this.tokens.delete(token);
      this.tokensByUser.get(rec.userId)?.delete(token);
      return undefined;
    }
    return rec;
  }

  /** A password change invalidates every token of the user at once. */
  revokeTokens(userId: string): void {
    for (const t of this.tokensByUser.get(userId) ?? []) this.tokens.delete(t);
    this.tokensByUser.delete(userId);
  }

  /** Records a failed login; locks the user when the login policy says so. */
  strike(user: IamUser): void {
    const now = this.clock.now();
    const policy = this.domainById(user.domainId)!.loginPolicy;
    user.failedLogins = [...user.failedLogins.filter((t) => now - t < policy.period * 60_000), now];
    if (user.failedLogins.length >= policy.login_failed_times) {
      user.lockedUntil = now + policy.lockout_duration * 60_000;
      user.failedLogins = [];
    }
  }

  isLocked(user: IamUser): boolean {
    return user.lockedUntil !== undefined && user.lockedUntil > this.clock.now();
  }

  setPassword(user: IamUser, password: string): void {
    user.history.unshift(user.password);
    user.history = user.history.slice(0, 10);
    user.password = password;
    this.clock.secrets.add(password);
    user.lastChangeAt = this.clock.now();
    this.revokeTokens(user.userId);
  }
}

function nameKey(domainId: string, userName: string): string {
  return `${domainId}\u0000${userName}`;
}
