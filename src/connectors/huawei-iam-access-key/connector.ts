import { AuthFailed, Misconfigured, TargetUnchanged } from '../../errors/index.js';
import type { Connector, ConnectorDeps, CredentialIssuer, IssuedCredential, IssuedCredentialState } from '../types.js';
import { signSdkHmacSha256 } from '../huawei/akskSigner.js';
import { huaweiHttpFor, type HuaweiCall, type HuaweiReply } from '../huawei/http.js';
import { describe, detailsOf, jsonError, jsonObject, unrecognisedChange, unrecognisedRead } from '../huawei/replies.js';
import type { IamAccessKeyTarget } from './schema.js';

const base = '/v3.0/OS-CREDENTIAL/credentials';
const json = 'application/json;charset=utf8';

/**
 * A user's permanent access keys through IAM's documented API (api-iam iam_03_0001 … iam_03_0005):
 * create `POST …/credentials` → 201 with the SK (in that reply only), list `GET …/credentials?user_id=`,
 * query `GET …/credentials/{ak}` (with `last_use_time`), `PUT …/credentials/{ak}` to set `inactive`,
 * `DELETE …/credentials/{ak}` → 204. Every call is AK/SK-signed: with the operator's key when the target
 * names one, else with the key Vault holds now (the user rotates its own key). Success is only the
 * documented reply; any other reply to a create, status change or delete is an unknown outcome.
 */
