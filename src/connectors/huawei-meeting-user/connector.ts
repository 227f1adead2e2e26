import { AuthFailed, CooldownActive, Misconfigured, PolicyRejected, TargetUnchanged } from '../../rotation/errors.js';
import type { Connector, ConnectorDeps } from '../types.js';
import { huaweiHttpFor, type HuaweiReply } from '../huawei/http.js';
import { describe, detailsOf } from '../huawei/iamToken.js';
import { isPasswordRefused, loginGuardFor, unchangedIfRefused } from '../huawei/loginGuard.js';
import { TokenCache } from '../huawei/tokenCache.js';
import { meetingAccountAuth, meetingAppAuth, type MeetingToken } from './auth.js';
import type { MeetingUserTarget } from './schema.js';

/** Meeting forbids a second change within 5 minutes of the last one. */
export const meetingCooldownMs = 5 * 60_000;

/**
 * A Meeting enterprise user's password: `PUT /v1/usg/acs/password` with `X-Access-Token` from
 * account auth (Basic, the user's current password) or App ID auth (HMAC, App ID/key from Vault).
 * Verify = account auth with the new password.
 */
export function createMeetingUserConnector(target: MeetingUserTarget, deps: ConnectorDeps): Connector {
  const http = huaweiHttpFor(target.endpoint, target, deps);
  const guard = loginGuardFor(
    `meeting|${new URL(target.endpoint).host}|${target.account}`,
    target.maxRefusedLogins,
    target.refusedLoginWindowMs,
  );
  const tokens = new TokenCache();
  let lastChangeAt: number | undefined;

  async function accountLogin(password: string): Promise<MeetingToken> {
    const t = await guard.login(() => meetingAccountAuth(http, target.account, password, target.language));
    tokens.set({ ...t, password });
    return t;
  }

  /** A token to change with: the App ID's, or one from logging in with the current password. */
  async function tokenFor(oldPassword: string): Promise<{ token: string; cached: boolean }> {
    const auth = target.auth;
    const key = auth.method === 'app' ? '' : oldPassword;
    const hit = tokens.get(key);
    if (hit) return { token: hit.token, cached: true };
    if (auth.method === 'app') {
      const cred = await deps.readCredential(auth.credential);
      if (!cred.appId || !cred.appKey)
        throw new Misconfigured(`${target.id}: credential ${auth.credential} needs appId and appKey`);
      const t = await meetingAppAuth(http, { appId: cred.appId, appKey: cred.appKey }, auth.userId, target.language);
      tokens.set({ ...t, password: '' });
      return { token: t.token, cached: false };
    }
    try {
      return { token: (await accountLogin(oldPassword)).token, cached: false };
    } catch (err) {
      throw unchangedIfRefused(target.id, err);
    }
  }

  function put(token: string, oldPassword: string, newPassword: string): Promise<HuaweiReply> {
    return http.send({
      name: 'meeting.changePassword',
      method: 'PUT',
      path: '/v1/usg/acs/password',
      headers: { 'X-Access-Token': token, 'Accept-Language': target.language },
      json: { account: target.account, oldPwd: oldPassword, newPwd: newPassword },
      mutating: true,
      secrets: [oldPassword, newPassword, token],
    });
  }

  function refusal(reply: HuaweiReply): Error {
    const details = detailsOf(reply);
    const code = reply.error.code ?? '';
    const codes = target.errorCodes;
    const what = `${target.id}: change refused (${describe(reply)})`;
    if (codes.wrongPassword.includes(code)) return new TargetUnchanged(`${what}: wrong old password`, details);
    if (codes.cooldown.includes(code)) {
      return new CooldownActive(`${what}: changed within the last 5 minutes`, {
        ...details,
        retryAfterMs: meetingCooldownMs,
      });
    }
    if (codes.policy.includes(code)) return new PolicyRejected(what, details);
    if (codes.userNotFound.includes(code)) return new Misconfigured(`${what}: no such account`, details);
    if (reply.status === 401) return new AuthFailed(what, details);
    if (reply.status === 403) return new Misconfigured(what, details);
    // An undocumented 400: the account is unchanged, and the code stays in the message for the audit.
    return new TargetUnchanged(what, details);
  }

  return {
    async authenticate(password) {
      await accountLogin(password);
    },

    async change({ oldPassword, newPassword }) {
      // Known locally: don't spend a request (and an account auth) on a change Meeting must refuse.
      const since = lastChangeAt === undefined ? Infinity : Date.now() - lastChangeAt;
      if (since < meetingCooldownMs) {
        throw new CooldownActive(
          `${target.id}: changed ${Math.round(since / 1000)} s ago; Meeting allows one change per 5 minutes`,
          {
            retryAfterMs: meetingCooldownMs - since,
          },
        );
      }
      let { token, cached } = await tokenFor(oldPassword);
      let reply = await put(token, oldPassword, newPassword);
      if (reply.status === 401 && cached && target.errorCodes.tokenInvalid.includes(reply.error.code ?? '')) {
        // The cached token expired or was revoked: one fresh token, one more try.
        tokens.clear();
        ({ token, cached } = await tokenFor(oldPassword));
        reply = await put(token, oldPassword, newPassword);
      }
      if (reply.status !== 200 && reply.status !== 204) throw refusal(reply);
      lastChangeAt = Date.now();
      tokens.clear();
    },

    async verify(password) {
      try {
        await accountLogin(password);
        return true;
      } catch (err) {
        if (isPasswordRefused(err)) return false;
        throw err;
      }
    },
  };
}
