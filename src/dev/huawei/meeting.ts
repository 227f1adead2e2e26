import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimClock } from './clock.js';
import { documentedOn, meetingCodes } from './codes.js';
import { meetingPasswordRejection } from './meetingRules.js';
import type { SimRequest, SimResponse, SimRoute } from './types.js';

export interface MeetingAccount {
  account: string;
  /** The user name the "not the user name" rule compares against (default: the account's local part). */
  userName: string;
  /** Third-party user id used by App ID auth. */
  userId: string;
  corpId: string;
  password: string;
  history: string[];
  lastChangeAt?: number;
  failedLogins: number[];
  lockedUntil?: number;
  /** Stopped by the enterprise administrator: account auth answers 412. */
  disabled: boolean;
}

export interface SeedMeetingAccount {
  account: string;
  password: string;
  userName?: string;
  userId?: string;
  corpId?: string;
  disabled?: boolean;
}

interface MeetingToken {
  corpId: string;
  account?: string;
  expiresAt: number;
  createdAt: number;
}

export { meetingCooldownMs } from './meetingRules.js';
const tokenTtlS = 12 * 3600;

const usgError = (status: number, code: string, msg: string): SimResponse => ({
  status,
  body: { error_code: code, error_msg: msg, request_id: randomBytes(16).toString('hex') },
});

/** Huawei Cloud Meeting (USG): account auth, App ID auth and the enterprise user's password change. */
export class MeetingSim {
  readonly accounts = new Map<string, MeetingAccount>();
  readonly apps = new Map<string, { appKey: string; corpId: string }>();
  readonly tokens = new Map<string, MeetingToken>();
  /** Each account's tokens, oldest first: a login or a password change looks at one account's, not all. */
  private readonly tokensByAccount = new Map<string, string[]>();
  readonly loginPolicy = { failures: 5, periodMs: 15 * 60_000, lockMs: 15 * 60_000 };

  constructor(
    private readonly clock: SimClock,
    private readonly strictDocs = false,
  ) {}

  /**
   * A USG error; in strict-docs mode a code the route's page does not document becomes the bare
   * status with an empty body (the pages list statuses only).
   */
  private refuse(route: string, status: number, code: string, msg: string): SimResponse {
    if (this.strictDocs && !documentedOn(route, code)) return { status };
    return usgError(status, code, msg);
  }

  private account(name: unknown): MeetingAccount {
    const a = typeof name === 'string' ? this.accounts.get(name) : undefined;
    if (!a) throw new Error(`no Meeting account ${JSON.stringify(name)}`);
    return a;
  }

  /** Locks the account for `ms` (default: the login policy's lock time), as failed logins would. */
  lock(account: string, ms = this.loginPolicy.lockMs): void {
    this.account(account).lockedUntil = this.clock.now() + ms;
  }

  unlock(account: string): void {
    const a = this.account(account);
    a.lockedUntil = undefined;
    a.failedLogins = [];
  }

  /** Disables (or enables again) the account: account auth then answers 412. */
  setDisabled(account: string, disabled: boolean): void {
    this.account(account).disabled = disabled;
  }

  seedAccount(s: SeedMeetingAccount): MeetingAccount {
    const a: MeetingAccount = {
      account: s.account,
      userName: s.userName ?? s.account.split('@')[0]!,
      userId: s.userId ?? s.account,
      corpId: s.corpId ?? 'corp',
      password: s.password,
      history: [],
      failedLogins: [],
      disabled: s.disabled ?? false,
    };
    this.accounts.set(a.account, a);
    this.clock.secrets.add(s.password);
    return a;
  }

  seedApp(appId: string, appKey: string, corpId = 'corp'): void {
    this.apps.set(appId, { appKey, corpId });
    this.clock.secrets.add(appKey);
  }

  expireTokens(account?: string): void {
    for (const t of this.tokens.values()) if (!account || t.account === account) t.expiresAt = this.clock.now();
  }

