import { AuthFailed, CooldownActive, Misconfigured, PolicyRejected, TargetUnchanged } from '../../errors/index.js';
import type { Connector, ConnectorDeps } from '../types.js';
import { huaweiHttpFor, type HuaweiReply } from '../huawei/http.js';
import { iamContentType, iamPasswordLogin, type IamLogin } from '../huawei/iamToken.js';
import { policyMessage } from '../huawei/policyMessage.js';
import { accountBlocked, describe, detailsOf, lockedOut, unrecognisedChange } from '../huawei/replies.js';
import { readIamPasswordPolicy, declaredPolicyOf } from './passwordPolicy.js';
import { iamLoginGuard } from '../huawei/loginGuard.js';
import { changeWithToken, tokenAs, verifyByLogin } from '../huawei/tokenSession.js';
import { TokenCache } from '../huawei/tokenCache.js';
import type { IamUserTarget } from './schema.js';
import { adminResetIamUser } from './adminReset.js';

/**
 * An IAM user changing their own login password: a token by password (`X-Subject-Token`), then
 * `POST /v3/users/{user_id}/password` with `original_password`; verify = a login with the new one.
 */
export function createIamUserConnector(target: IamUserTarget, deps: ConnectorDeps): Connector {
  const http = huaweiHttpFor(target.endpoint, target, deps);
  const guard = iamLoginGuard(target.endpoint, target.domainName, target.userName, target);
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

  const tokenFor = (password: string) => tokenAs(tokens, target.id, password, () => login(password));

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

  /**
   * IAM's change page documents 204 for success and statuses 400/401/403/404/405/413/500/503, and no
   * error codes. A 400 to an authenticated change that names no parameter problem means IAM refused
   * this password (too weak, reused, too recent): real IAM says so in a Keystone body such as
   * `{"error":{"code":400,"message":"The password is too weak."}}`. One fresh password, then stop.
   */
  function refusal(reply: HuaweiReply): Error | undefined {
    const details = detailsOf(reply);
    const code = reply.error.code ?? '';
    const what = `${target.id}: change refused (${describe(reply)})`;
    if (reply.status === 401 && lockedOut(reply))
      return accountBlocked(`${target.id}: iam.changePassword`, 'locked', reply);
    if (reply.status === 401) return new AuthFailed(what, details);
    if ([403, 404, 405, 413].includes(reply.status)) return new Misconfigured(what, details);
    if (reply.status !== 400) return undefined;
    if (target.errorCodes.wrongPassword.includes(code))
      return new TargetUnchanged(`${what}: wrong original password`, details);
    if (target.errorCodes.cooldown.includes(code)) return new CooldownActive(`${what}: minimum password age`, details);
    if (target.errorCodes.parameter.includes(code)) return new Misconfigured(`${what}: malformed request`, details);
    return new PolicyRejected(policyMessage(what), details);
  }

  return {
    async authenticate(password) {
      await login(password);
    },

    async change({ oldPassword, newPassword }) {
      // An expired or revoked cached token (a 401 that is no lockout): log in again once, then give up.
      const reply = await changeWithToken(
        tokens,
        () => tokenFor(oldPassword),
        (token) => postChange(token, oldPassword, newPassword),
        (r) => r.status === 401 && !lockedOut(r),
      );
      // 204 is the documented success; anything else after the request was sent may have applied it.
      if (reply.status !== 204) throw refusal(reply) ?? unrecognisedChange(`${target.id}: iam.changePassword`, reply);
      // Every token issued before the change is dead (IAM revokes them), ours included.
      tokens.clear();
    },

    recentLoginRefusals: () => guard.hasRecentRefusals,

    verify: (password) => verifyByLogin(() => login(password)),

    accountPolicy: {
      scope: `iam|${new URL(target.endpoint).host}|${target.domainName}`,
      declared: declaredPolicyOf(target.accountPolicy),
      read: () =>
        readIamPasswordPolicy({ target, deps, http, userToken: () => tokens.peek()?.token, domainId: () => domainId }),
    },

    async adminReset(newPassword) {
      await adminResetIamUser(target, deps, http, newPassword);
      tokens.clear();
    },
  };
}
