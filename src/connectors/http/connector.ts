import { Misconfigured } from '../../errors/index.js';
import type { Connector, ConnectorDeps } from '../types.js';
import { huaweiHttpFor, type HuaweiReply } from '../huawei/http.js';
import { loginGuardFor } from '../huawei/loginGuard.js';
import { unrecognisedChange, unrecognisedRead } from '../huawei/replies.js';
import { TokenCache } from '../huawei/tokenCache.js';
import { changeWithToken, tokenAs, verifyByLogin } from '../huawei/tokenSession.js';
import { isSuccess, matchRefusal, refusalError, valueAt } from './classify.js';
import { buildCall, compileRequest, uses, type CompiledRequest } from './request.js';
import type { HttpLoginSpec, HttpTarget } from './schema.js';
import type { Scope } from './template.js';

export const httpUnverifiedReason =
  'the target describes no way to verify a password (verify: none), so the success reply of the change is trusted and the new password is not proven';

/** The session a successful login carries, where the description says it is. */
function sessionOf(reply: HuaweiReply, where: NonNullable<HttpLoginSpec['session']>): string | undefined {
  if ('body' in where) {
    const v = valueAt(reply, where.body);
    return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
  }
  if ('header' in where) {
    const v = reply.headers[where.header.toLowerCase()];
    const first = Array.isArray(v) ? v[0] : v;
    return first ? first : undefined;
  }
  const cookies = reply.headers['set-cookie'] ?? [];
  for (const c of cookies) {
    const [pair = ''] = c.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === where.cookie) return pair.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * A target whose change-password API is described in the config. The steps are the built-ins' own:
 * a login guarded against lockout, a change authenticated by the login's session (one fresh login
 * when a cached session is refused), and verify = a login with the new password, a request of its
 * own, or none. Success is only what the description recognises; anything else after the change was
 * sent is an unknown outcome, resolved by recovery (a probe, or an idempotent re-send).
 */
export function createHttpConnector(target: HttpTarget, deps: ConnectorDeps): Connector {
  const http = huaweiHttpFor(target.endpoint, target, deps, 'http');
  const login = target.login && compileRequest(target.login);
  const change = compileRequest(target.change);
  const verifyRequest = typeof target.verify === 'object' ? compileRequest(target.verify) : undefined;
  const loginSpec = target.login;
  // A login that sends the password proves it; one that does not authenticates an operator (credentials).
  const loginProvesPassword = login !== undefined && uses(login, 'password');
  const changeNeedsSession = uses(change, 'login.session');
  const ttl = loginSpec?.sessionTtl ?? 600_000;
  const tokens = new TokenCache(Math.min(5 * 60_000, Math.floor(ttl / 5)));
  const origin = new URL(target.endpoint);
  const guard = loginGuardFor(
    `http|${origin.host}|${target.login?.path ?? ''}|${JSON.stringify(target.vars)}`,
    target.maxRefusedLogins,
    target.refusedLoginWindowMs,
  );
  const name = (step: string) => `${target.id}: http.${step}`;

  async function scope(extra: Partial<Scope>): Promise<Scope> {
    const credentials: Record<string, Record<string, string>> = {};
    for (const c of target.credentials) credentials[c] = await deps.readCredential(c);
    return { vars: target.vars, credentials, ...extra };
  }

  /** A request that proves nothing unless recognised: success, a described refusal, or TargetUnchanged. */
  async function read(req: CompiledRequest, step: string, password: string | undefined): Promise<HuaweiReply> {
    const call = buildCall(req, await scope({ password }), {
      name: `http.${step}`,
      mutating: false,
      targetId: target.id,
    });
    const reply = await http.send(call);
    if (isSuccess(reply, req.spec.success)) return reply;
    const rule = matchRefusal(reply, req.spec.refusals);
    if (rule) throw refusalError(rule, reply, name(step), { targetCooldownMs: target.cooldown, login: true });
    throw unrecognisedRead(name(step), reply);
  }

  async function doLogin(password: string): Promise<{ token: string; expiresAt: number }> {
    if (!login || !loginSpec) throw new Misconfigured(`${target.id}: no login is described`);
    const reply = await guard.login(() => read(login, 'login', password));
    const session = loginSpec.session ? sessionOf(reply, loginSpec.session) : '';
    if (session === undefined) throw unrecognisedRead(`${name('login')}: no session in the reply`, reply);
    const t = { token: session, expiresAt: Date.now() + ttl };
    tokens.set({ ...t, password: loginProvesPassword ? password : '' });
    return t;
  }

  /**
   * The session to change with. A login with the current password that is refused left the target
   * unchanged (TargetUnchanged); an operator's refused login stays AuthFailed: retrying cannot help.
   */
  async function sessionFor(oldPassword: string): Promise<{ token: string; cached: boolean }> {
    if (loginProvesPassword) return tokenAs(tokens, target.id, oldPassword, () => doLogin(oldPassword));
    const hit = tokens.get('');
    if (hit) return { token: hit.token, cached: true };
    return { token: (await doLogin(oldPassword)).token, cached: false };
  }

  async function sendChange(oldPassword: string, newPassword: string, session: string | undefined) {
    const s = await scope({ oldPassword, newPassword, session });
    return http.send(buildCall(change, s, { name: 'http.change', mutating: true, targetId: target.id }));
  }

  const refusedSession = (reply: HuaweiReply) => matchRefusal(reply, change.spec.refusals)?.outcome === 'auth-failed';

  return {
    async authenticate(password) {
      if (login) {
        await doLogin(password);
        return;
      }
      // Refused: AuthFailed, as the contract says, counted by the guard.
      if (verifyRequest) await guard.login(() => read(verifyRequest, 'verify', password));
    },

    async change({ oldPassword, newPassword }) {
      const reply = changeNeedsSession
        ? await changeWithToken(
            tokens,
            () => sessionFor(oldPassword),
            (session) => sendChange(oldPassword, newPassword, session),
            refusedSession,
          )
        : await sendChange(oldPassword, newPassword, undefined);
      if (isSuccess(reply, change.spec.success)) {
        // Sessions of the account whose password changed are dead (most APIs revoke them); an operator's live on.
        if (loginProvesPassword) tokens.clear();
        return;
      }
      const rule = matchRefusal(reply, change.spec.refusals);
      if (rule) throw refusalError(rule, reply, name('change'), { targetCooldownMs: target.cooldown, login: false });
      throw unrecognisedChange(name('change'), reply);
    },

    async verify(password) {
      if (target.verify === 'login') return verifyByLogin(() => doLogin(password));
      if (verifyRequest) return verifyByLogin(() => guard.login(() => read(verifyRequest, 'verify', password)));
      throw new Misconfigured(`${target.id}: ${httpUnverifiedReason}`);
    },
  };
}
