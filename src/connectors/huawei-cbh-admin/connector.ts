import { AuthFailed, Misconfigured, PolicyRejected } from '../../errors/index.js';
import type { Connector, ConnectorDeps } from '../types.js';
import { huaweiHttpFor, type HuaweiCall, type HuaweiReply } from '../huawei/http.js';
import { describe, detailsOf, jsonError, jsonObject, unrecognisedChange } from '../huawei/replies.js';
import { makeCbhAuth } from './operatorAuth.js';
import type { CbhAdminTarget } from './schema.js';

export const cbhUnverifiedReason =
  'CBH has no API to verify the admin password, so the 200 of the change is trusted and the new password is not proven';

/**
 * A CBH instance's `admin` password: `PUT /{v1|v2}/{project_id}/cbs/instance/password`. An admin reset
 * (no old password), so re-sending the same password is harmless — that is how an unknown outcome is
 * resolved — and there is no way to verify it.
 */
export function createCbhAdminConnector(target: CbhAdminTarget, deps: ConnectorDeps): Connector {
  const http = huaweiHttpFor(target.endpoint, target, deps);
  const auth = makeCbhAuth(target, deps);

  /**
   * Success is only the documented one: v1 answers 200 `{"request_info":"success"}` (the reference's
   * example spells the key `"request info"`: both are accepted); v2 answers 200 with no body.
   */
  function succeeded(reply: HuaweiReply): boolean {
    if (reply.status !== 200) return false;
    if (target.apiVersion === 'v2' && reply.bodyKind === 'empty') return true;
    const body = jsonObject(reply);
    const info = body?.request_info ?? body?.['request info'];
    return typeof info === 'string' && info.toLowerCase() === 'success';
  }

  /** A documented refusal: a 400/401/403/404 carrying CBH's `{error_code, error_description}` body. */
  function refusal(reply: HuaweiReply): Error {
    const details = detailsOf(reply);
    const what = `${target.id}: admin password change refused (${describe(reply)})`;
    switch (reply.error.code) {
      case 'CBH.10020011':
        return new Misconfigured(`${what}: wrong server id`, details);
      case 'CBH.10020010':
        return new PolicyRejected(what, details);
      case 'CBH.10020009':
        return new Misconfigured(`${what}: request format`, details);
    }
    if (reply.status === 400) return new PolicyRejected(what, details);
    if (reply.status === 401) return new AuthFailed(`${what}: operator credential refused`, details);
    return new Misconfigured(what, details);
  }

  const documentedRefusals = new Set([400, 401, 403, 404]);

  async function setPassword(newPassword: string): Promise<void> {
    const call: HuaweiCall = {
      name: 'cbh.changePassword',
      method: 'PUT',
      path: `/${target.apiVersion}/${encodeURIComponent(target.projectId)}/cbs/instance/password`,
      json: { new_password: newPassword, server_id: target.serverId },
      mutating: true,
      secrets: [newPassword],
    };
    let reply = await http.send(await auth.apply(call, false));
    if (reply.status === 401 && auth.usedCache) {
      // A cached IAM token expired or was revoked: one fresh token, one more try.
      reply = await http.send(await auth.apply(call, true));
    }
    if (succeeded(reply)) return;
    if (documentedRefusals.has(reply.status) && jsonError(reply)) throw refusal(reply);
    // A proxy's HTML page, an empty 200 on v1, an undocumented status: CBH may or may not have the
    // password. Recovery re-sends the same one (an admin reset is idempotent) until CBH answers as documented.
    throw unrecognisedChange(`${target.id}: cbh.changePassword`, reply);
  }

  return {
    /** CBH cannot log in as admin: this checks the operator credential only; the password is unused. */
    async authenticate(_password) {
      await auth.check();
    },
    change: ({ newPassword }) => setPassword(newPassword),
    adminReset: (newPassword) => setPassword(newPassword),
    async verify() {
      throw new Misconfigured(`${target.id}: ${cbhUnverifiedReason}`);
    },
  };
}