export function createIamAccessKeyConnector(target: IamAccessKeyTarget, deps: ConnectorDeps): Connector {
  const http = huaweiHttpFor(target.endpoint, target, deps);
  const what = (call: string) => `${target.id}: ${call}`;

  async function signer(self: IssuedCredential): Promise<{ ak: string; sk: string }> {
    if (!target.operator) return { ak: self.id, sk: self.secret };
    const cred = await deps.readCredential(target.operator);
    if (!cred.ak || !cred.sk) throw new Misconfigured(`${target.id}: operator ${target.operator} needs {ak, sk}`);
    return { ak: cred.ak, sk: cred.sk };
  }

  async function send(
    key: { ak: string; sk: string },
    call: Omit<HuaweiCall, 'secrets' | 'sign' | 'contentType'>,
    secrets: string[] = [],
  ): Promise<HuaweiReply> {
    return http.send({
      ...call,
      contentType: json,
      secrets: [key.sk, ...secrets],
      sign: (req) => signSdkHmacSha256(req, key),
    });
  }

  /** A documented refusal (a listed 4xx with an IAM/Keystone/gateway error body): nothing changed. */
  function refusal(call: string, reply: HuaweiReply): Error {
    const message = `${what(call)} refused (${describe(reply)})`;
    if (reply.status === 401) return new AuthFailed(`${message}: the signing key is refused`, detailsOf(reply));
    if (reply.status === 403)
      return new Misconfigured(`${message}: the signing key may not manage this user's keys`, detailsOf(reply));
    if (reply.status === 404) return new Misconfigured(`${message}: no such user or key`, detailsOf(reply));
    return new TargetUnchanged(message, detailsOf(reply));
  }
  const documentedRefusal = (reply: HuaweiReply) => [400, 401, 403, 404].includes(reply.status) && jsonError(reply);

  const credentialOf = (reply: HuaweiReply) => {
    const c = jsonObject(reply)?.credential;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : undefined;
  };
  const stateOf = (c: Record<string, unknown>): IssuedCredentialState | undefined =>
    typeof c.access === 'string' && (c.status === 'active' || c.status === 'inactive')
      ? {
          id: c.access,
          active: c.status === 'active',
          ...(typeof c.last_use_time === 'string' ? { lastUsedAt: c.last_use_time } : {}),
        }
      : undefined;

  const issuer: CredentialIssuer = {
    fields: { id: target.fields.accessKey, secret: target.fields.secretKey },
    limit: 2,
    retirement: {
      quietPeriodMs: target.retirement.quietPeriod,
      deleteAfterMs: target.retirement.deleteAfter,
      maxWaitMs: target.retirement.maxWait,
      checkEveryMs: target.retirement.checkEvery,
    },

    async list(self) {
      const call = 'iam.listAccessKeys';
      const reply = await send(await signer(self), {
        name: call,
        method: 'GET',
        path: `${base}?user_id=${encodeURIComponent(target.userId)}`,
        mutating: false,
      });
      const list = jsonObject(reply)?.credentials;
      if (reply.status === 200 && Array.isArray(list)) {
        const states = list.map((c: unknown) =>
          c && typeof c === 'object' ? stateOf(c as Record<string, unknown>) : undefined,
        );
        if (states.every((s) => s !== undefined)) return states;
      }
      if (documentedRefusal(reply)) throw refusal(call, reply);
      throw unrecognisedRead(what(call), reply);
    },

    async issue(self) {
      const call = 'iam.createAccessKey';
      const reply = await send(await signer(self), {
        name: call,
        method: 'POST',
        path: base,
        json: { credential: { user_id: target.userId, description: `rotor ${target.id}` } },
        mutating: true,
      });
      const c = credentialOf(reply);
      if (
        reply.status === 201 &&
        c &&
        typeof c.access === 'string' &&
        typeof c.secret === 'string' &&
        c.access &&
        c.secret
      ) {
        return { id: c.access, secret: c.secret };
      }
      // A documented refusal created nothing (`akSkNumExceed` is the 400 for the limit).
      if (documentedRefusal(reply)) throw refusal(call, reply);
      throw unrecognisedChange(what(call), reply);
    },

    async verify(credential) {
      const call = 'iam.showAccessKey';
      const reply = await send(
        { ak: credential.id, sk: credential.secret },
        {
          name: call,
          method: 'GET',
          path: `${base}/${encodeURIComponent(credential.id)}`,
          shownPath: `${base}/:access_key`,
          mutating: false,
        },
      );
      const c = credentialOf(reply);
      if (reply.status === 200 && c?.access === credential.id) return true;
      if (reply.status === 401 && jsonError(reply)) return false;
      throw unrecognisedRead(what(call), reply);
    },

    async state(self, id) {
      const call = 'iam.showAccessKey';
      const reply = await send(await signer(self), {
        name: call,
        method: 'GET',
        path: `${base}/${encodeURIComponent(id)}`,
        shownPath: `${base}/:access_key`,
        mutating: false,
      });
      const c = credentialOf(reply);
      const state = reply.status === 200 && c ? stateOf(c) : undefined;
      if (state?.id === id) return state;
      if (reply.status === 404 && jsonError(reply)) return undefined;
      if (documentedRefusal(reply)) throw refusal(call, reply);
      throw unrecognisedRead(what(call), reply);
    },

    async deactivate(self, id) {
      const call = 'iam.updateAccessKey';
      const reply = await send(await signer(self), {
        name: call,
        method: 'PUT',
        path: `${base}/${encodeURIComponent(id)}`,
        shownPath: `${base}/:access_key`,
        json: { credential: { status: 'inactive' } },
        mutating: true,
      });
      const c = credentialOf(reply);
      if (reply.status === 200 && c?.status === 'inactive') return;
      if (documentedRefusal(reply)) throw refusal(call, reply);
      throw unrecognisedChange(what(call), reply);
    },

    async remove(self, id) {
      const call = 'iam.deleteAccessKey';
      const reply = await send(await signer(self), {
        name: call,
        method: 'DELETE',
        path: `${base}/${encodeURIComponent(id)}`,
        shownPath: `${base}/:access_key`,
        mutating: true,
      });
      if (reply.status === 204) return;
      // Already gone is what a delete wanted.
      if (reply.status === 404 && jsonError(reply)) return;
      if (documentedRefusal(reply)) throw refusal(call, reply);
      throw unrecognisedChange(what(call), reply);
    },
  };

  const notAPassword = async (): Promise<never> => {
    throw new Misconfigured(`${target.id}: an access key is issued by IAM, not set as a password`);
  };
  return { issuer, authenticate: notAPassword, change: notAPassword, verify: notAPassword };
}
