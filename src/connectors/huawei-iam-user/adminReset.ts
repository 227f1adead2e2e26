import { Misconfigured, PolicyRejected } from '../../errors/index.js';
import type { ConnectorDeps } from '../types.js';
import type { HuaweiHttp } from '../huawei/http.js';
import { iamContentType, iamPasswordLogin } from '../huawei/iamToken.js';
import { policyMessage } from '../huawei/policyMessage.js';
import { describe, detailsOf, jsonObject, unrecognisedChange } from '../huawei/replies.js';
import type { IamUserTarget } from './schema.js';

/**
 * Reconcile's way out: an IAM admin sets the user's password without the old one
 * (`PUT /v3.0/OS-USER/users/{user_id}`). The admin logs in with the `adminCredential`
 * (`{ userName, password, domainName? }`); sending the same password twice is harmless.
 */
export async function adminResetIamUser(
  target: IamUserTarget,
  deps: ConnectorDeps,
  http: HuaweiHttp,
  newPassword: string,
): Promise<void> {
  if (!target.adminCredential) throw new Misconfigured(`${target.id}: admin reset needs adminCredential`);
  const cred = await deps.readCredential(target.adminCredential);
  if (!cred.userName || !cred.password) {
    throw new Misconfigured(`${target.id}: credential ${target.adminCredential} needs userName and password`);
  }
  const admin = await iamPasswordLogin(http, {
    userName: cred.userName,
    password: cred.password,
    domainName: cred.domainName ?? target.domainName,
  });
  const reply = await http.send({
    name: 'iam.adminUpdateUser',
    method: 'PUT',
    path: `/v3.0/OS-USER/users/${encodeURIComponent(target.userId)}`,
    headers: { 'X-Auth-Token': admin.token },
    contentType: iamContentType,
    json: { user: { password: newPassword } },
    mutating: true,
    secrets: [newPassword, admin.token, cred.password],
  });
  // Documented success: 200 with the updated `user` object.
  if (reply.status === 200 && typeof jsonObject(reply)?.user === 'object') return;
  const details = detailsOf(reply);
  const what = `${target.id}: admin reset refused (${describe(reply)})`;
  if (reply.status === 400 && !target.errorCodes.parameter.includes(reply.error.code ?? ''))
    throw new PolicyRejected(policyMessage(what), details);
  if ([400, 401, 403, 404].includes(reply.status)) throw new Misconfigured(what, details);
  throw unrecognisedChange(`${target.id}: iam.adminUpdateUser`, reply);
}
