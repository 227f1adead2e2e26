import { AuthFailed, CooldownActive, Misconfigured, PolicyRejected, TargetUnchanged } from '../../errors/index.js';
import type { Connector, ConnectorDeps } from '../types.js';
import { huaweiHttpFor, type HuaweiReply } from '../huawei/http.js';
import { accountBlocked, describe, detailsOf, jsonError, unrecognisedChange } from '../huawei/replies.js';
import { policyMessage } from '../huawei/policyMessage.js';
import { loginGuardFor } from '../huawei/loginGuard.js';
import { changeWithToken, tokenAs, verifyByLogin } from '../huawei/tokenSession.js';
import { obtainToken, sharedTokenCache, TokenCache } from '../huawei/tokenCache.js';
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
  // The user's own tokens (account auth), dead after a change of their password.
  const tokens = new TokenCache();
  // An App ID's token serves every user of the same app (and acting user) until it nears expiry.
  const auth = target.auth;
  const appTokens =
    auth.method === 'account'
      ? undefined
      : sharedTokenCache(`meeting-app|${new URL(target.endpoint).origin}|${auth.credential}|${auth.userId ?? ''}`);

  async function accountLogin(password: string): Promise<MeetingToken> {
    const t = await guard.login(() => meetingAccountAuth(http, target.account, password, target.language));
    tokens.set({ ...t, password });
    return t;
  }

  /** A token to change with: the App ID's, or one from logging in with the current password. */
  async function tokenFor(oldPassword: string): Promise<{ token: string; cached: boolean }> {
    if (auth.method === 'account' || !appTokens) {
      return tokenAs(tokens, target.id, oldPassword, () => accountLogin(oldPassword));
    }
    const { credential, userId } = auth;
    return obtainToken(appTokens, '', async () => {
      const cred = await deps.readCredential(credential);
      if (!cred.appId || !cred.appKey)
        throw new Misconfigured(`${target.id}: credential ${credential} needs appId and appKey`);
      return meetingAppAuth(http, { appId: cred.appId, appKey: cred.appKey }, userId, target.language);
    });
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

  /**
   * The change page documents 200 (no body fields), 400, 401, 403 and 500, and no specific codes;
   * the codes in `errorCodes` refine a 400 where Huawei's error centre names them.
   */
  function refusal(reply: HuaweiReply): Error | undefined {
    const details = detailsOf(reply);
    const code = reply.error.code ?? '';
    const codes = target.errorCodes;
    const what = `${target.id}: change refused (${describe(reply)})`;
    if (reply.status === 423) return accountBlocked(`${target.id}: meeting.changePassword`, 'locked', reply);
    if (reply.status === 412) return accountBlocked(`${target.id}: meeting.changePassword`, 'disabled', reply);
    if (reply.status === 401) return new AuthFailed(what, details);
    if (reply.status === 403) return new Misconfigured(what, details);
    if (reply.status !== 400) return undefined;
    if (codes.wrongPassword.includes(code)) return new TargetUnchanged(`${what}: wrong old password`, details);
    if (codes.cooldown.includes(code)) {
      return new CooldownActive(`${what}: changed within the last 5 minutes`, {
        ...details,
        retryAfterMs: meetingCooldownMs,
      });
    }
    if (codes.userNotFound.includes(code)) return new Misconfigured(`${what}: no such account`, details);
    // An authenticated change refused with a 400 that names no parameter problem: Meeting refused this
    // password (its rules, its history, its cooldown). One fresh password, then stop and alert.
    return new PolicyRejected(policyMessage(what), details);
  }

  /** Success as documented: 200 with no body or a JSON one; a 200 HTML page from a proxy is not it. */
  function succeeded(reply: HuaweiReply): boolean {
    return reply.status === 200 && (reply.bodyKind === 'empty' || (reply.bodyKind === 'json' && !jsonError(reply)));
  }

  return {
    async authenticate(password) {
      await accountLogin(password);
    },

    // The 5-minute rule is kept by the engine from the secret's `rotated_at` in Vault, so every process
    // (and the CLI) sees the same cooldown; the connector keeps no clock of its own.
    async change({ oldPassword, newPassword }) {
      // The cached token expired or was revoked (USG.000000004, or a bare 401): a 401 applied
      // nothing, so one fresh token and one more try are safe.
      const reply = await changeWithToken(
        appTokens ?? tokens,
        () => tokenFor(oldPassword),
        (token) => put(token, oldPassword, newPassword),
        (r) => r.status === 401,
      );
      if (!succeeded(reply)) throw refusal(reply) ?? unrecognisedChange(`${target.id}: meeting.changePassword`, reply);
      // The user's tokens die with their old password; the App ID's token is not theirs.
      tokens.clear();
    },

    recentLoginRefusals: () => guard.hasRecentRefusals,

    verify: (password) => verifyByLogin(() => accountLogin(password)),
  };
}
