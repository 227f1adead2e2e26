import { AuthFailed, CooldownActive, Misconfigured, PolicyRejected, TargetUnchanged } from '../../rotation/errors.js';
import { accountPasswordPolicySchema, type AccountPasswordPolicy } from '../../policy/connectorRules.js';
import type { Connector, ConnectorDeps } from '../types.js';
import { huaweiHttpFor, type HuaweiReply } from '../huawei/http.js';
import { describe, detailsOf, iamContentType, iamPasswordLogin, lockedOut, type IamLogin } from '../huawei/iamToken.js';
import { isPasswordRefused, loginGuardFor, unchangedIfRefused } from '../huawei/loginGuard.js';
import { TokenCache } from '../huawei/tokenCache.js';
import type { IamUserTarget } from './schema.js';
import { adminResetIamUser } from './adminReset.js';

/**
 * An IAM user changing their own login password: a token by password (`X-Subject-Token`), then
 * `POST /v3/users/{user_id}/password` with `original_password`; verify = a login with the new one.
 */
export function createIamUserConnector(target: IamUserTarget, deps: ConnectorDeps): Connector {
  const http = huaweiHttpFor(target.endpoint, target, deps);
  const guard = loginGuardFor(
    `iam|${new URL(target.endpoint).host}|${target.domainName}|${target.userName}`,
    target.maxRefusedLogins,
    target.refusedLoginWindowMs,
  );
  const tokens = new TokenCache();
  let domainId: string | undefined;

  async function login(password: string): Promise<IamLogin> {
    const result = await guard.login(() =>
      iamPasswordLogin(http, {
        userName: target.userName,
        password,
        domainName: target.domainName,
        projectId: target.projectId,
      }),
    );
    domainId = result.domainId ?? domainId;
    tokens.set({ token: result.token, expiresAt: result.expiresAt, password });
    return result;
  }

  async function tokenFor(password: string): Promise<{ token: string; cached: boolean }> {
    const hit = tokens.get(password);
    if (hit) return { token: hit.token, cached: true };
    try {
      return { token: (await login(password)).token, cached: false };
    } catch (err) {
      throw unchangedIfRefused(target.id, err);
    }
  }

  function postChange(token: string, oldPassword: string, newPassword: string): Promise<HuaweiReply> {
    return http.send({
      name: 'iam.changePassword',
      method: 'POST',
      path: `/v3/users/${encodeURIComponent(target.userId)}/password`,
      headers: { 'X-Auth-Token': token },
      contentType: iamContentType,
      json: { user: { password: newPassword, original_password: oldPassword } },
      mutating: true,
      secrets: [oldPassword, newPassword, token],
    });
  }

  function refusal(reply: HuaweiReply): Error {
    const details = detailsOf(reply);
    const code = reply.error.code ?? '';
    const what = `${target.id}: change refused (${describe(reply)})`;
    if (target.errorCodes.wrongPassword.includes(code))
      return new TargetUnchanged(`${what}: wrong original password`, details);
    if (target.errorCodes.policy.includes(code)) return new PolicyRejected(what, details);
    if (target.errorCodes.cooldown.includes(code)) return new CooldownActive(`${what}: minimum password age`, details);
    if (reply.status === 401 && lockedOut(reply)) return new AuthFailed(`${what}: user is locked`, details);
    if (reply.status === 401) return new AuthFailed(what, details);
    if (reply.status === 403 || reply.status === 404 || reply.status === 405) return new Misconfigured(what, details);
    return new TargetUnchanged(what, details);
  }

  return {
    async authenticate(password) {
      await login(password);
    },

    async change({ oldPassword, newPassword }) {
      let { token, cached } = await tokenFor(oldPassword);
      let reply = await postChange(token, oldPassword, newPassword);
      // An expired or revoked cached token: log in again once, then give up.
      if (reply.status === 401 && cached && !lockedOut(reply)) {
        tokens.clear();
        ({ token, cached } = await tokenFor(oldPassword));
        reply = await postChange(token, oldPassword, newPassword);
      }
      if (reply.status !== 204 && reply.status !== 200) throw refusal(reply);
      // Every token issued before the change is dead (IAM revokes them), ours included.
      tokens.clear();
    },

    async verify(password) {
      try {
        await login(password);
        return true;
      } catch (err) {
        if (isPasswordRefused(err)) return false;
        throw err;
      }
    },

    async fetchAccountPolicy(): Promise<AccountPasswordPolicy | undefined> {
      const cached = tokens.peek();
      if (!cached || !domainId) {
        throw new Misconfigured(`${target.id}: reading the account password policy needs a token: authenticate first`);
      }
      const reply = await http.send({
        name: 'iam.passwordPolicy',
        method: 'GET',
        path: `/v3.0/OS-SECURITYPOLICY/domains/${encodeURIComponent(domainId)}/password-policy`,
        headers: { 'X-Auth-Token': cached.token },
        mutating: false,
        secrets: [cached.token],
      });
      const parsed = accountPasswordPolicySchema.safeParse(
        (reply.body as { password_policy?: unknown } | undefined)?.password_policy,
      );
      if (reply.status === 200 && parsed.success) return parsed.data;
      // A user without permission to read the policy is common: the configured policy still applies.
      if (reply.status === 403) {
        deps.logger.warn(
          { target: target.id, requestId: reply.requestId },
          'no permission to read the IAM password policy; using the configured policy only',
        );
        return undefined;
      }
      throw new Misconfigured(`${target.id}: password policy unreadable (${describe(reply)})`, detailsOf(reply));
    },

    async adminReset(newPassword) {
      await adminResetIamUser(target, deps, http, newPassword);
      tokens.clear();
    },
  };
}
