import { AuthFailed, Misconfigured, PolicyRejected, TargetUnchanged } from '../../rotation/errors.js';
import type { Connector, ConnectorDeps } from '../types.js';
import { huaweiHttpFor, type HuaweiCall, type HuaweiReply } from '../huawei/http.js';
import { describe, detailsOf } from '../huawei/iamToken.js';
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
    if (reply.status === 401) return new AuthFailed(`${what}: operator credential refused`, details);
    if (reply.status === 403 || reply.status === 404) return new Misconfigured(what, details);
    return new TargetUnchanged(what, details);
  }

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
    // v1 answers {"request_info": "success"} (its example spells the key "request info"); v2 has no body.
    if (reply.status === 200) return;
    throw refusal(reply);
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
