import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimClock } from './clock.js';
import { meetingCodes } from './codes.js';
import { charClasses, containsNameOrReverse, differingChars, longestRun, meetingSpecials } from './rules.js';
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
}

export interface SeedMeetingAccount {
  account: string;
  password: string;
  userName?: string;
  userId?: string;
  corpId?: string;
}

interface MeetingToken {
  corpId: string;
  account?: string;
  expiresAt: number;
  createdAt: number;
}

export const meetingCooldownMs = 5 * 60_000;
const tokenTtlS = 12 * 3600;

const err = (status: number, code: string, msg: string): SimResponse => ({
  status,
  body: { error_code: code, error_msg: msg, request_id: randomBytes(16).toString('hex') },
});

/** Huawei Cloud Meeting (USG): account auth, App ID auth and the enterprise user's password change. */
export class MeetingSim {
  readonly accounts = new Map<string, MeetingAccount>();
  readonly apps = new Map<string, { appKey: string; corpId: string }>();
  readonly tokens = new Map<string, MeetingToken>();
  readonly loginPolicy = { failures: 5, periodMs: 15 * 60_000, lockMs: 15 * 60_000 };

  constructor(private readonly clock: SimClock) {}

  seedAccount(s: SeedMeetingAccount): MeetingAccount {
    const a: MeetingAccount = {
      account: s.account,
      userName: s.userName ?? s.account.split('@')[0]!,
      userId: s.userId ?? s.account,
      corpId: s.corpId ?? 'corp',
      password: s.password,
      history: [],
      failedLogins: [],
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
    const mine = [...this.tokens].filter(([, t]) => account && t.account === account.account);
    for (const [tok] of mine.slice(0, Math.max(0, mine.length - 64))) this.tokens.delete(tok);
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

  private accountAuth(req: SimRequest): SimResponse {
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    const body = req.json as { account?: unknown; clientType?: unknown } | undefined;
    if (!basic || typeof body?.clientType !== 'number') return err(400, 'USG.000000001', 'Invalid parameters.');
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    const name = decoded.slice(0, sep);
    const password = decoded.slice(sep + 1);
    const a = sep > 0 ? this.accounts.get(name) : undefined;
    if (!a) return err(401, meetingCodes.loginFailed, 'The account or password is incorrect.');
    if (this.locked(a)) return err(401, meetingCodes.locked, 'The account has been locked.');
    if (a.password !== password) {
      this.strike(a);
      return err(401, meetingCodes.loginFailed, 'The account or password is incorrect.');
    }
    a.failedLogins = [];
    return this.issue(a.corpId, a);
  }

  private appAuth(req: SimRequest): SimResponse {
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
      typeof b.appId !== 'string' ||
      typeof b.expireTime !== 'number' ||
      !nonceOk ||
      typeof b.clientType !== 'number'
    ) {
      return err(400, 'USG.000000001', 'Invalid parameters.');
    }
    const app = this.apps.get(b.appId);
    const userId = typeof b.userId === 'string' ? b.userId : '';
    const data = `${b.appId}:${userId}:${b.expireTime}:${b.nonce as string}`;
    const expected = app ? createHmac('sha256', app.appKey).update(data).digest() : Buffer.alloc(32);
    const given = Buffer.from(m[1]!, 'hex');
    if (!app || !timingSafeEqual(given, expected))
      return err(401, meetingCodes.appAuthFailed, 'App ID authentication failed.');
    if (b.expireTime !== 0 && b.expireTime * 1000 < this.clock.now())
      return err(401, 'USG.206010057', 'The App ID authentication has expired.');
    const account = userId
      ? [...this.accounts.values()].find((a) => a.userId === userId && a.corpId === app.corpId)
      : undefined;
    if (userId && !account) return err(400, meetingCodes.userNotFound, 'The user does not exist.');
    return this.issue(app.corpId, account);
  }

  private change(req: SimRequest): SimResponse {
    const token = req.headers['x-access-token'];
    const t = typeof token === 'string' ? this.tokens.get(token) : undefined;
    if (!t || t.expiresAt <= this.clock.now())
      return err(401, meetingCodes.tokenInvalid, 'The token is invalid or has expired.');
    const b = (req.json ?? {}) as { account?: unknown; oldPwd?: unknown; newPwd?: unknown };
    if (typeof b.account !== 'string' || typeof b.oldPwd !== 'string' || typeof b.newPwd !== 'string') {
      return err(400, 'USG.000000001', 'Invalid parameters.');
    }
    const a = this.accounts.get(b.account);
    if (!a || a.corpId !== t.corpId) return err(400, meetingCodes.userNotFound, 'The user does not exist.');
    if (t.account !== undefined && t.account !== a.account)
      return err(403, 'USG.000000003', 'Insufficient permissions.');
    if (this.locked(a)) return err(401, meetingCodes.locked, 'The account has been locked.');
    if (b.oldPwd !== a.password) {
      this.strike(a);
      return err(400, meetingCodes.wrongOldPassword, 'The current password is incorrect.');
    }
    const rejected = this.rules(a, b.newPwd);
    if (rejected) return rejected;
    a.history = [a.password, ...a.history].slice(0, 5);
    a.password = b.newPwd;
    this.clock.secrets.add(b.newPwd);
    a.lastChangeAt = this.clock.now();
    for (const [tok, rec] of this.tokens) if (rec.account === a.account && tok !== token) this.tokens.delete(tok);
    return { status: 200 };
  }

  /** The documented newPwd rules, in the documented order. */
  private rules(a: MeetingAccount, pwd: string): SimResponse | undefined {
    const format = (why: string) => err(400, meetingCodes.invalidFormat, `Invalid password format: ${why}.`);
    if (pwd.length < 8 || pwd.length > 32) return format('8 to 32 characters');
    if ([...pwd].some((c) => !/[A-Za-z0-9]/.test(c) && !meetingSpecials.includes(c)))
      return format('unsupported character');
    if (charClasses(pwd, meetingSpecials) < 2) return format('at least two character types');
    if (pwd === a.password)
      return err(400, meetingCodes.tooClose, 'The new password cannot be the same as the old password.');
    if (differingChars(pwd, a.password) < 2)
      return err(
        400,
        meetingCodes.tooClose,
        'At least two characters must be different between the new and old passwords.',
      );
    if (a.lastChangeAt !== undefined && this.clock.now() - a.lastChangeAt < meetingCooldownMs) {
      return err(400, meetingCodes.tooSoon, 'The password cannot be changed again within 5 minutes.');
    }
    if (a.history.includes(pwd)) return err(400, meetingCodes.recentlyUsed, 'The password has been used recently.');
    if (longestRun(pwd) >= 3) return format('three or more identical characters in a row');
    if (containsNameOrReverse(pwd, a.userName)) return format('contains the user name or its reverse');
    return undefined;
  }
}