  routes(): SimRoute[] {
    return [
      {
        id: 'meeting.accountAuth',
        method: 'POST',
        pattern: /^\/v1\/usg\/acs\/auth\/account$/,
        handle: (r) => this.accountAuth(r),
      },
      {
        id: 'meeting.appAuth',
        method: 'POST',
        pattern: /^\/v2\/usg\/acs\/auth\/appauth$/,
        handle: (r) => this.appAuth(r),
      },
      {
        id: 'meeting.changePassword',
        method: 'PUT',
        pattern: /^\/v1\/usg\/acs\/password$/,
        handle: (r) => this.change(r),
      },
    ];
  }

  private issue(corpId: string, account: MeetingAccount | undefined): SimResponse {
    const now = this.clock.now();
    const accessToken = `stb${randomBytes(24).toString('base64url')}`;
    const refreshToken = `rfr${randomBytes(24).toString('base64url')}`;
    this.clock.secrets.add(accessToken).add(refreshToken);
    this.tokens.set(accessToken, {
      corpId,
      account: account?.account,
      createdAt: now,
      expiresAt: now + tokenTtlS * 1000,
    });
    // At most 64 API-calling tokens per user: the oldest is evicted.
    if (account) {
      let mine = this.tokensByAccount.get(account.account);
      if (!mine) this.tokensByAccount.set(account.account, (mine = []));
      mine.push(accessToken);
      while (mine.length > 64) this.tokens.delete(mine.shift() as string);
    }
    return {
      status: 200,
      body: {
        accessToken,
        tokenIp: '127.0.0.1',
        validPeriod: tokenTtlS,
        expireTime: Math.floor(now / 1000) + tokenTtlS,
        createTime: now,
        refreshToken,
        tokenType: 0,
        refreshValidPeriod: 30 * 24 * 3600,
        refreshExpireTime: Math.floor(now / 1000) + 30 * 24 * 3600,
        refreshCreateTime: now,
        clientConfig: {},
        firstLogin: false,
        pwdExpired: false,
        user: account
          ? {
              userId: account.userId,
              ucloginAccount: account.account,
              name: account.userName,
              corpId: corpId,
              userType: 2,
            }
          : { corpId, userType: 2 },
      },
    };
  }

  private locked(a: MeetingAccount): boolean {
    return a.lockedUntil !== undefined && a.lockedUntil > this.clock.now();
  }

  private strike(a: MeetingAccount): void {
    const now = this.clock.now();
    a.failedLogins = [...a.failedLogins.filter((t) => now - t < this.loginPolicy.periodMs), now];
    if (a.failedLogins.length >= this.loginPolicy.failures) {
      a.lockedUntil = now + this.loginPolicy.lockMs;
      a.failedLogins = [];
    }
  }

  /** The account-auth page lists 412 (account disabled) and 423 (account locked) beside 400/401. */
  private accountAuth(req: SimRequest): SimResponse {
    const refuse = (status: number, code: string, msg: string) => this.refuse('meeting.accountAuth', status, code, msg);
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    const body = req.json as { account?: unknown; clientType?: unknown } | undefined;
    if (!basic || typeof body?.clientType !== 'number')
      return refuse(400, meetingCodes.invalidParameters, 'Invalid parameters.');
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    const name = decoded.slice(0, sep);
    const password = decoded.slice(sep + 1);
    const a = sep > 0 ? this.accounts.get(name) : undefined;
    if (!a) return refuse(401, meetingCodes.loginFailed, 'The account or password is incorrect.');
    // No documented code for a disabled account: the status says it all, in both modes.
    if (a.disabled) return { status: 412 };
    if (this.locked(a)) return refuse(423, meetingCodes.locked, 'The account has been locked.');
    if (a.password !== password) {
      this.strike(a);
      return refuse(401, meetingCodes.loginFailed, 'The account or password is incorrect.');
    }
    a.failedLogins = [];
    return this.issue(a.corpId, a);
  }

  /** Since 2025-09 the page makes `X-Token-Type: LongTicket` a required header. */
  private appAuth(req: SimRequest): SimResponse {
    const refuse = (status: number, code: string, msg: string) => this.refuse('meeting.appAuth', status, code, msg);
    const m = /^HMAC-SHA256 signature=([0-9a-f]{64})(?:,\s*access=([A-Za-z0-9+/=]+))?$/.exec(
      req.headers.authorization ?? '',
    );
    const b = (req.json ?? {}) as {
      appId?: unknown;
      clientType?: unknown;
      expireTime?: unknown;
      nonce?: unknown;
      userId?: unknown;
    };
    const nonceOk = typeof b.nonce === 'string' && b.nonce.length >= 32 && b.nonce.length <= 64;
    if (
      !m ||
      req.headers['x-token-type'] !== 'LongTicket' ||
      typeof b.appId !== 'string' ||
      typeof b.expireTime !== 'number' ||
      !nonceOk ||
      typeof b.clientType !== 'number'
    ) {
      return refuse(400, meetingCodes.invalidParameters, 'Invalid parameters.');
    }
    const app = this.apps.get(b.appId);
    const userId = typeof b.userId === 'string' ? b.userId : '';
    const data = `${b.appId}:${userId}:${b.expireTime}:${b.nonce as string}`;
    const expected = app ? createHmac('sha256', app.appKey).update(data).digest() : Buffer.alloc(32);
    const given = Buffer.from(m[1]!, 'hex');
    if (!app || !timingSafeEqual(given, expected))
      return refuse(401, meetingCodes.appAuthFailed, 'App ID authentication failed.');
    if (b.expireTime !== 0 && b.expireTime * 1000 < this.clock.now())
      return refuse(401, meetingCodes.appAuthExpired, 'The App ID authentication has expired.');
    const account = userId
      ? [...this.accounts.values()].find((a) => a.userId === userId && a.corpId === app.corpId)
      : undefined;
    if (userId && !account) return refuse(400, meetingCodes.userNotFound, 'The user does not exist.');
    return this.issue(app.corpId, account);
  }

  private change(req: SimRequest): SimResponse {
    const refuse = (status: number, code: string, msg: string) =>
      this.refuse('meeting.changePassword', status, code, msg);
    const token = req.headers['x-access-token'];
    const t = typeof token === 'string' ? this.tokens.get(token) : undefined;
    if (!t || t.expiresAt <= this.clock.now())
      return refuse(401, meetingCodes.tokenInvalid, 'The token is invalid or has expired.');
    const b = (req.json ?? {}) as { account?: unknown; oldPwd?: unknown; newPwd?: unknown };
    if (typeof b.account !== 'string' || typeof b.oldPwd !== 'string' || typeof b.newPwd !== 'string') {
      return refuse(400, meetingCodes.invalidParameters, 'Invalid parameters.');
    }
    const a = this.accounts.get(b.account);
    if (!a || a.corpId !== t.corpId) return refuse(400, meetingCodes.userNotFound, 'The user does not exist.');
    if (t.account !== undefined && t.account !== a.account)
      return refuse(403, meetingCodes.insufficientPermissions, 'Insufficient permissions.');
    if (this.locked(a)) return refuse(401, meetingCodes.locked, 'The account has been locked.');
    if (b.oldPwd !== a.password) {
      this.strike(a);
      return refuse(400, meetingCodes.wrongOldPassword, 'The current password is incorrect.');
    }
    const rejected = meetingPasswordRejection(a, b.newPwd, this.clock.now());
    if (rejected) return refuse(400, rejected.code, rejected.message);
    a.history = [a.password, ...a.history].slice(0, 5);
    a.password = b.newPwd;
    this.clock.secrets.add(b.newPwd);
    a.lastChangeAt = this.clock.now();
    const mine = this.tokensByAccount.get(a.account) ?? [];
    for (const tok of mine) if (tok !== token) this.tokens.delete(tok);
    this.tokensByAccount.set(a.account, typeof token === 'string' && mine.includes(token) ? [token] : []);
    return { status: 200 };
  }
}
